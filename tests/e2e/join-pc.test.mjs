// 网上入会 on the PC site (1366×768), the manual's whole path: a non-member logs in → 温馨提醒
// → 【申请入会】 → 条件检查 → 【发起申请】 → 【同意】 → the form, unit search (建设 → pick the bank
// → 【确定】 → confirm → 【确定】) → 【暂存】 → 我的办事 › 我的待办 → 继续填写 → 【提交】 → 办理中 →
// 【撤回】 → back in 我的待办 → 【提交】 → a reviewer (back office, second browser context)
// returns it → fix → 【提交】 → the reviewer accepts and approves → 已完成, and 个人中心 shows the
// membership. A second worker's application is rejected in the back office and shows under
// 审核不通过 with its reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { staffClient } from '../lib/client.mjs';
import {
  BANK,
  addReviewer,
  bankUnit,
  closeJoinReminder,
  expectPath,
  launchBrowser,
  newWorker,
  screenshotPath,
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

const desktop = () => browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });

test('PC: 网上入会 from 温馨提醒 to membership, with 暂存, 撤回, 退回 and 不通过', { timeout: 90000 }, async () => {
  const w = await newWorker(srv, '陈入会');
  const bank = await bankUnit(w.client);
  const reviewer = await addReviewer(srv, bank.union.code);

  const context = await desktop();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  // Login → 温馨提醒 → 【申请入会】.
  await page.goto(`${srv.url}/pc/login`);
  await workerPasswordLogin(page, w.phone, w.password);
  await expectPath(page, '/pc/me');
  const reminder = page.getByRole('dialog').filter({ hasText: '温馨提醒' });
  await reminder.getByRole('button', { name: '申请入会' }).click();

  // 条件检查: four conditions, all passed → 【发起申请】.
  await expectPath(page, '/pc/join');
  for (const label of ['实名信息完整', '年满16周岁', '当前不是工会会员', '没有正在办理的入会申请']) {
    await page.getByText(label, { exact: true }).first().waitFor();
  }
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  await page.getByRole('button', { name: '发起申请' }).click();

  // 《中华全国总工会入会申请书》 → 【同意】.
  await expectPath(page, '/pc/join/agreement');
  await page.getByText('《中华全国总工会入会申请书》').first().waitFor();
  await page.getByText('我自愿加入中华全国总工会').waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form: 性别/出生日期 from the ID number; a submit with nothing filled marks the fields.
  await expectPath(page, '/pc/join/form');
  await page.getByText(w.user.birth_date).waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请填写现居住地').waitFor();
  await page.getByText('请选择工作单位情况').waitFor();

  await page.getByPlaceholder('请填写您目前居住的地址').fill('厦门市思明区湖滨南路100号');
  await page.getByText('有工作单位', { exact: true }).click();
  await page.getByPlaceholder('请输入工作单位名称（可输入关键字）', { exact: true }).fill('建设');
  await page.getByRole('button', { name: '搜索' }).click();

  // The search dialog: pick the bank → 【确定】 → confirm its details → 【确定】.
  const picker = page.getByRole('dialog').filter({ hasText: '选择工作单位' });
  await picker.getByText(/共 \d+ 条/).waitFor();
  await picker.getByRole('row').filter({ hasText: BANK }).getByText(BANK).click();
  await picker.getByRole('button', { name: '确定' }).click();
  const confirmStep = page.getByRole('dialog').filter({ hasText: '确认工作单位' });
  await confirmStep.getByText(bank.credit_code).waitFor();
  await confirmStep.getByText(bank.street.name).waitFor();
  await page.screenshot({ path: screenshotPath('pc-join-unit.png') });
  await confirmStep.getByRole('button', { name: '确定' }).click();
  await confirmStep.waitFor({ state: 'hidden' });
  await page.getByTestId('chosen-unit').getByText(BANK).waitFor();
  // 工作单位所在地 follows the unit.
  await page.getByText(bank.district.name, { exact: true }).first().waitFor();
  await page.getByText(bank.street.name, { exact: true }).first().waitFor();

  // 【暂存】: the draft gets an address of its own.
  await page.getByRole('button', { name: '暂存', exact: true }).click();
  await page.getByText('已暂存').waitFor();
  await page.waitForURL(/\/pc\/join\/form\/\d+$/);
  const appId = new URL(page.url()).pathname.split('/').pop();
  await page.screenshot({ path: screenshotPath('pc-join-form.png'), fullPage: true });

  // 我的办事 › 我的待办 → 继续填写 → 【提交】.
  await page.getByRole('menuitem', { name: '我的办事' }).click();
  await expectPath(page, '/pc/affairs');
  await page.getByRole('tab', { name: /我的待办（1）/ }).waitFor();
  let row = page.getByRole('row').filter({ hasText: '网上入会申请' });
  await row.getByText('暂存').waitFor();
  assert.equal(await row.getByRole('button', { name: '撤回' }).count(), 0, 'no 撤回 on a draft');
  await row.getByRole('button', { name: '继续填写' }).click();
  await expectPath(page, `/pc/join/form/${appId}`);
  await page.getByTestId('chosen-unit').getByText(BANK).waitFor();
  assert.equal(await page.getByPlaceholder('请填写您目前居住的地址').inputValue(), '厦门市思明区湖滨南路100号');
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result: reference number and what happens next.
  await expectPath(page, `/pc/join/result/${appId}`);
  const ref = (await page.getByTestId('ref').textContent()).trim();
  assert.match(ref, /^RH\d{16}$/);
  await page.getByText('15个工作日').waitFor();
  await page.screenshot({ path: screenshotPath('pc-join-result.png') });

  // 办理中 → 【撤回】 (confirmed) → back in 我的待办 as 已撤回 → 修改 → 【提交】.
  await page.getByRole('button', { name: '查看我的办事' }).click();
  await expectPath(page, '/pc/affairs');
  await page.getByRole('tab', { name: /办理中（1）/ }).waitFor();
  row = page.getByRole('row').filter({ hasText: ref });
  await row.getByText('已递交').waitFor();
  await row.getByRole('button', { name: '撤回' }).click();
  const box = page.getByRole('dialog').filter({ hasText: '撤回申请' });
  await box.getByRole('button', { name: '撤回' }).click();
  await page.getByText('已撤回').first().waitFor();
  await page.getByRole('tab', { name: /我的待办（1）/ }).click();
  row = page.getByRole('row').filter({ hasText: ref });
  await row.getByText('已撤回').waitFor();
  await row.getByRole('button', { name: '修改' }).click();
  await expectPath(page, `/pc/join/form/${appId}`);
  await page.getByTestId('chosen-unit').getByText(BANK).waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expectPath(page, `/pc/join/result/${appId}`);

  // The reviewer (back office, own browser context): the queue → the application → 退回.
  const staffContext = await desktop();
  const admin = await staffContext.newPage();
  admin.setDefaultTimeout(15000);
  const adminWatch = watchPage(admin);
  await admin.goto(`${srv.url}/admin/login`);
  await adminLogin(admin, srv, { phone: reviewer.phone, password: reviewer.password });
  await expectPath(admin, '/admin/');
  await admin.getByRole('menuitem', { name: '入会审核' }).click();
  await expectPath(admin, '/admin/join-review');
  await admin.getByRole('link', { name: ref }).click();
  await expectPath(admin, `/admin/join-review/${appId}`);
  await admin.getByText(BANK, { exact: true }).first().waitFor();
  await admin.getByText('查看完整证件号码的操作将被记录在审计日志中').waitFor();
  assert.equal(await admin.getByText(w.idNumber).count(), 0, 'masked until asked');
  await admin.getByRole('button', { name: '查看完整号码' }).click();
  await admin.getByText(w.idNumber).waitFor();
  await admin.getByRole('button', { name: '退回', exact: true }).click();
  const returnDialog = admin.getByRole('dialog').filter({ hasText: '退回申请' });
  await returnDialog.getByRole('button', { name: '确定' }).click();
  await returnDialog.getByText('请填写退回原因').waitFor();
  await returnDialog.getByRole('textbox').fill('请补充填写职务/岗位');
  await returnDialog.getByRole('button', { name: '确定' }).click();
  await admin.getByText('退回原因：请补充填写职务/岗位').first().waitFor();
  await admin.screenshot({ path: screenshotPath('admin-review-returned.png'), fullPage: true });
  await srv.waitForSmsMessage(w.phone); // the worker hears of the decision

  // The worker: 我的待办 shows 已退回 and the reason → 修改 → fix → 【提交】.
  await page.goto(`${srv.url}/pc/affairs`);
  row = page.getByRole('row').filter({ hasText: ref });
  await row.getByText('已退回').waitFor();
  await row.getByText('请补充填写职务/岗位').waitFor();
  await row.getByRole('button', { name: '修改' }).click();
  await expectPath(page, `/pc/join/form/${appId}`);
  await page.getByText('审核人员退回意见：请补充填写职务/岗位').waitFor();
  await page.getByPlaceholder('请填写职务或岗位（选填）').fill('柜员');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expectPath(page, `/pc/join/result/${appId}`);

  // The reviewer: meanwhile the application is accepted elsewhere (the same reviewer's other
  // session), so 受理 on the stale page is a 409: the server's message, and the page reloads.
  await admin.reload();
  await admin.getByText('柜员', { exact: true }).waitFor();
  const { client: elsewhere, response: again } = await staffClient(srv, reviewer);
  assert.equal(again.status, 200, again.text);
  const current = await elsewhere.get(`/api/v1/admin/applications/${appId}`);
  const accepted = await elsewhere.post(`/api/v1/admin/applications/${appId}/accept`, { version: current.body.application.version });
  assert.equal(accepted.status, 200, accepted.text);
  await admin.getByRole('button', { name: '受理', exact: true }).click();
  await admin.getByText('该申请已被其他审核人员处理').waitFor();
  await admin.locator('.rd-head').getByText('办理中', { exact: true }).waitFor();
  // 通过 (confirmed).
  await admin.getByRole('button', { name: '通过', exact: true }).click();
  await admin.getByRole('dialog').filter({ hasText: '审核通过' }).getByRole('button', { name: '通过', exact: true }).click();
  await admin.getByText('已完成', { exact: true }).first().waitFor();
  await admin.getByText('审核通过', { exact: true }).first().waitFor();

  // The worker: 已完成, and the membership in 个人中心.
  await page.goto(`${srv.url}/pc/affairs?tab=completed`);
  await page.getByRole('tab', { name: /已完成（1）/ }).waitFor();
  await page.getByRole('row').filter({ hasText: ref }).getByText('已完成').waitFor();
  // The detail page: the form data and the whole timeline.
  await page.getByRole('link', { name: ref }).click();
  await expectPath(page, `/pc/affairs/${appId}`);
  await page.getByText('柜员', { exact: true }).waitFor();
  for (const step of ['暂存', '提交申请', '撤回申请', '退回修改', '受理', '审核通过']) {
    await page.locator('.app-timeline').getByText(step, { exact: true }).first().waitFor();
  }
  await page.locator('.app-timeline').getByText('退回原因：请补充填写职务/岗位').waitFor();
  await page.screenshot({ path: screenshotPath('pc-affair-detail.png'), fullPage: true });
  await page.goto(`${srv.url}/pc/me`);
  const card = page.getByTestId('membership');
  await card.getByText(`${BANK}工会`).first().waitFor(); // also in the history
  await card.getByText(/^XM\d+$/).waitFor();
  await card.getByText(/^\d{4}-\d{2}-\d{2}$/).first().waitFor();
  await page.getByText('工会会员').first().waitFor();
  await page.screenshot({ path: screenshotPath('pc-me-member.png'), fullPage: true });

  // Another worker's application (filed through the API) is rejected in the back office …
  const w2 = await newWorker(srv, '林入会');
  const consent = await w2.client.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(consent.status, 201, consent.text);
  const created = await w2.client.post('/api/v1/applications', {
    kind: 'join',
    consent_id: consent.body.consent_id,
    request_id: randomUUID(),
    submit: true,
    data: {
      residence: '厦门市湖里区',
      employment: 'unit',
      unit_id: bank.id,
      work_district: bank.district.code,
      work_street: bank.street.code,
    },
  });
  assert.equal(created.status, 201, created.text);
  const ref2 = created.body.application.ref;
  await admin.goto(`${srv.url}/admin/join-review`);
  await admin.getByPlaceholder('办件编号或申请人姓名').fill('林入会');
  await admin.getByRole('button', { name: '查询' }).click();
  await admin.getByRole('link', { name: ref2 }).click();
  await admin.getByRole('button', { name: '不通过', exact: true }).click();
  const rejectDialog = admin.getByRole('dialog').filter({ hasText: '审核不通过' });
  await rejectDialog.getByRole('textbox').fill('经核实您不是本单位职工');
  await rejectDialog.getByRole('button', { name: '确定' }).click();
  await admin.getByText('不通过原因：经核实您不是本单位职工').first().waitFor();

  // … and its worker finds it under 审核不通过 with the reason.
  const context2 = await desktop();
  const page2 = await context2.newPage();
  page2.setDefaultTimeout(15000);
  const watch2 = watchPage(page2);
  await page2.goto(`${srv.url}/pc/login?redirect=${encodeURIComponent('/affairs?tab=rejected')}`);
  await workerPasswordLogin(page2, w2.phone, w2.password);
  await expectPath(page2, '/pc/affairs');
  await closeJoinReminder(page2); // rejected, so still no member and nothing open
  await page2.getByRole('tab', { name: /审核不通过（1）/ }).waitFor();
  const rejected = page2.getByRole('row').filter({ hasText: ref2 });
  await rejected.getByText('审核不通过').waitFor();
  await rejected.getByText('经核实您不是本单位职工').waitFor();
  await page2.screenshot({ path: screenshotPath('pc-affairs-rejected.png'), fullPage: true });

  watch.assertClean();
  adminWatch.assertClean();
  watch2.assertClean();
  await context2.close();
  await staffContext.close();
  await context.close();
});
