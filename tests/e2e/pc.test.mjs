// PC site (/pc/) at 1366×768: SMS login of a new phone → 信息完善 → 个人中心 → logout →
// password login by ID number → 修改密码 from the avatar menu → logout → login with the new
// password. Also a screenshot of the home page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import {
  closeJoinReminder,
  corruptCheckChar,
  expectPath,
  launchBrowser,
  randomIdNumber,
  randomPhone,
  screenshotPath,
  watchPage,
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

test('PC: register by SMS, log in by ID number, change password from the avatar menu', { timeout: 180000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  const phone = randomPhone();
  const idNumber = randomIdNumber();
  const name = '陈测试';
  const password = 'Gonghui2026a';
  const newPassword = 'Xiamen2026b';

  const loginButton = page.getByRole('button', { name: '登录', exact: true });
  const avatar = page.getByLabel('用户菜单');

  // Public home page.
  await page.goto(`${srv.url}/pc/`);
  await page.getByText('厦门市智慧工会服务平台').first().waitFor();
  await page.getByRole('menuitem', { name: '首页' }).waitFor();
  await page.getByText('业务申报平台').first().waitFor();
  await page.getByRole('menuitem', { name: '我的办事' }).waitFor();
  await loginButton.waitFor();
  await page.screenshot({ path: screenshotPath('pc-home.png'), fullPage: true });

  // 【登录】 → 短信登录.
  await loginButton.click();
  await expectPath(page, '/pc/login');
  await page.getByRole('tab', { name: '短信登录' }).click();
  await page.getByPlaceholder('请输入手机号码').fill(phone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByRole('button', { name: /\d+秒后重新发送/ }).waitFor();
  const code = await srv.waitForSms(phone);
  assert.match(code, /^\d{6}$/);
  await page.getByPlaceholder('请输入6位验证码').fill(code);
  await loginButton.click();

  // 信息完善.
  await expectPath(page, '/pc/register');
  assert.equal(new URL(page.url()).search.includes('token'), false, 'the registration token stays out of the URL');
  await page.getByPlaceholder('请输入姓名').fill(name);
  await page.getByPlaceholder('请输入18位身份证号').fill(corruptCheckChar(idNumber));
  await page.getByPlaceholder('请设置登录密码').fill(password);
  await page.getByPlaceholder('请再次输入密码').fill(password);
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByText('身份证号校验位不正确').waitFor();
  await page.getByText('请阅读并同意《隐私政策》').waitFor();

  // A lowercase x is accepted (the server stores X).
  await page.getByPlaceholder('请输入18位身份证号').fill(idNumber.toLowerCase());
  await page.getByText('《隐私政策》', { exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByText('隐私政策').first().waitFor();
  await dialog.getByRole('button', { name: '我已阅读并同意' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByRole('checkbox', { name: '我已阅读并同意' }).isChecked(), true);
  await page.getByRole('button', { name: '提交' }).click();

  // 个人中心.
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(`${phone.slice(0, 3)}****${phone.slice(7)}`).first().waitFor();
  await page.getByText(`${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`).waitFor();
  await page.getByText(name).first().waitFor();
  assert.equal(await page.getByText(idNumber).count(), 0, 'the full ID number is never shown');

  // Logout from the avatar menu.
  await avatar.hover();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await loginButton.waitFor();

  // A protected page sends the visitor to the login page, and the login back to it.
  await page.goto(`${srv.url}/pc/password`);
  await expectPath(page, '/pc/login');
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/password');
  await page.goto(`${srv.url}/pc/me`);
  await expectPath(page, '/pc/login');

  // Password login with the ID number.
  await page.getByPlaceholder('请输入证件号码或手机号码').fill(idNumber);
  await page.getByPlaceholder('请输入密码').fill(password);
  await loginButton.click();
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(name).first().waitFor();

  // Hover the avatar → 修改密码.
  await avatar.hover();
  await page.getByRole('menuitem', { name: '修改密码' }).click();
  await expectPath(page, '/pc/password');
  await page.getByText('8–64 位，须同时包含字母和数字').waitFor();
  await page.getByPlaceholder('请输入原密码').fill('Wrong2026zz');
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '确定' }).click();
  await page.getByText('原密码不正确').waitFor();
  await page.getByPlaceholder('请输入原密码').fill(password);
  await page.getByRole('button', { name: '确定' }).click();
  await page.getByText('密码修改成功').waitFor();
  await expectPath(page, '/pc/me');

  // Still logged in after a reload.
  await page.reload();
  await page.getByText(name).first().waitFor();
  await avatar.waitFor();

  // Logout; the old password fails, the new one works.
  await avatar.hover();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await loginButton.click();
  await expectPath(page, '/pc/login');
  await page.getByPlaceholder('请输入证件号码或手机号码').fill(phone);
  await page.getByPlaceholder('请输入密码').fill(password);
  await loginButton.click();
  await page.getByText('用户名或密码错误').waitFor();
  await page.getByPlaceholder('请输入密码').fill(newPassword);
  await loginButton.click();
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(name).first().waitFor();

  watch.assertClean();
  await context.close();
});

test('PC: menus lead to the service pages, which need login', { timeout: 60000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  await page.goto(`${srv.url}/pc/`);
  await page.getByText('业务申报平台').first().hover();
  await page.getByText('会员基础类业务', { exact: true }).waitFor();
  await page.getByRole('menuitem', { name: '网上入会申请' }).click();
  await expectPath(page, '/pc/login');
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/join');

  await page.getByText('忘记密码').click();
  await expectPath(page, '/pc/forgot');
  await page.getByPlaceholder('请输入证件号码、手机号码或邮箱地址').waitFor(); // recover-pc.test.mjs walks it

  const mobile = page.getByRole('link', { name: '手机版' }).first();
  assert.equal(await mobile.getAttribute('href'), '/h5/');

  watch.assertClean();
  await context.close();
});
