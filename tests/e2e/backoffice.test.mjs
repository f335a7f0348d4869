// Back office administration at 1366×768 (docs/api.md "Back office administration"): a platform
// admin (made with `gonghui user add`) sees the 数据看板 with its ECharts drawn, creates a
// grassroots union under a street union in the 组织架构 tree, adds a reviewer there (the initial
// password goes to the reviewer's phone by SMS), searches the 会员名册 for a worker who joined
// through the API, exports it as CSV and finds the staff.create entry in the 审计日志. An org
// admin of 思明区 sees only its subtree and no 审计日志.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { binary, startServer } from '../lib/server.mjs';
import { staffClient } from '../lib/client.mjs';
import { STAFF_PASSWORD, expectPath, launchBrowser, newMember, screenshotPath, staffPage } from './helpers.mjs';

let srv;
let browser;
let member;

const NEW_UNION = '滨海测试科技有限公司工会';
const STREET = '滨海街道总工会';
const CSV_HEADER = '\uFEFF会员编号,姓名,手机号,身份证号,会籍状态,所属工会,入会日期';

function staffPhone(prefix) {
  return `${prefix}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}

function addStaff(role, org, name) {
  const phone = staffPhone('158');
  const r = spawnSync(binary, ['user', 'add', '--role', role, '--phone', phone, '--name', name, '--org', org], {
    env: srv.env,
    input: `${STAFF_PASSWORD}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `user add: ${r.stderr}`);
  return phone;
}

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // One worker who joined (the bank's union, 集美区) and was approved, through the API.
  member = await newMember(srv, '柯名册');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});


// The name of the street union above a unit's grassroots union (through the admin API).
async function streetUnion(adminPhone, unit) {
  const { client: c, response: login } = await staffClient(srv, { phone: adminPhone, password: STAFF_PASSWORD });
  assert.equal(login.status, 200, login.text);
  const city = await c.get('/api/v1/admin/orgs');
  const district = city.body.items.find((o) => o.code === unit.district.code);
  const streets = await c.get(`/api/v1/admin/orgs?parent_id=${district.id}`);
  for (const street of streets.body.items) {
    const below = await c.get(`/api/v1/admin/orgs?parent_id=${street.id}`);
    if (below.body.items.some((o) => o.name === unit.union.name)) return street.name;
  }
  throw new Error(`no street union above ${unit.union.name}`);
}

// A node's row in an organisation tree (inside `scope`: the page or a dialog).
function orgRow(scope, name) {
  return scope.locator(`.el-tree-node__content:has([data-org-name="${name}"])`);
}

// Opens a node by a click on its name (the tree loads its children) and waits for a child.
async function openOrg(scope, name, child) {
  await orgRow(scope, name).locator('.ot-node__name').click();
  await orgRow(scope, child).waitFor();
}

