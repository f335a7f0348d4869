// 网上入会 on the H5 site (390×844, iPhone user agent), the manual's H5 path: 办事大厅 › 入会申请 ›
// 办事指南 › 【在线办理】 → login → back at 条件检查 → 【发起申请】 → 【同意】 → the form (unit search
// in a popup: 建设 → pick the bank → 【确定】 → confirm → 【确定】; pickers) → 【暂存】 → 个人中心 ›
// 我的办事 › 待办 → 继续填写 → 【提交】 → 办理中 → 【撤回】 → 待办 → 【提交】 → a reviewer (API)
// returns it → fix → 【提交】 → accepted (no 【撤回】 any more) and approved → 已完成 and the
// membership in 个人中心. A second worker logs in, sees 温馨提醒 → 【申请入会】, and finds the
// rejected application under 不通过 with its reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import {
  BANK,
  IPHONE_UA,
  addReviewer,
  bankUnit,
  expectPath,
  launchBrowser,
  newWorker,
  reviewerClient,
  screenshotPath,
  watchPage,
  workerPasswordLogin,
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

test('H5: 办事指南 → 在线办理 → 入会 with 暂存, 撤回, 退回, approval; 不通过 with its reason', { timeout: 90000 }, async () => {
  const w = await newWorker(srv, '黄入会');
  const bank = await bankUnit(w.client);
  const reviewer = await reviewerClient(srv, await addReviewer(srv, bank.union.code));

  const context = await phoneContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  const tab = (name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  const card = (text) => page.getByTestId('affair').filter({ hasText: text });

  // 办事大厅 › 入会申请 › 办事指南 (public) › 【在线办理】 → login → back at the service.
  await page.goto(`${srv.url}/h5/`);
  await page.locator('.van-grid-item').filter({ hasText: '入会申请' }).click();
  await expectPath(page, '/h5/guide/join');
  for (const s of ['事项说明', '申请条件', '所需材料', '办理时限']) await page.getByText(s, { exact: true }).waitFor();
  await page.getByRole('button', { name: '在线办理' }).click();
  await expectPath(page, '/h5/login');
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/join');
  await workerPasswordLogin(page, w.phone, w.password);

  // 条件检查 → 【发起申请】 → 《中华全国总工会入会申请书》 → 【同意】.
  await expectPath(page, '/h5/join');
  await page.getByText('年满16周岁', { exact: true }).waitFor();
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  await page.getByRole('button', { name: '发起申请' }).click();
  await expectPath(page, '/h5/join/agreement');
  await page.getByText('《中华全国总工会入会申请书》').first().waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form.
  await expectPath(page, '/h5/join/form');
  await page.getByPlaceholder('请填写您目前居住的地址').fill('厦门市思明区莲前东路1号');
  await page.getByText('有工作单位', { exact: true }).click();
  await page.getByPlaceholder('输入单位名称关键字').fill('建设');
  await page.getByRole('button', { name: '搜索' }).click();
  const popup = page.locator('.unit-popup');
  await popup.getByText(/共 \d+ 条/).waitFor();
  await popup.locator('.van-cell').filter({ hasText: BANK }).click();
  await popup.getByRole('button', { name: '确定' }).click();
  await popup.getByText('确认工作单位').waitFor();
  await popup.getByText(bank.credit_code).waitFor();
  await page.screenshot({ path: screenshotPath('h5-join-unit.png') });
  await popup.getByRole('button', { name: '确定' }).click();
  await popup.waitFor({ state: 'hidden' });
  await page.getByTestId('chosen-unit').getByText(BANK).waitFor();
  assert.equal(await page.getByPlaceholder('请选择工作单位所在区').inputValue(), bank.district.name);
  assert.equal(await page.getByPlaceholder('请选择工作单位所在镇街').inputValue(), bank.street.name);
  // 民族 from its picker.
  await page.getByPlaceholder('请选择民族').click();
  await page.locator('.van-picker-column__item').filter({ hasText: /^汉族$/ }).click();
  await page.getByRole('button', { name: '确认' }).click();
  assert.equal(await page.getByPlaceholder('请选择民族').inputValue(), '汉族');

  // 【暂存】 → 个人中心 › 我的办事 › 待办 → 继续填写 → 【提交】.
  await page.getByRole('button', { name: '暂存', exact: true }).click();
  await page.getByText('已暂存').waitFor();
  await page.waitForURL(/\/h5\/join\/form\/\d+$/);
  const appId = new URL(page.url()).pathname.split('/').pop();
  await page.screenshot({ path: screenshotPath('h5-join-form.png'), fullPage: true });
  await page.goto(`${srv.url}/h5/me`);
  await page.getByText('我的办事', { exact: true }).click();
  await expectPath(page, '/h5/affairs');
  await tab('待办').waitFor();
  for (const name of ['办理中', '已完成', '不通过', '全部']) await tab(name).waitFor();
  await card('暂存').getByRole('button', { name: '继续填写' }).click();
  await expectPath(page, `/h5/join/form/${appId}`);
  await page.getByTestId('chosen-unit').getByText(BANK).waitFor();
  assert.equal(await page.getByPlaceholder('请选择民族').inputValue(), '汉族');
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result page.
  await expectPath(page, `/h5/join/result/${appId}`);
  const ref = (await page.getByTestId('ref').locator('.van-cell__value').textContent()).trim();
  assert.match(ref, /^RH\d{16}$/);
  await page.getByText('15个工作日').waitFor();
  await page.screenshot({ path: screenshotPath('h5-join-result.png'), fullPage: true });

  // 办理中 → 【撤回】 → 待办 (已撤回) → 修改 → 【提交】.
  await page.getByRole('button', { name: '查看我的办事' }).click();
  await expectPath(page, '/h5/affairs');
  await card(ref).getByText('已递交').waitFor();
  await card(ref).getByRole('button', { name: '撤回' }).click();
  await page.getByRole('dialog').filter({ hasText: '撤回申请' }).getByRole('button', { name: '撤回' }).click();
  await page.getByText('已撤回').first().waitFor();
  await tab('待办').click();
  await card(ref).getByText('已撤回').waitFor();
  await card(ref).getByRole('button', { name: '修改' }).click();
  await expectPath(page, `/h5/join/form/${appId}`);
  await page.getByTestId('chosen-unit').waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expectPath(page, `/h5/join/result/${appId}`);

  // The reviewer returns it; the worker sees the reason in 待办, fixes and submits again.
  await reviewer.decide(appId, 'return', '请补充填写职务/岗位');
  await page.goto(`${srv.url}/h5/affairs`);
  await card(ref).getByText('已退回').waitFor();
  await card(ref).getByText('退回原因：请补充填写职务/岗位').waitFor();
  await page.screenshot({ path: screenshotPath('h5-affairs-returned.png'), fullPage: true });
  await card(ref).getByRole('button', { name: '修改' }).click();
  await page.getByText('审核人员退回意见：请补充填写职务/岗位').waitFor();
  await page.getByPlaceholder('请填写职务或岗位').fill('客户经理');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expectPath(page, `/h5/join/result/${appId}`);

  // Accepted: 办理中 without 【撤回】; then approved: 已完成 and the membership.
  await reviewer.decide(appId, 'accept');
  await page.goto(`${srv.url}/h5/affairs?tab=processing`);
  await card(ref).getByText('办理中').waitFor();
  assert.equal(await card(ref).getByRole('button', { name: '撤回' }).count(), 0, '撤回 only while 已递交');
  await reviewer.decide(appId, 'approve');
  await tab('已完成').click();
  await card(ref).getByText('已完成').waitFor();
  await card(ref).click();
  await expectPath(page, `/h5/affairs/${appId}`);
  await page.getByText('审核通过').waitFor();
  await page.getByText('客户经理').waitFor();
  await page.goto(`${srv.url}/h5/me`);
  const member = page.getByTestId('membership');
  await member.getByText(`${BANK}工会`).first().waitFor(); // also in the history
  await member.getByText(/^XM\d+$/).waitFor();
  await page.getByText('工会会员').first().waitFor();
  await page.screenshot({ path: screenshotPath('h5-me-member.png'), fullPage: true });
  watch.assertClean();
  await context.close();

  // A second worker: rejected (API), then logs in on the phone: 温馨提醒 → 【申请入会】, and
  // 我的办事 › 不通过 shows the reason.
  const w2 = await newWorker(srv, '郑入会');
  const consent = await w2.client.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(consent.status, 201, consent.text);
  const created = await w2.client.post('/api/v1/applications', {
    kind: 'join',
    consent_id: consent.body.consent_id,
    request_id: randomUUID(),
    submit: true,
    data: { residence: '厦门市集美区', employment: 'none', work_district: bank.district.code, work_street: bank.street.code },
  });
  assert.equal(created.status, 201, created.text);
  const ref2 = created.body.application.ref;
  // No fixed unit: the street/town/zone union of 工作单位所在地 reviews it; its reviewer decides.
  const zoneReviewer = await reviewerClient(srv, await addReviewer(srv, bank.street.code, '周审核'));
  await zoneReviewer.decide(created.body.application.id, 'reject', '经核实您已在其他工会入会');

  const context2 = await phoneContext();
  const page2 = await context2.newPage();
  page2.setDefaultTimeout(15000);
  const watch2 = watchPage(page2);
  await page2.goto(`${srv.url}/h5/me`);
  await expectPath(page2, '/h5/login');
  await workerPasswordLogin(page2, w2.phone, w2.password);
  await expectPath(page2, '/h5/me');
  const reminder = page2.getByRole('dialog').filter({ hasText: '温馨提醒' });
  await reminder.getByRole('button', { name: '申请入会' }).click();
  await expectPath(page2, '/h5/join');
  await page2.getByText('没有正在办理的入会申请').first().waitFor();
  await page2.goto(`${srv.url}/h5/affairs`);
  await page2.getByRole('tab', { name: /^不通过/ }).click();
  const rejected = page2.getByTestId('affair').filter({ hasText: ref2 });
  await rejected.getByText('不通过', { exact: true }).waitFor();
  await rejected.getByText('不通过原因：经核实您已在其他工会入会').waitFor();
  assert.equal(await page2.getByText('审核不通过', { exact: true }).count(), 0, 'H5 says 不通过');
  await page2.screenshot({ path: screenshotPath('h5-affairs-rejected.png'), fullPage: true });
  watch2.assertClean();
  await context2.close();
});
