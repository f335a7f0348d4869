// Back office (/admin/) at 1366×768: a demo reviewer (test mode writes the demo staff logins to
// $GONGHUI_DATA_DIR/demo-accounts.txt) logs in, sees name, role and organisation in the
// header and the menu, changes the password, logs out and logs in with the new one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import { expectPath, launchBrowser, watchPage } from './helpers.mjs';

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
  await login(reviewer.password);
  await expectPath(page, '/admin/');

  const header = page.locator('header');
  await header.getByText(reviewer.name).waitFor();
  await header.getByText('审核人员').waitFor();
  await header.getByText(reviewer.org).waitFor();
  await page.getByRole('menuitem', { name: '工作台' }).waitFor();
  await page.getByRole('menuitem', { name: '会籍变更审核' }).waitFor();
  await page.getByRole('menuitem', { name: '入会审核' }).click();
  await expectPath(page, '/admin/join-review');
  await page.getByText('该功能即将开放').waitFor();

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
  await login(newPassword);
  await expectPath(page, '/admin/');
  assert.equal(await header.getByText(reviewer.name).count(), 1);

  watch.assertClean();
  await context.close();
});
