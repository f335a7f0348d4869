// Offline rosters and 信息核实与登记 in the browser (docs/api.md "Offline rosters and 信息核实与登记").
// PC (1366×768): an org admin of the bank's union imports a roster CSV in 花名册管理 (file
// chooser) → 【预览】 shows the bad line's error and 【确定导入】 stays off → the fixed file
// previews clean and is imported. A worker in it registers on the PC site with the same ID
// number and phone (短信登录 → 信息完善) → the 信息核实 dialog → 【去核实】 → the record →
// 【信息有误，申请变更】 → 条件检查 → 《会员信息变更承诺书》 → the form: 入会日期 → 【提交】 →
// 我的办事 › 办理中. The union's reviewer sees the old and the new date and approves in /admin;
// the worker's 信息核实与登记 page shows the new date.
// H5 (390×844, phone UA): a non-member opens 办事大厅 › 信息核实与登记 › 【在线办理】, logs in,
// files 信息登记 with a typed unit name and sees it in 我的办事.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import {
  IPHONE_UA,
  addReviewer,
  addStaff,
  bankUnit,
  corruptCheckChar,
  expectPath,
  launchBrowser,
  newWorker,
  randomIdNumber,
  randomPhone,
  screenshotPath,
  staffLogin,
  watchPage,
  workerPasswordLogin,
} from './helpers.mjs';

let srv;
let browser;
let bank; // the demo bank's unit, whose union holds the roster

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const probe = await newWorker(srv, '查单位');
  bank = await bankUnit(probe.client);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const desktop = () => browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });

// Chooses `csv` as the roster file through the page's file chooser.
async function chooseRosterFile(page, name, csv) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件' }).click()]);
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByTestId('roster-file').getByText(name).waitFor();
}