test('back office: dashboard, organisation tree, staff, member register, export, audit log', { timeout: 60000 }, async () => {
  const adminPhone = staffPhone('157');
  const add = spawnSync(binary, ['user', 'add', '--role', 'platform_admin', '--phone', adminPhone, '--name', '管理员', '--org', '350200'], {
    env: srv.env,
    input: `${STAFF_PASSWORD}\n`,
    encoding: 'utf8',
  });
  assert.equal(add.status, 0, add.stderr);
  const { context, page, watch } = await staffPage(browser, srv, adminPhone);
  const menu = (name) => page.getByRole('menuitem', { name, exact: true });

  // 数据看板: three charts drawn on canvas, the figures filled in.
  await menu('数据看板').click();
  await expectPath(page, '/admin/stats');
  for (const chart of ['members-by-status', 'applications-by-status', 'members-by-org']) {
    const canvas = page.locator(`[data-chart="${chart}"] canvas`).first();
    await canvas.waitFor();
    const size = await canvas.evaluate((c) => [c.width, c.height]);
    assert.ok(size[0] > 100 && size[1] > 100, `${chart} canvas ${size}`);
  }
  await page.locator('[data-figure="members"]').getByText(/^\s*1\s*人/).waitFor();
  await page.locator('[data-figure="median"]').getByText('共 1 件已办结').waitFor();
  await page.screenshot({ path: screenshotPath('admin-dashboard.png') });

  // 组织架构: 厦门市总工会 › 思明区总工会 › 滨海街道总工会 › 新建下级工会.
  await menu('组织架构').click();
  await expectPath(page, '/admin/orgs');
  await orgRow(page, '厦门市总工会').waitFor();
  await openOrg(page, '思明区总工会', STREET);
  await orgRow(page, STREET).getByRole('button', { name: '新建下级工会' }).click();
  const create = page.getByRole('dialog', { name: '新建下级工会' });
  await create.getByText(STREET).waitFor();
  await create.getByPlaceholder('如：厦门某某有限公司工会').fill(NEW_UNION);
  await create.getByRole('radio', { name: '基层工会' }).check();
  await create.getByRole('button', { name: '确定' }).click();
  await page.getByText(`已新建 ${NEW_UNION}`).waitFor();
  await create.waitFor({ state: 'hidden' });
  await orgRow(page, NEW_UNION).getByText('基层工会').waitFor();
  assert.equal(await orgRow(page, NEW_UNION).getByRole('button', { name: '新建下级工会' }).count(), 0, 'no children under a grassroots union');
  await page.screenshot({ path: screenshotPath('admin-orgs.png') });

  // 工作人员 › 新增: a reviewer of the new union; the initial password comes by SMS.
  const reviewerPhone = staffPhone('156');
  await menu('工作人员').click();
  await expectPath(page, '/admin/staff');
  await page.getByRole('button', { name: '新增工作人员' }).click();
  const form = page.getByRole('dialog', { name: '新增工作人员' });
  await form.getByPlaceholder('工作人员本人的手机号').fill(reviewerPhone);
  await form.getByPlaceholder('请输入姓名').fill('林审核');
  await form.getByRole('radio', { name: '审核人员' }).check();
  await form.getByRole('button', { name: '选择' }).click();
  const picker = page.getByRole('dialog', { name: '选择所属组织' });
  await openOrg(picker, '思明区总工会', STREET);
  await openOrg(picker, STREET, NEW_UNION);
  await orgRow(picker, NEW_UNION).locator('.ot-node__name').click();
  await picker.getByText(`已选：${NEW_UNION}`).waitFor();
  await picker.getByRole('button', { name: '确定' }).click();
  await picker.waitFor({ state: 'hidden' });
  assert.equal(await form.getByRole('textbox', { name: '选择所属组织' }).inputValue(), NEW_UNION);
  await form.getByRole('button', { name: '确定' }).click();
  await page.getByText('账号已开通，初始密码已通过短信发送到该手机').waitFor();
  const row = page.getByRole('row').filter({ hasText: '林审核' });
  await row.getByText(NEW_UNION).waitFor();
  await row.getByText(`${reviewerPhone.slice(0, 3)}****${reviewerPhone.slice(7)}`).waitFor();
  await row.getByText('审核人员').waitFor();
  const sms = await srv.waitForSmsMessage(reviewerPhone);
  assert.match(sms.text, /初始密码：[A-Za-z0-9]{12}/);
  await page.screenshot({ path: screenshotPath('admin-staff.png') });

  // 重置密码 (a confirmation; the new password by SMS) and 停用 → 启用.
  await row.getByRole('button', { name: '重置密码' }).click();
  const box = page.getByRole('dialog').filter({ hasText: '确定重置 林审核 的登录密码' });
  await box.getByText('以短信发送到其手机').waitFor();
  await box.getByRole('button', { name: '重置密码' }).click();
  await page.getByText('新密码已通过短信发送到该工作人员的手机').waitFor();
  assert.match((await srv.waitForSmsMessage(reviewerPhone)).text, /新密码：[A-Za-z0-9]{12}/);
  await row.getByRole('button', { name: '停用' }).click();
  await page.getByRole('dialog').filter({ hasText: '确定停用 林审核' }).getByRole('button', { name: '停用' }).click();
  await row.getByText('已停用').waitFor();
  await row.getByRole('button', { name: '启用' }).click();
  await page.getByRole('dialog').filter({ hasText: '确定启用 林审核' }).getByRole('button', { name: '启用' }).click();
  await row.getByText('在用').waitFor();

  // 会员名册: by name, then by the full ID number; numbers shown masked.
  await menu('会员名册').click();
  await expectPath(page, '/admin/members');
  await page.getByPlaceholder('完整姓名').fill('柯名册');
  await page.getByRole('button', { name: '查询' }).click();
  const memberRow = page.getByRole('row').filter({ hasText: member.memberNo });
  await memberRow.getByText('柯名册').waitFor();
  await memberRow.getByText(member.bank.union.name).waitFor();
  await memberRow.getByText(`${member.phone.slice(0, 3)}****${member.phone.slice(7)}`).waitFor();
  assert.equal(await page.getByText(member.idNumber).count(), 0, 'the ID number is masked');
  await page.getByPlaceholder('完整姓名').fill('');
  await page.getByPlaceholder('完整18位身份证号').fill(member.idNumber);
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByText('共 1 条').waitFor();
  await memberRow.waitFor();
  await page.screenshot({ path: screenshotPath('admin-members.png') });

  // 导出CSV: the same filters, a UTF-8 file with BOM; the export is audit-logged.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^会员名册-\d{8}-\d{4}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.equal(csv[0], CSV_HEADER);
  assert.equal(csv.filter(Boolean).length, 2, 'one member row');
  assert.ok(csv[1].includes('"柯名册"') && !csv[1].includes(member.idNumber), csv[1]);
  await page.getByText('本次导出已记入审计日志').waitFor();

  // 审计日志: the staff.create entry of the new reviewer, and the export.
  await menu('审计日志').click();
  await expectPath(page, '/admin/audit');
  await page.getByRole('row').filter({ hasText: 'members.export' }).getByText('1 rows').waitFor();
  await page.getByRole('combobox', { name: '操作', exact: true }).click();
  await page.getByRole('option', { name: '新增工作人员（staff.create）' }).click();
  await page.getByRole('button', { name: '查询' }).click();
  const entry = page.getByRole('row').filter({ hasText: 'staff.create' }).filter({ hasText: '工作人员 #' });
  await entry.getByText('reviewer').waitFor();
  await entry.getByText(/^staff:\d+$/).waitFor();
  assert.equal(await page.getByRole('row').filter({ hasText: 'members.export' }).count(), 0, 'filtered by action');
  await page.screenshot({ path: screenshotPath('admin-audit.png') });

  // 组织架构 again: rename the new union, move it to another street, and deactivate the bank's
  // union, whose member must go somewhere first (409 must_move → 接收组织 → retry).
  const MOVED = '滨海测试科技工会';
  const OTHER_STREET = '鹭江街道总工会';
  await menu('组织架构').click();
  await openOrg(page, '思明区总工会', STREET);
  await openOrg(page, STREET, NEW_UNION);
  await orgRow(page, NEW_UNION).getByRole('button', { name: '重命名' }).click();
  const rename = page.getByRole('dialog', { name: '重命名组织' });
  await rename.getByRole('textbox').fill(MOVED);
  await rename.getByRole('button', { name: '确定' }).click();
  await page.getByText(`已重命名为 ${MOVED}`).waitFor();
  await orgRow(page, MOVED).getByRole('button', { name: '移动' }).click();
  const move = page.getByRole('dialog', { name: '移动组织' });
  await openOrg(move, '思明区总工会', OTHER_STREET);
  await orgRow(move, OTHER_STREET).locator('.ot-node__name').click();
  await move.getByText(`新的上级组织：${OTHER_STREET}`).waitFor();
  await move.getByRole('button', { name: '确定移动' }).click();
  await page.getByText(`已将 ${MOVED} 移到 ${OTHER_STREET} 下`).waitFor();
  await orgRow(page, MOVED).waitFor();
  assert.equal(await orgRow(page, MOVED).count(), 1, 'shown once, under its new parent');

  // A street union with an active child cannot be deactivated.
  await orgRow(page, OTHER_STREET).getByRole('button', { name: '停用' }).click();
  const off = page.getByRole('dialog', { name: '停用组织' });
  await off.getByRole('button', { name: '停用', exact: true }).click();
  await off.getByText('该组织还有1个下级组织').waitFor();
  await off.getByRole('button', { name: '取消' }).click();
  await off.waitFor({ state: 'hidden' });

  const bankStreet = await streetUnion(adminPhone, member.bank);
  await openOrg(page, '集美区总工会', bankStreet);
  await openOrg(page, bankStreet, member.bank.union.name);
  await orgRow(page, member.bank.union.name).getByRole('button', { name: '停用' }).click();
  await off.getByRole('button', { name: '停用', exact: true }).click();
  await off.getByText('停用前请选择接收组织').waitFor();
  await off.locator('.el-descriptions').getByText('1 名').waitFor();
  await off.getByRole('button', { name: '选择' }).click();
  const receiver = page.getByRole('dialog', { name: '选择接收组织' });
  await openOrg(receiver, '集美区总工会', bankStreet);
  await orgRow(receiver, bankStreet).locator('.ot-node__name').click();
  await receiver.getByRole('button', { name: '确定' }).click();
  await receiver.waitFor({ state: 'hidden' });
  await off.getByRole('button', { name: '转入并停用' }).click();
  await page.getByText(`已停用 ${member.bank.union.name}，1 名会员和 0 件申请已转入${bankStreet}`).waitFor();
  await orgRow(page, member.bank.union.name).getByText('已停用').waitFor();
  await orgRow(page, bankStreet).getByText('会员 1').waitFor();

  watch.assertClean();
  await context.close();
});

