// Back office (/admin/) at 1366×768: a demo reviewer (test mode writes the demo staff logins to
// $GONGHUI_DATA_DIR/demo-accounts.txt) logs in (password, then the SMS code: a wrong code, a
// resend after the countdown, the replaced code refused), sees name, role and organisation in the
// header and the menu, changes the password, logs out and logs in with the new one. An org
// admin sees the join applications of its subtree read-only. (The reviewer's decisions are in
// join-pc.test.mjs.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { binary, startServer } from '../lib/server.mjs';
import { randomUUID } from 'node:crypto';
import { staffLoginCode } from '../lib/client.mjs';
import { STAFF_PASSWORD, adminLogin, bankUnit, expectPath, launchBrowser, newWorker, screenshotPath, watchPage } from './helpers.mjs';

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

// role, phone, password, name, organisation per line; '#' lines are comments.
function demoStaff(dataDir) {
  const file = join(dataDir, 'demo-accounts.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [role, phone, password, name, org] = line.split('\t');
      return { role, phone, password, name, org };
    });
}

test('admin: staff login, header, menu, change password, logout', { timeout: 120000 }, async (t) => {
  const reviewer = demoStaff(srv.dataDir).find((s) => s.role === 'reviewer');
  if (!reviewer) {
    t.skip('no demo reviewer in demo-accounts.txt');
    return;
  }
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  await context.clock.install(); // time flows; runFor skips the resend countdown
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  const newPassword = 'Review2026ok';
  const loginButton = page.getByRole('button', { name: '登录', exact: true });

  async function login(password) {
    await page.getByPlaceholder('请输入手机号').fill(reviewer.phone);
    await page.getByPlaceholder('请输入密码').fill(password);
    await loginButton.click();
  }

  await page.goto(`${srv.url}/admin/`);
  await expectPath(page, '/admin/login');
  await login('Wrong2026pass');
  await page.getByText('用户名或密码错误').waitFor();
  // The password, then the code step: the masked phone, 【发送验证码】 counting down, 【登录】.
  let sent = srv.sms().filter((m) => m.to === reviewer.phone).length;
  await login(reviewer.password);
  const codeInput = page.getByPlaceholder('请输入6位短信验证码');
  await codeInput.waitFor();
  await page.getByText(`短信验证码已发送至 ${reviewer.phone.slice(0, 3)}****${reviewer.phone.slice(7)}`).waitFor();
  const countdown = page.getByRole('button', { name: /^\d+秒后重新发送$/ });
  await countdown.waitFor();
  assert.ok(await countdown.isDisabled(), 'no resend during the countdown');
  assert.equal(await page.getByPlaceholder('请输入密码').count(), 0, 'the password field is gone');
  await page.screenshot({ path: screenshotPath('admin-login-code.png') });
  const first = await staffLoginCode(srv, reviewer.phone, sent);
  await codeInput.fill(first === '000000' ? '000001' : '000000');
  await loginButton.click();
  await page.getByText('验证码错误或已失效，请重新获取').waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  // A minute later 【发送验证码】 sends another code, which replaces the first.
  await page.clock.runFor(61000);
  await srv.advance(61);
  sent = srv.sms().filter((m) => m.to === reviewer.phone).length;
  await page.getByRole('button', { name: '发送验证码', exact: true }).click();
  await page.getByText(/验证码已重新发送至/).waitFor();
  await countdown.waitFor();
  const second = await staffLoginCode(srv, reviewer.phone, sent);
  await codeInput.fill(first);
  await loginButton.click();
  await page.getByText('验证码错误或已失效，请重新获取').waitFor();
  await codeInput.fill(second);
  await loginButton.click();
  await expectPath(page, '/admin/');

  const header = page.locator('header');
  await header.getByText(reviewer.name).waitFor();
  await header.getByText('审核人员').waitFor();
  await header.getByText(reviewer.org).waitFor();
  await page.getByRole('menuitem', { name: '工作台' }).waitFor();
  await page.getByRole('menuitem', { name: '会籍变更审核' }).waitFor();
  await page.getByRole('menuitem', { name: '入会审核' }).click();
  await expectPath(page, '/admin/join-review');
  await page.getByPlaceholder('办件编号或申请人姓名').waitFor();
  await page.getByText('暂无入会申请').waitFor();

  await header.getByText(reviewer.name).hover();
  await page.getByRole('menuitem', { name: '修改密码' }).click();
  await expectPath(page, '/admin/password');
  await page.getByPlaceholder('请输入原密码').fill(reviewer.password);
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '确定' }).click();
  await page.getByText('密码修改成功').waitFor();

  await header.getByText(reviewer.name).hover();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await expectPath(page, '/admin/login');
  await adminLogin(page, srv, { phone: reviewer.phone, password: newPassword });
  await expectPath(page, '/admin/');
  assert.equal(await header.getByText(reviewer.name).count(), 1);

  watch.assertClean();
  await context.close();
});

test('admin: an org admin sees the 入会审核 queue of its subtree read-only', { timeout: 60000 }, async () => {
  // A worker of the bank (集美区) files an application; the 集美区 federation's admin looks.
  const w = await newWorker(srv, '何入会');
  const bank = await bankUnit(w.client);
  const consent = await w.client.post('/api/v1/join/consent', { version: '2026-11' });
  const created = await w.client.post('/api/v1/applications', {
    kind: 'join',
    consent_id: consent.body.consent_id,
    request_id: randomUUID(),
    submit: true,
    data: { residence: '厦门市集美区', employment: 'unit', unit_id: bank.id, work_district: bank.district.code, work_street: bank.street.code },
  });
  assert.equal(created.status, 201, created.text);
  const { ref } = created.body.application;
  const phone = `158${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const add = spawnSync(binary, ['user', 'add', '--role', 'org_admin', '--phone', phone, '--name', '集美区管理员', '--org', bank.district.code], {
    env: srv.env, input: `${STAFF_PASSWORD}\n`, encoding: 'utf8',
  });
  assert.equal(add.status, 0, add.stderr);

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  await page.goto(`${srv.url}/admin/join-review`);
  await expectPath(page, '/admin/login');
  await adminLogin(page, srv, { phone, password: STAFF_PASSWORD });
  await expectPath(page, '/admin/join-review');
  await page.getByText('（只读）').waitFor();
  const row = page.getByRole('row').filter({ hasText: ref });
  await row.getByText('已递交').waitFor();
  await row.getByText(`${bank.name}工会`).waitFor();
  await page.screenshot({ path: screenshotPath('admin-review-queue.png') });
  await row.getByRole('button', { name: '查看' }).click();
  await page.getByText('只读：该申请由所属工会的审核人员审核').waitFor();
  await page.getByText('何入会', { exact: true }).waitFor();
  for (const name of ['受理', '通过', '不通过', '退回', '查看完整号码']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `no ${name}`);
  }
  watch.assertClean();
  await context.close();
});