test('PC: roster import with a line error, a rostered worker registers, files a 入会日期 correction, approved', { timeout: 120000 }, async () => {
  const admin = await addStaff(srv, 'org_admin', bank.union.code, '林管理');
  const reviewer = await addReviewer(srv, bank.union.code, '许审核');
  const worker = { name: '郑线下', phone: randomPhone(), idNumber: randomIdNumber(), password: 'Roster2026ok' };
  const other = { name: '黄同事', phone: randomPhone(), idNumber: randomIdNumber() };
  const header = '姓名,身份证号,手机号,入会日期,会员编号';
  const good = `${worker.name},${worker.idNumber},${worker.phone},2015-03-01,`;
  const bad = `${other.name},${corruptCheckChar(other.idNumber)},${other.phone},2016-07-01,`;
  const fixed = `${other.name},${other.idNumber},${other.phone},2016-07-01,`;

  // --- The org admin imports the roster ----------------------------------------------------
  const staffContext = await desktop();
  const adminPage = await staffContext.newPage();
  adminPage.setDefaultTimeout(15000);
  const adminWatch = watchPage(adminPage);
  await staffLogin(adminPage, srv, admin);
  await adminPage.getByRole('menuitem', { name: '花名册管理' }).click();
  await expectPath(adminPage, '/admin/rosters');

  // The organisation: the admin's own union, picked in the tree.
  await adminPage.getByRole('button', { name: '选择', exact: true }).click();
  const picker = adminPage.getByRole('dialog').filter({ hasText: '选择花名册所属组织' });
  await picker.locator(`[data-org-name="${bank.union.name}"] .ot-node__name`).click();
  await picker.getByRole('button', { name: '确定' }).click();
  await picker.waitFor({ state: 'hidden' });

  // A file with a bad ID number on line 3: 【预览】 names the line, nothing can be imported.
  await chooseRosterFile(adminPage, 'roster-bad.csv', `\uFEFF${header}\n${good}\n${bad}\n`);
  const importButton = adminPage.getByRole('button', { name: '确定导入' });
  assert.ok(await importButton.isDisabled(), 'no import before a preview');
  await adminPage.getByRole('button', { name: '预览', exact: true }).click();
  const errorRow = adminPage.getByTestId('roster-errors').getByRole('row').filter({ hasText: '身份证号' });
  await errorRow.getByRole('cell', { name: '3', exact: true }).waitFor();
  await adminPage.getByText(/文件中有 1 处错误/).waitFor();
  assert.ok(await importButton.isDisabled(), 'no import while the preview has errors');
  await adminPage.screenshot({ path: screenshotPath('admin-roster-errors.png'), fullPage: true });

  // The fixed file previews clean and is imported.
  await chooseRosterFile(adminPage, 'roster.csv', `${header}\n${good}\n${fixed}\n`);
  assert.ok(await importButton.isDisabled(), 'a new file needs its own preview');
  await adminPage.getByRole('button', { name: '预览', exact: true }).click();
  await adminPage.getByText('预览通过，没有错误').waitFor();
  const report = adminPage.getByTestId('roster-report');
  await report.getByRole('cell', { name: '2', exact: true }).first().waitFor();
  await importButton.click();
  await adminPage.getByTestId('roster-imported').getByText(/已导入 2 条花名册记录/).waitFor();

  // 花名册: the worker's entry waits for an account (待关联).
  await adminPage.getByRole('tab', { name: '花名册记录', exact: true }).click();
  const entry = adminPage.getByTestId('roster-list').getByRole('row').filter({ hasText: worker.name });
  await entry.getByText('待关联').waitFor();
  await entry.getByText(`${worker.idNumber.slice(0, 4)}**********${worker.idNumber.slice(14)}`).waitFor();
  assert.equal(await adminPage.getByText(worker.idNumber).count(), 0, 'ID numbers stay masked');
  await adminPage.screenshot({ path: screenshotPath('admin-roster-list.png'), fullPage: true });

  // --- The worker registers with the same ID number and phone --------------------------------
  const context = await desktop();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  await page.goto(`${srv.url}/pc/login`);
  await page.getByRole('tab', { name: '短信登录' }).click();
  await page.getByPlaceholder('请输入手机号码').fill(worker.phone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByPlaceholder('请输入6位验证码').fill(await srv.waitForSms(worker.phone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expectPath(page, '/pc/register');
  await page.getByPlaceholder('请输入姓名').fill(worker.name);
  await page.getByPlaceholder('请输入18位身份证号').fill(worker.idNumber);
  await page.getByPlaceholder('请设置登录密码').fill(worker.password);
  await page.getByPlaceholder('请再次输入密码').fill(worker.password);
  await page.getByText('我已阅读并同意', { exact: true }).click();
  await page.getByRole('button', { name: '提交' }).click();

  // Linked at registration: the 信息核实 dialog instead of 温馨提醒 → 【去核实】.
  await expectPath(page, '/pc/me');
  const dialog = page.getByRole('dialog').filter({ hasText: '信息核实' });
  await dialog.getByText('请核实您的会员信息。').waitFor();
  assert.equal(await page.getByRole('dialog').filter({ hasText: '温馨提醒' }).count(), 0, 'no 温馨提醒 for a rostered member');
  await page.waitForTimeout(400); // the dialog's fade-in, for the screenshot
  await page.screenshot({ path: screenshotPath('pc-verify-dialog.png') });
  await dialog.getByRole('button', { name: '去核实' }).click();

  // 信息核实与登记: the record as imported → 【信息有误，申请变更】.
  await expectPath(page, '/pc/verification');
  const record = page.getByTestId('member-record');
  await record.getByText(bank.union.name).waitFor();
  await record.getByText('2015-03-01', { exact: true }).waitFor();
  await page.getByTestId('verification-state').getByText('待核实').waitFor();
  await page.screenshot({ path: screenshotPath('pc-verification.png'), fullPage: true });
  await page.getByRole('button', { name: '信息有误，申请变更' }).click();

  // 条件检查 → 【发起申请】 → 《会员信息变更承诺书》 → 【同意】.
  await expectPath(page, '/pc/correction');
  await page.getByText('当前具有有效会籍', { exact: true }).waitFor();
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  await page.getByRole('button', { name: '发起申请' }).click();
  await expectPath(page, '/pc/correction/agreement');
  await page.getByText(/《会员信息变更承诺书》/).first().waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form: 【提交】 with nothing chosen is refused; 入会日期 → the right date and why.
  await expectPath(page, '/pc/correction/form');
  await page.getByTestId('current-record').getByText('2015-03-01').waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请选择需要变更的项目').waitFor();
  await page.locator('.el-checkbox').filter({ hasText: '入会日期' }).click();
  await page.locator('input[type="date"]').fill('2016-05-20');
  await page.getByLabel('情况说明').fill('线下入会时登记的入会日期有误，实际为2016年5月20日。');
  await page.screenshot({ path: screenshotPath('pc-correction-form.png'), fullPage: true });
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result, then 我的办事 › 办理中.
  await page.waitForURL(/\/pc\/correction\/result\/\d+$/);
  const appId = new URL(page.url()).pathname.split('/').pop();
  const ref = (await page.getByTestId('ref').textContent()).trim();
  assert.match(ref, /^XB\d+$/);
  await page.getByText('信息变更申请已提交').waitFor();
  await page.getByRole('button', { name: '查看我的办事' }).click();
  await expectPath(page, '/pc/affairs');
  await page.getByRole('tab', { name: /办理中（1）/ }).waitFor();
  const row = page.getByRole('row').filter({ hasText: ref });
  await row.getByText('信息变更申请').waitFor();
  await row.getByText('已递交').waitFor();
  await row.getByRole('button', { name: '撤回' }).waitFor();
  await page.getByRole('link', { name: ref }).click();
  await expectPath(page, `/pc/affairs/${appId}`);
  await page.getByText('变更后入会日期').waitFor();
  await page.getByText('2016-05-20', { exact: true }).waitFor();
  // While it is open, 信息核实与登记 says so.
  await page.goto(`${srv.url}/pc/verification`);
  await page.getByText(`您有一件信息变更申请（${ref}，已递交）正在办理`).waitFor();

  // --- The union's reviewer approves ----------------------------------------------------------
  const reviewContext = await desktop();
  const review = await reviewContext.newPage();
  review.setDefaultTimeout(15000);
  const reviewWatch = watchPage(review);
  await staffLogin(review, srv, reviewer);
  await review.getByRole('menuitem', { name: '信息变更审核' }).click();
  await expectPath(review, '/admin/correction-review');
  await review.getByRole('link', { name: ref }).click();
  await expectPath(review, `/admin/correction-review/${appId}`);
  const was = review.locator('.el-descriptions__cell').filter({ hasText: '原入会日期' });
  await was.first().waitFor();
  await review.getByText('2015-03-01', { exact: true }).first().waitFor();
  await review.getByText('2016-05-20', { exact: true }).first().waitFor();
  await review.getByText('入会日期', { exact: true }).first().waitFor(); // 变更项目
  await review.screenshot({ path: screenshotPath('admin-correction-review.png'), fullPage: true });
  await review.getByRole('button', { name: '通过', exact: true }).click();
  await review.getByRole('dialog').filter({ hasText: '审核通过' }).getByRole('button', { name: '通过', exact: true }).click();
  await review.getByText('审核通过，已按申请更正会员信息').waitFor();
  await review.locator('.rd-head').getByText('已完成', { exact: true }).waitFor();

  // --- The worker's record shows the new date ------------------------------------------------
  await page.goto(`${srv.url}/pc/verification`);
  await page.getByTestId('member-record').getByText('2016-05-20', { exact: true }).waitFor();
  await page.getByTestId('verification-state').getByText('已核实').waitFor();
  await page.getByRole('button', { name: '申请信息变更' }).waitFor();
  assert.equal(await page.getByTestId('member-record').getByText('2015-03-01').count(), 0);
  await page.screenshot({ path: screenshotPath('pc-verification-corrected.png'), fullPage: true });

  watch.assertClean();
  adminWatch.assertClean();
  reviewWatch.assertClean();
  await reviewContext.close();
  await staffContext.close();
  await context.close();
});

test('H5: a non-member files 信息登记 from 办事大厅 and finds it in 我的办事', { timeout: 60000 }, async () => {
  const w = await newWorker(srv, '蔡登记');
  const regions = await w.client.get('/api/v1/regions');
  const district = regions.body.districts.find((d) => d.name === '思明区');
  const street = district.streets[0];

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: IPHONE_UA, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  // 办事大厅 › 信息核实与登记 › 办事指南 › 【在线办理】 → login → back to the service.
  await page.goto(`${srv.url}/h5/`);
  await page.locator('.van-grid-item').filter({ hasText: '信息核实与登记' }).click();
  await expectPath(page, '/h5/guide/verification');
  for (const s of ['事项说明', '办理情形', '所需材料', '办理时限']) await page.getByText(s, { exact: true }).waitFor();
  await page.getByRole('button', { name: '在线办理' }).click();
  await expectPath(page, '/h5/login');
  await workerPasswordLogin(page, w.phone, w.password);

  // No record: 已在线下入会但系统中没有您的会员信息？ → 【信息登记】.
  await expectPath(page, '/h5/verification');
  await page.getByText('已在线下入会但系统中没有您的会员信息？').waitFor();
  await page.getByRole('button', { name: '信息登记' }).click();
  await expectPath(page, '/h5/registration');
  assert.equal(await page.getByText('不符合', { exact: true }).count(), 0);
  await page.getByRole('button', { name: '发起申请' }).click();
  await expectPath(page, '/h5/registration/agreement');
  await page.getByText(/《会员信息登记承诺书》/).first().waitFor();
  await page.getByRole('button', { name: '同意', exact: true }).click();

  // The form: a unit typed by name, its 区 and 镇街, the join date.
  await expectPath(page, '/h5/registration/form');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请选择单位所在区').waitFor();
  await page.getByText('直接填写单位名称').click();
  await page.getByPlaceholder('请输入工作单位全称').fill('厦门鹭岛小吃店');
  await page.getByPlaceholder('请选择工作单位所在区').click();
  await page.locator('.van-picker-column__item').filter({ hasText: new RegExp(`^${district.name}$`) }).click();
  await page.getByRole('button', { name: '确认' }).click();
  await page.getByPlaceholder('请选择工作单位所在镇街').click();
  await page.locator('.van-picker-column__item').filter({ hasText: new RegExp(`^${street.name}$`) }).click();
  await page.getByRole('button', { name: '确认' }).click();
  assert.equal(await page.getByPlaceholder('请选择工作单位所在镇街').inputValue(), street.name);
  await page.locator('input[type="date"]').fill('2018-04-01');
  await page.screenshot({ path: screenshotPath('h5-registration-form.png'), fullPage: true });
  await page.getByRole('button', { name: '提交', exact: true }).click();

  // The result → 我的办事 › 办理中: the application with its details.
  await page.waitForURL(/\/h5\/registration\/result\/\d+$/);
  const ref = (await page.getByTestId('ref').locator('.van-cell__value').textContent()).trim();
  assert.match(ref, /^DJ\d+$/);
  await page.getByText('信息登记申请已提交').waitFor();
  await page.getByRole('button', { name: '查看我的办事' }).click();
  await expectPath(page, '/h5/affairs');
  const card = page.getByTestId('affair').filter({ hasText: ref });
  await card.getByText('信息登记申请').waitFor();
  await card.getByText('已递交').waitFor();
  await card.getByText(ref).click();
  await page.getByText('厦门鹭岛小吃店').waitFor();
  await page.getByText('2018-04-01').waitFor();
  await page.screenshot({ path: screenshotPath('h5-registration-affair.png'), fullPage: true });

  watch.assertClean();
  await context.close();
});