test('back office: an org admin sees its subtree and no audit log', { timeout: 30000 }, async () => {
  const phone = addStaff('org_admin', '350203', '思明区管理');
  const { context, page, watch } = await staffPage(browser, srv, phone);
  for (const name of ['数据看板', '组织架构', '工作人员', '会员名册']) {
    await page.getByRole('menuitem', { name, exact: true }).waitFor();
  }
  assert.equal(await page.getByRole('menuitem', { name: '审计日志' }).count(), 0, 'no 审计日志 in the menu');

  await page.getByRole('menuitem', { name: '组织架构', exact: true }).click();
  await orgRow(page, '思明区总工会').waitFor();
  await orgRow(page, STREET).waitFor();
  assert.equal(await orgRow(page, '厦门市总工会').count(), 0, 'the city is outside the scope');
  assert.equal(await orgRow(page, '集美区总工会').count(), 0, 'other districts are outside the scope');
  // The root (its own organisation) can be neither moved nor deactivated.
  const root = orgRow(page, '思明区总工会');
  assert.equal(await root.getByRole('button', { name: '移动' }).count(), 0);
  assert.equal(await root.getByRole('button', { name: '停用' }).count(), 0);

  // Its dashboard counts the streets below it.
  await page.getByRole('menuitem', { name: '数据看板', exact: true }).click();
  await page.locator('[data-chart="members-by-org"] canvas').first().waitFor();
  await page.getByText('统计范围：思明区总工会').waitFor();

  // Only reviewers can be added; the audit log's address leads back to the 工作台.
  await page.getByRole('menuitem', { name: '工作人员', exact: true }).click();
  await page.getByRole('button', { name: '新增工作人员' }).click();
  const form = page.getByRole('dialog', { name: '新增工作人员' });
  await form.getByRole('radio', { name: '审核人员' }).waitFor();
  assert.equal(await form.getByRole('radio').count(), 1, 'org admins create reviewers only');
  await form.getByRole('button', { name: '取消' }).click();

  await page.goto(`${srv.url}/admin/audit`);
  await expectPath(page, '/admin/');
  watch.assertClean();
  await context.close();
});
