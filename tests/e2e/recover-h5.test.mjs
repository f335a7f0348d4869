// 忘记密码 on the H5 site (/h5/) at 390×844 with an iPhone user agent, the manual's 账号常见问题
// (H5端): 登录 → 【忘记密码】 → 用户名 + 图片验证码 → 【下一步】 → 手机方式找回 → 【立即找回】 →
// 图片验证码 + 短信验证码 + 新密码 twice → 【下一步】 → 重置密码成功 → login with the new password.
// Also 个人中心 › 设置 › 账号安全 shows 绑定邮箱, and its page sends the verification mail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../lib/server.mjs';
import {
  IPHONE_UA,
  closeJoinReminder,
  expectPath,
  launchBrowser,
  newWorker,
  screenshotPath,
  watchPage,
  workerPasswordLogin,
} from './helpers.mjs';
import { assertNothingMasked, nextCaptcha, passUsernamePage, waitForMailLink } from './recover-helpers.mjs';

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

test('H5 忘记密码: 手机方式找回, then login with the new password; 绑定邮箱', { timeout: 60000 }, async () => {
  const w = await newWorker(srv, '黄手机');
  const newPassword = 'H5Recover2026';
  const email = `h5mail${Date.now()}@example.com`;
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    userAgent: IPHONE_UA,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);

  await page.goto(`${srv.url}/h5/login`);
  let answer = await nextCaptcha(srv, page, () => page.getByRole('link', { name: '忘记密码' }).click());
  await expectPath(page, '/h5/forgot');

  // A wrong captcha: the message under the field and a new image.
  await page.getByPlaceholder('请输入证件号码、手机号码或邮箱地址').fill(w.phone);
  await page.getByPlaceholder('请输入图片验证码').fill('0000');
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '下一步' }).click());
  await page.getByText('图片验证码错误或已失效').waitFor();

  await passUsernamePage(page, w.phone, answer);
  await expectPath(page, '/h5/forgot/ways');
  await page.locator('[data-way=phone]').getByText('若您的手机号是您正在使用的手机号').waitFor();
  await page.locator('[data-way=appeal]').getByText('若您的手机号已经变更').waitFor();
  await page.locator('[data-way=email]').getByText('若您之前有填写邮箱地址').waitFor();
  await assertNothingMasked(page);
  await page.screenshot({ path: screenshotPath('recover-h5-ways.png'), fullPage: true });

  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '手机方式找回：立即找回' }).click());
  await expectPath(page, '/h5/forgot/phone');
  await srv.advance(61); // the registration's login code went to the same phone
  await page.getByPlaceholder('请输入图片验证码').fill(answer);
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '发送验证码' }).click());
  await page.getByRole('button', { name: /\d+秒后重新发送/ }).waitFor();
  const code = await srv.waitForSms(w.phone);
  await page.getByPlaceholder('请输入6位验证码').fill('000000');
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByText('验证码错误或已失效').waitFor();
  await page.getByPlaceholder('请输入6位验证码').fill(code);
  await page.screenshot({ path: screenshotPath('recover-h5-phone.png'), fullPage: true });
  await page.getByRole('button', { name: '下一步' }).click();

  await expectPath(page, '/h5/forgot/success');
  await page.getByText('重置密码成功').first().waitFor();
  await page.getByRole('button', { name: '立即登录' }).click();
  await expectPath(page, '/h5/login');
  await workerPasswordLogin(page, w.idNumber, newPassword);
  await expectPath(page, '/h5/me');
  await closeJoinReminder(page);

  // 个人中心 › 设置 › 账号安全 › 绑定邮箱.
  await page.getByRole('button', { name: '设置' }).click();
  await expectPath(page, '/h5/settings');
  await page.getByText('账号安全').click();
  await expectPath(page, '/h5/security');
  await page.getByRole('button', { name: /^绑定邮箱/ }).click();
  await expectPath(page, '/h5/email');
  await page.getByPlaceholder('请输入邮箱地址').fill(email);
  await page.getByPlaceholder('请输入登录密码').fill(newPassword);
  await page.getByRole('button', { name: '发送验证邮件' }).click();
  await page.getByText('验证邮件已发送', { exact: true }).waitFor();
  const link = await waitForMailLink(srv, email, 'verify-email');
  assert.ok(link.startsWith(`${srv.url}/h5/verify-email#token=`), `a phone gets the H5 page: ${link}`);
  await page.goto(link);
  await page.getByText('邮箱绑定成功').waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar');
  await page.goto(`${srv.url}/h5/security`);
  await page.getByText(email).waitFor();

  watch.assertClean();
  await context.close();
});
