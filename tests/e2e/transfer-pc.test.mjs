// 会籍变更 on the PC site (1366×768), the manual's path: a member of the bank's union (joined and
// approved through the API) → 业务申报平台 › 会员基础类业务 › 会籍变更申请 → 条件检查 with the
// current membership → 【发起申请】 → 《工会会员会籍关系变更提醒》 → 【同意】 → the form: the nine
// reasons with the manual's explanations, 劳动（工作）关系发生变化, 转入单位 search (a unit without a
// union is listed but cannot be picked; the airline is picked → 【确定】 → confirm → 【确定】),
// 转入单位所在地 preset → 【暂存】 → 我的办事 › 我的待办 beside the join application → 继续填写 →
// 【提交】 → result. The RECEIVING union's reviewer sees the current membership and the requested
// change side by side and approves; 个人中心 shows the airline's union, the same member number
// and the history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import {
  AIRLINE,
  PORT,
  addReviewer,
  expectPath,
  launchBrowser,
  newMember,
  screenshotPath,
  unitNamed,
  watchPage,
  workerPasswordLogin,
  adminLogin,
} from './helpers.mjs';

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

// Waits for the SMS to `phone` that names `ref` (the decision's notice).
async function smsAbout(phone, ref) {
  for (let i = 0; i < 400; i++) {
    const hit = srv.sms().find((m) => m.to === phone && m.text.includes(ref));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no SMS to ${phone} about ${ref}`);
}

const desktop = () => browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });

// The manual's nine reasons and their explanations (会籍变更 › 主要信息填写说明).
const REASONS = [
  ['labor_change', '劳动（工作）关系发生变化', '指您已经变更工作单位且新单位已建会。'],
  ['laid_off', '在本单位下岗后待岗', '指您在原单位下岗且尚未找到新工作。'],
  ['bankrupt', '所在企业破产', '指您原单位破产且尚未找到新工作。'],
  ['unemployed', '失业', '指您在原单位离职且尚未找到新工作。'],
  ['no_union_unit', '转入单位未建会', '指您已经变更工作单位但新单位未建会。'],
  ['retired', '退休', '指您已退休。'],
  ['military', '服兵役', '指您在服兵役期间。'],
  ['withdraw', '个人要求退会', '指您由于个人原因申请退会。'],
  ['expelled', '因犯罪被开除会籍', '指您因犯罪被开除会籍。'],
];

test('PC: 会籍变更 劳动（工作）关系发生变化 to a unit with a union, approved by the receiving union', { timeout: 60000 }, async () => {
  const w = await newMember(srv, '陈变更');
  const airline = await unitNamed(w.client, AIRLINE);
  assert.ok(airline.union && airline.union.code && airline.union.code !== w.bank.union.code);
  const receiving = await addReviewer(srv, airline.union.code, '吴接收');

  const context = await desktop();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  // A member logs in (no 温馨提醒) and opens 业务申报平台 › 会员基础类业务 › 会籍变更申请.
  await page.goto(`${srv.url}/pc/login`);
  await workerPasswordLogin(page, w.phone, w.password);
  await expectPath(page, '/pc/me');
  await page.getByTestId('member-status').getByText('会员', { exact: true }).waitFor();
  await page.getByText('业务申报平台').first().hover();
  await page.getByRole('menuitem', { name: '会籍变更申请' }).click();

  // 条件检查: both conditions passed, the current membership shown → 【发起申请】.
  await expectPath(page, '/pc/transfer');
  await page.getByText('当前具有有效会籍', { exact: true }).waitFor();
  await page.getByText('没有正在办理的会籍变更申请', { exact: true }).first().waitFor();
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  const current = page.getByTestId('current-membership');
  await current.getByText(w.bank.union.name).waitFor();
  await current.getByText(w.memberNo).waitFor();
  await page.screenshot({ path: screenshotPath('pc-transfer-check.png') });
  await page.getByRole('button', { name: '发起申请' }).click();

  // 《工会会员会籍关系变更提醒》 → 【同意】.
  await expectPath(page, '/pc/transfer/agreement');
  await page.getByText('《工会会员会籍关系变更提醒》').first().waitFor();
  await page.getByText(/原工会不再为您提供会员服务/).waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form: the nine reasons with their explanations; 【提交】 with none chosen is refused.
  await expectPath(page, '/pc/transfer/form');
  for (const [key, label, explanation] of REASONS) {
    const option = page.locator(`[data-reason="${key}"]`);
    await option.getByText(label, { exact: true }).waitFor();
    await option.getByText(explanation, { exact: true }).waitFor();
  }
  assert.equal(await page.getByText('转入单位所在地').count(), 0, '转入单位 only for the reasons that need one');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请选择变更原因').waitFor();

  // 劳动（工作）关系发生变化 → 转入单位 and 转入单位所在地 appear, both required.
  await page.locator('[data-reason="labor_change"]').click();
  await page.getByText('请选择已建会的新工作单位').waitFor();

  // The search: a unit without a union is listed greyed with a hint and cannot be picked …
  await page.getByPlaceholder('请输入转入单位名称（可输入关键字）').fill(PORT);
  await page.getByRole('button', { name: '搜索' }).click();
  const picker = page.getByRole('dialog').filter({ hasText: '选择工作单位' });
  const portRow = picker.getByRole('row').filter({ hasText: PORT });
  await portRow.getByText('该单位未建会').waitFor();
  assert.equal(await portRow.locator('.el-radio.is-disabled').count(), 1, 'no radio for a unit without a union');
  await portRow.getByText(PORT).click();
  assert.ok(await picker.getByRole('button', { name: '确定' }).isDisabled(), 'nothing picked');
  await page.screenshot({ path: screenshotPath('pc-transfer-unit-rule.png') });

  // … the airline is: pick → 【确定】 → confirm → 【确定】.
  await picker.getByPlaceholder('请输入工作单位名称（可输入关键字）或统一社会信用代码').fill(AIRLINE);
  await picker.getByRole('button', { name: '搜索' }).click();
  await picker.getByRole('row').filter({ hasText: AIRLINE }).getByText(AIRLINE).click();
  await picker.getByRole('button', { name: '确定' }).click();
  const confirmStep = page.getByRole('dialog').filter({ hasText: '确认工作单位' });
  await confirmStep.getByText(airline.credit_code).waitFor();
  await confirmStep.getByRole('button', { name: '确定' }).click();
  await confirmStep.waitFor({ state: 'hidden' });
  await page.getByTestId('chosen-unit').getByText(AIRLINE, { exact: true }).waitFor();
  // 转入单位所在地 follows the unit.
  await page.getByText(airline.district.name, { exact: true }).first().waitFor();
  await page.getByText(airline.street.name, { exact: true }).first().waitFor();

  // 【暂存】 → 我的办事 › 我的待办, beside the (completed) join application → 继续填写 → 【提交】.
  await page.getByRole('button', { name: '暂存', exact: true }).click();
  await page.getByText('已暂存').waitFor();
  await page.waitForURL(/\/pc\/transfer\/form\/\d+$/);
  const appId = new URL(page.url()).pathname.split('/').pop();
  await page.screenshot({ path: screenshotPath('pc-transfer-form.png'), fullPage: true });
  await page.getByRole('menuitem', { name: '我的办事' }).click();
  await expectPath(page, '/pc/affairs');
  await page.getByRole('tab', { name: /我的待办（1）/ }).waitFor();
  await page.getByRole('tab', { name: /已完成（1）/ }).waitFor();
  const draftRow = page.getByRole('row').filter({ hasText: '会籍变更申请' });
  await draftRow.getByText('暂存').waitFor();
  await draftRow.getByRole('button', { name: '继续填写' }).click();
  await expectPath(page, `/pc/transfer/form/${appId}`);
  await page.getByTestId('chosen-unit').getByText(AIRLINE, { exact: true }).waitFor();
  assert.ok(await page.locator('[data-reason="labor_change"] input').isChecked());
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result: reference number and what happens next.
  await expectPath(page, `/pc/transfer/result/${appId}`);
  const ref = (await page.getByTestId('ref').textContent()).trim();
  assert.match(ref, /^HJ\d{16}$/);
  await page.getByText(/会籍变更申请已递交/).waitFor();
  await page.getByText(airline.union.name).waitFor(); // 受理工会: the receiving union
  await page.screenshot({ path: screenshotPath('pc-transfer-result.png') });

  // 我的办事 › 全部: both applications; the detail shows the reason, the unit and its place.
  await page.goto(`${srv.url}/pc/affairs?tab=all`);
  await page.getByRole('row').filter({ hasText: w.joinRef }).getByText('网上入会申请').waitFor();
  await page.getByRole('row').filter({ hasText: ref }).getByText('已递交').waitFor();
  await page.getByRole('link', { name: ref }).click();
  await expectPath(page, `/pc/affairs/${appId}`);
  await page.getByText('劳动（工作）关系发生变化', { exact: true }).waitFor();
  await page.getByText(AIRLINE, { exact: true }).waitFor();
  await page.getByText(`${airline.district.name} ${airline.street.name}`, { exact: true }).waitFor();

  // The receiving union's reviewer: 会籍变更审核 → the application → current and requested side
  // by side → 通过.
  const staffContext = await desktop();
  const admin = await staffContext.newPage();
  admin.setDefaultTimeout(15000);
  const adminWatch = watchPage(admin);
  await admin.goto(`${srv.url}/admin/login`);
  await adminLogin(admin, srv, { phone: receiving.phone, password: receiving.password });
  await expectPath(admin, '/admin/');
  await admin.getByRole('menuitem', { name: '会籍变更审核' }).click();
  await expectPath(admin, '/admin/transfer-review');
  await admin.getByRole('link', { name: ref }).click();
  await expectPath(admin, `/admin/transfer-review/${appId}`);
  const was = admin.getByTestId('compare-current');
  const wants = admin.getByTestId('compare-requested');
  await was.getByText(w.bank.union.name).waitFor();
  await was.getByText(w.memberNo).waitFor();
  await was.getByText('会员', { exact: true }).waitFor();
  await wants.getByText('劳动（工作）关系发生变化').waitFor();
  await wants.getByText(AIRLINE, { exact: true }).waitFor();
  await wants.getByText(airline.union.name).waitFor();
  await wants.getByText(`${airline.district.name} ${airline.street.name}`).waitFor();
  const [a, b] = [await was.boundingBox(), await wants.boundingBox()];
  assert.ok(a.x + a.width <= b.x && Math.abs(a.y - b.y) < 2, `side by side: ${JSON.stringify([a, b])}`);
  await admin.screenshot({ path: screenshotPath('admin-transfer-review.png'), fullPage: true });
  await admin.getByRole('button', { name: '通过', exact: true }).click();
  await admin.getByRole('dialog').filter({ hasText: '审核通过' }).getByRole('button', { name: '通过', exact: true }).click();
  await admin.getByText('审核通过，已为申请人办理会籍变更').waitFor();
  await admin.locator('.rd-head').getByText('已完成', { exact: true }).waitFor();
  await was.getByText('本申请已办结，以下为申请人提交申请时的会籍。').waitFor();
  await was.getByText(w.bank.union.name).waitFor(); // as filed, kept after approval
  await smsAbout(w.phone, ref); // the worker hears of the decision

  // 个人中心: the airline's union, the same member number, and the history.
  await page.goto(`${srv.url}/pc/me`);
  const card = page.getByTestId('membership');
  await card.locator('.mc-info').getByText(airline.union.name).waitFor();
  await card.locator('.mc-info').getByText(w.memberNo, { exact: true }).waitFor();
  await card.getByTestId('member-status').getByText('会员', { exact: true }).waitFor();
  const history = card.getByTestId('membership-history');
  const joined = history.getByRole('row').filter({ hasText: w.joinRef });
  await joined.getByText(w.bank.union.name).waitFor();
  await joined.getByText('入会', { exact: true }).waitFor();
  const moved = history.getByRole('row').filter({ hasText: ref });
  await moved.getByText(airline.union.name).waitFor();
  await moved.getByText('劳动（工作）关系发生变化').waitFor();
  await page.screenshot({ path: screenshotPath('pc-me-transferred.png'), fullPage: true });

  watch.assertClean();
  adminWatch.assertClean();
  await staffContext.close();
  await context.close();
});
