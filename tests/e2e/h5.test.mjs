// H5 site (/h5/) at 390×844 with an iPhone user agent: 个人中心 while logged out → login →
// 短信快捷登录 of a new phone → 信息完善 → 个人中心 → 设置 → 退出登录 → password login by ID
// number → 设置 → 账号安全 → 修改登录密码 → 【保存】 → logout → login with the new password.
// Also a screenshot of the 办事大厅.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import {
  IPHONE_UA,
  closeJoinReminder,
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

test('H5: register by SMS, log in by ID number, change password under 设置 → 账号安全', { timeout: 180000 }, async () => {
  const context = await phoneContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  const phone = randomPhone();
  const idNumber = randomIdNumber();
  const name = '林测试';
  const password = 'Gonghui2026h';
  const newPassword = 'Xiamen2026h5';

  const loginButton = page.getByRole('button', { name: '登录', exact: true });
  const meTab = page.getByRole('tab', { name: '个人中心' });

  async function passwordLogin(username, pass) {
    await page.getByPlaceholder('请输入证件号码或手机号码').fill(username);
    await page.getByPlaceholder('请输入密码').fill(pass);
    await loginButton.click();
  }

  async function logoutViaSettings() {
    await page.getByRole('button', { name: '设置' }).click();
    await expectPath(page, '/h5/settings');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectPath(page, '/h5/');
  }

  // The phone's entry: / goes to the H5 site.
  await page.goto(`${srv.url}/`);
  await expectPath(page, '/h5/');
  await page.getByText('会员基础类业务').waitFor();
  await page.getByText('入会申请').first().waitFor();
  await page.getByText('会籍变更').first().waitFor();
  await page.getByRole('tab', { name: '办事大厅' }).waitFor();
  await page.screenshot({ path: screenshotPath('h5-hall.png'), fullPage: true });

  // A 办事指南 page is public.
  await page.locator('.van-grid-item').filter({ hasText: '入会申请' }).click();
  await expectPath(page, '/h5/guide/join');
  await page.getByText('申请条件').waitFor();
  await page.getByRole('button', { name: '在线办理' }).waitFor();
  await page.goBack();
  await expectPath(page, '/h5/');

  // 个人中心 while logged out → login, 短信快捷登录.
  await meTab.click();
  await expectPath(page, '/h5/login');
  await page.getByRole('tab', { name: '短信快捷登录' }).click();
  await page.getByPlaceholder('请输入手机号码').fill(phone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByRole('button', { name: /\d+秒后重新发送/ }).waitFor();
  const code = await srv.waitForSms(phone);
  await page.getByPlaceholder('请输入6位验证码').fill(code);
  await loginButton.click();

  // 信息完善.
  await expectPath(page, '/h5/register');
  await page.getByPlaceholder('请输入姓名').fill(name);
  await page.getByPlaceholder('请输入18位身份证号').fill(idNumber);
  await page.getByPlaceholder('请设置登录密码').fill(password);
  await page.getByPlaceholder('请再次输入密码').fill(`${password}x`);
  await page.getByText('我已阅读并同意', { exact: true }).click();
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByText('两次输入的密码不一致').waitFor();
  await page.getByPlaceholder('请再次输入密码').fill(password);
  await page.getByRole('button', { name: '提交' }).click();

  // Back to 个人中心, where the redirect pointed.
  await expectPath(page, '/h5/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(name).first().waitFor();
  await page.getByText(`${phone.slice(0, 3)}****${phone.slice(7)}`).first().waitFor();
  await page.getByText(`${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`).waitFor();

  await logoutViaSettings();

  // Password login by ID number.
  await meTab.click();
  await expectPath(page, '/h5/login');
  await passwordLogin(idNumber, password);
  await expectPath(page, '/h5/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(name).first().waitFor();

  // 个人中心 → 设置 → 账号安全 → 修改登录密码 → 【保存】.
  await page.getByRole('button', { name: '设置' }).click();
  await expectPath(page, '/h5/settings');
  await page.getByText('账号安全').click();
  await expectPath(page, '/h5/security');
  await page.getByText('修改登录密码').click();
  await expectPath(page, '/h5/password');
  await page.getByPlaceholder('请输入旧密码').fill(password);
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('密码修改成功').waitFor();
  await expectPath(page, '/h5/security');

  // Still logged in: 个人中心 shows the user.
  await page.goto(`${srv.url}/h5/me`);
  await page.getByText(name).first().waitFor();

  await logoutViaSettings();

  // The new password works.
  await meTab.click();
  await expectPath(page, '/h5/login');
  await passwordLogin(phone, newPassword);
  await expectPath(page, '/h5/me');
  await closeJoinReminder(page); // a non-member: 温馨提醒 after each login
  await page.getByText(name).first().waitFor();

  const pcLink = page.getByRole('link', { name: '访问电脑版' });
  assert.equal(await pcLink.getAttribute('href'), '/pc/');

  watch.assertClean();
  await context.close();
});
