// 会籍变更 on the H5 site (390×844, iPhone user agent), the manual's H5 path: 办事大厅 › 会籍变更 ›
// 办事指南 (public) › 【在线办理】 → login → back at 条件检查 (current membership) → 【发起申请】 →
// 《工会会员会籍关系变更提醒》 → 【同意】 → the form: 劳动（工作）关系发生变化 asks for 转入单位, 退休
// does not → 【提交】 → result. The current union's reviewer approves (API) and 个人中心 shows
// 保留会籍（退休） with the history; a second change then offers 退休 and 在本单位下岗后待岗
// disabled with the server's reasons.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import { IPHONE_UA, expectPath, launchBrowser, newMember, screenshotPath, watchPage, workerPasswordLogin } from './helpers.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function phoneContext() {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: IPHONE_UA,
    locale: 'zh-CN',
  });
}

test('H5: 办事指南 → 在线办理 → 会籍变更 退休, approved; 个人中心 shows 保留会籍（退休）', { timeout: 60000 }, async () => {
  const w = await newMember(srv, '黄退休');

  const context = await phoneContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  const reason = (key) => page.locator(`[data-reason="${key}"]`);

  // 办事大厅 › 会籍变更 › 办事指南 (public) › 【在线办理】 → login → back at the service.
  await page.goto(`${srv.url}/h5/`);
  await page.locator('.van-grid-item').filter({ hasText: '会籍变更' }).click();
  await expectPath(page, '/h5/guide/transfer');
  for (const s of ['事项说明', '申请条件', '变更原因', '所需材料', '办理时限']) await page.getByText(s, { exact: true }).waitFor();
  await page.getByText('退休：指您已退休。').waitFor();
  await page.screenshot({ path: screenshotPath('h5-transfer-guide.png'), fullPage: true });
  await page.getByRole('button', { name: '在线办理' }).click();
  await expectPath(page, '/h5/login');
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/transfer');
  await workerPasswordLogin(page, w.phone, w.password);

  // 条件检查 with the current membership → 【发起申请】 → 【同意】.
  await expectPath(page, '/h5/transfer');
  await page.getByText('当前具有有效会籍', { exact: true }).waitFor();
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  const current = page.getByTestId('current-membership');
  await current.getByText(w.bank.union.name).waitFor();
  await current.getByText(w.memberNo).waitFor();
  await page.getByRole('button', { name: '发起申请' }).click();
  await expectPath(page, '/h5/transfer/agreement');
  await page.getByText('《工会会员会籍关系变更提醒》').first().waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form: 劳动（工作）关系发生变化 asks for 转入单位; 退休 does not.
  await expectPath(page, '/h5/transfer/form');
  await reason('retired').getByText('指您已退休。').waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByTestId('reason-error').getByText('请选择变更原因').waitFor();
  await reason('labor_change').click();
  await page.getByPlaceholder('请选择转入单位所在区').waitFor();
  await page.getByText('请选择已建会的新工作单位', { exact: false }).waitFor();
  await reason('retired').click();
  await page.getByPlaceholder('请选择转入单位所在区').waitFor({ state: 'detached' });
  assert.ok(await reason('retired').getByRole('radio').isChecked());
  await page.screenshot({ path: screenshotPath('h5-transfer-form.png'), fullPage: true });
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result page.
  await page.waitForURL(/\/h5\/transfer\/result\/\d+$/);
  const appId = new URL(page.url()).pathname.split('/').pop();
  const ref = (await page.getByTestId('ref').locator('.van-cell__value').textContent()).trim();
  assert.match(ref, /^HJ\d{16}$/);
  await page.getByText(/会籍变更申请已递交/).waitFor();
  await page.screenshot({ path: screenshotPath('h5-transfer-result.png'), fullPage: true });

  // 我的办事: beside the join application; the detail shows the reason.
  await page.getByRole('button', { name: '查看我的办事' }).click();
  await expectPath(page, '/h5/affairs');
  const card = page.getByTestId('affair').filter({ hasText: ref });
  await card.getByText('会籍变更申请').waitFor();
  await card.getByText('已递交').waitFor();
  await card.click();
  await expectPath(page, `/h5/affairs/${appId}`);
  await page.locator('.van-cell').filter({ hasText: '变更原因' }).getByText('退休', { exact: true }).waitFor();

  // The current union's reviewer approves; 个人中心 shows 保留会籍（退休） and the history.
  await w.bankReviewer.decide(appId, 'approve');
  await page.goto(`${srv.url}/h5/me`);
  const member = page.getByTestId('membership');
  await member.getByTestId('member-status').getByText('保留会籍（退休）', { exact: true }).waitFor();
  await member.getByText(w.bank.union.name).first().waitFor();
  await member.getByText(w.memberNo, { exact: true }).waitFor();
  const history = member.getByTestId('membership-history');
  await history.getByText(w.joinRef).waitFor();
  await history.locator('.van-step').filter({ hasText: ref }).getByText('退休').waitFor();
  await page.screenshot({ path: screenshotPath('h5-me-retired.png'), fullPage: true });

  // A second change: 退休 and 在本单位下岗后待岗 no longer fit, disabled with the server's reasons.
  await member.getByText('会籍变更', { exact: true }).click();
  await expectPath(page, '/h5/guide/transfer');
  await page.getByRole('button', { name: '在线办理' }).click();
  await expectPath(page, '/h5/transfer');
  await page.getByText('保留会籍（退休）').first().waitFor();
  await page.getByRole('button', { name: '发起申请' }).click();
  await page.getByRole('button', { name: '同意', exact: true }).click();
  await expectPath(page, '/h5/transfer/form');
  await reason('retired').getByText(/已是保留会籍（退休）/).waitFor();
  assert.ok(await reason('retired').getByRole('radio').isDisabled());
  await reason('laid_off').getByText(/只适用于在职会员/).waitFor();
  await reason('retired').click();
  assert.equal(await reason('retired').getByRole('radio').isChecked(), false, 'a disabled reason cannot be chosen');
  assert.equal(await reason('labor_change').getByRole('radio').isDisabled(), false);
  await page.screenshot({ path: screenshotPath('h5-transfer-disabled.png'), fullPage: true });

  watch.assertClean();
  await context.close();
});
