// 忘记密码 on the PC site (/pc/) at 1366×768, the manual's 账号常见问题 (电脑端): 【忘记密码】 →
// 用户名 + 图片验证码 → 【下一步】 → the three ways, each behind 【立即找回】:
// (1) 手机方式找回 end to end, then login with the new password;
// (2) 邮箱方式找回: the e-mail bound in 个人中心 (link from the .eml), then the reset link, then login;
// (3) 人工申诉 with an ID-card photo; a platform admin approves it in the back office and the
//     worker logs in by SMS with the new phone (plus a 409 and a rejection in the back office).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../lib/client.mjs';
import { startServer } from '../lib/server.mjs';
import {
  closeJoinReminder,
  expectPath,
  launchBrowser,
  newWorker,
  randomIdNumber,
  randomPhone,
  screenshotPath,
  watchPage,
  workerPasswordLogin,
  adminLogin,
} from './helpers.mjs';
import {
  addStaff,
  assertNothingMasked,
  mailCount,
  nextCaptcha,
  passUsernamePage,
  solvedCaptcha,
  tinyPng,
  waitForMailLink,
} from './recover-helpers.mjs';

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

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return { context, page, watch: watchPage(page) };
}

// Login page → 【忘记密码】 → the username page (its captcha answer).
async function openForgot(page) {
  await page.goto(`${srv.url}/pc/login`);
  return nextCaptcha(srv, page, () => page.getByRole('link', { name: '忘记密码' }).click());
}

test('PC 忘记密码: 手机方式找回, then login with the new password', { timeout: 60000 }, async () => {
  const w = await newWorker(srv, '林找回');
  const newPassword = 'Recover2026pc';
  const { context, page, watch } = await newPage();

  let answer = await openForgot(page);
  await expectPath(page, '/pc/forgot');
  await page.getByText('填写用户名').waitFor();

  // Empty fields, then a wrong captcha: messages next to the fields, and a new image.
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByText('请输入证件号码、手机号码或邮箱地址').first().waitFor();
  await page.getByText('请输入图片验证码', { exact: true }).waitFor();
  await page.getByPlaceholder('请输入证件号码、手机号码或邮箱地址').fill(w.idNumber);
  await page.getByPlaceholder('请输入图片验证码').fill('0000');
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '下一步' }).click());
  await page.getByText('图片验证码错误或已失效').waitFor();
  // Clicking the image asks for another one.
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '图片验证码，点击换一张' }).click());

  await passUsernamePage(page, w.idNumber, answer);
  await expectPath(page, '/pc/forgot/ways');
  await page.locator('[data-way=phone]').getByText('若您的手机号是您正在使用的手机号').waitFor();
  await page.locator('[data-way=appeal]').getByText('若您的手机号已经变更').waitFor();
  await page.locator('[data-way=email]').getByText('若您之前有填写邮箱地址').waitFor();
  await assertNothingMasked(page);
  assert.equal(new URL(page.url()).search, '', 'the recovery token stays out of the URL');
  await page.screenshot({ path: screenshotPath('recover-pc-ways.png'), fullPage: true });

  // 手机方式找回: captcha → 【发送验证码】 → SMS code + new password twice → 【下一步】.
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '手机方式找回：立即找回' }).click());
  await expectPath(page, '/pc/forgot/phone');
  await assertNothingMasked(page);
  await srv.advance(61); // the registration's login code went to the same phone
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByText('请输入图片验证码', { exact: true }).waitFor(); // the captcha comes first
  await page.getByPlaceholder('请输入图片验证码').fill(answer);
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '发送验证码' }).click());
  await page.getByRole('button', { name: /\d+秒后重新发送/ }).waitFor();
  const code = await srv.waitForSms(w.phone);
  await page.getByPlaceholder('请输入6位短信验证码').fill(code);
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(`${newPassword}x`);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByText('两次输入的密码不一致').waitFor();
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '下一步' }).click();

  await expectPath(page, '/pc/forgot/success');
  await page.getByText('重置密码成功').first().waitFor();
  await page.getByRole('button', { name: '立即登录' }).click();
  await expectPath(page, '/pc/login');

  // The old password no longer works; the new one does.
  await workerPasswordLogin(page, w.phone, w.password);
  await page.getByText('用户名或密码错误').waitFor();
  await workerPasswordLogin(page, w.idNumber, newPassword);
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page);
  await page.getByText('林找回').first().waitFor();

  watch.assertClean();
  await context.close();
});

test('PC 忘记密码: bind an e-mail in 个人中心, 邮箱方式找回 by the link, login', { timeout: 60000 }, async () => {
  const w = await newWorker(srv, '邮找回');
  const email = `zhaohui${Date.now()}@example.com`;
  const newPassword = 'MailReset2026';
  const { context, page, watch } = await newPage();

  // 个人中心 › 账号安全 › 绑定邮箱: e-mail + login password → the verification mail.
  await page.goto(`${srv.url}/pc/login`);
  await workerPasswordLogin(page, w.phone, w.password);
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page);
  const row = page.getByTestId('email-row');
  await row.getByText('未绑定邮箱').waitFor();
  await row.getByText('绑定邮箱', { exact: true }).last().click();
  const dialog = page.getByRole('dialog').filter({ hasText: '邮箱地址' });
  await dialog.getByPlaceholder('请输入邮箱地址').fill('not-an-email');
  await dialog.getByPlaceholder('请输入登录密码').fill('Wrong2026pw');
  await dialog.getByRole('button', { name: '发送验证邮件' }).click();
  await dialog.getByText('请输入正确的邮箱地址').waitFor();
  await dialog.getByPlaceholder('请输入邮箱地址').fill(email);
  await dialog.getByRole('button', { name: '发送验证邮件' }).click();
  await dialog.getByText('登录密码不正确').waitFor();
  await dialog.getByPlaceholder('请输入登录密码').fill(w.password);
  await dialog.getByRole('button', { name: '发送验证邮件' }).click();
  await page.getByText('验证邮件已发送', { exact: true }).waitFor();
  await page.getByRole('button', { name: '我知道了' }).click();

  const verifyLink = await waitForMailLink(srv, email, 'verify-email');
  assert.ok(verifyLink.startsWith(`${srv.url}/pc/verify-email#token=`), verifyLink);
  await page.goto(verifyLink);
  await page.getByText('邮箱绑定成功').waitFor();
  assert.equal(await page.getByTestId('bound-email').innerText(), email);
  assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar');
  await page.getByRole('button', { name: '返回个人中心' }).click();
  await expectPath(page, '/pc/me');
  await row.getByText(`已绑定 ${email}`).waitFor();

  // Log out, then 忘记密码 with the e-mail address as the username.
  await page.getByLabel('用户菜单').hover();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.getByRole('button', { name: '登录', exact: true }).waitFor();
  const answer = await openForgot(page);
  await passUsernamePage(page, email, answer);
  await expectPath(page, '/pc/forgot/ways');
  const before = mailCount(srv);
  await page.getByRole('button', { name: '邮箱方式找回：立即找回' }).click();
  await expectPath(page, '/pc/forgot/email');
  await page.getByText('如果该账号已绑定邮箱，重置密码的链接已发送到该邮箱').waitFor();
  await assertNothingMasked(page);

  const resetLink = await waitForMailLink(srv, email, 'reset', { after: before });
  assert.ok(resetLink.startsWith(`${srv.url}/pc/reset#token=`), resetLink);
  await page.goto(resetLink);
  await page.getByRole('heading', { name: '重置密码' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar');
  await page.getByPlaceholder('请输入新密码').fill('short1');
  await page.getByPlaceholder('请再次输入新密码').fill('short1');
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByText('密码长度应为8–64位').waitFor();
  // A reload keeps the link usable (the token is kept in sessionStorage, not the URL).
  await page.reload();
  await page.getByPlaceholder('请输入新密码').fill(newPassword);
  await page.getByPlaceholder('请再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '提交' }).click();
  await expectPath(page, '/pc/forgot/success');
  await page.getByText('重置密码成功').first().waitFor();

  // The link works once; an unknown token is refused.
  const submitLink = async (link, problem) => {
    await page.goto(link);
    await page.getByPlaceholder('请输入新密码').fill('Another2026x');
    await page.getByPlaceholder('请再次输入新密码').fill('Another2026x');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText(problem).waitFor();
  };
  await submitLink(resetLink, '该链接已使用过');
  await submitLink(`${srv.url}/pc/reset#token=${'A'.repeat(43)}`, '链接无效');

  await page.getByRole('button', { name: '返回登录' }).click();
  await expectPath(page, '/pc/login');
  await workerPasswordLogin(page, w.idNumber, newPassword);
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page);
  await page.getByText('邮找回').first().waitFor();

  watch.assertClean();
  await context.close();
});

test('PC 人工申诉 with an ID-card photo; a platform admin approves; SMS login with the new phone', { timeout: 60000 }, async () => {
  const w = await newWorker(srv, '申诉人');
  const newPhone = randomPhone();
  const png = tinyPng(12, 8);
  const { context, page, watch } = await newPage();

  let answer = await openForgot(page);
  await passUsernamePage(page, w.idNumber, answer);
  await expectPath(page, '/pc/forgot/ways');
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '人工申诉找回：立即找回' }).click());
  await expectPath(page, '/pc/forgot/appeal');

  await page.getByPlaceholder('请输入姓名').fill('申诉人');
  await page.getByPlaceholder('请输入18位身份证号').fill(w.idNumber);
  await page.getByPlaceholder('请输入正在使用的新手机号码').fill(newPhone);
  await page.getByPlaceholder('请输入图片验证码').fill(answer);
  answer = await nextCaptcha(srv, page, () => page.getByRole('button', { name: '发送验证码' }).click());
  await page.getByRole('button', { name: /\d+秒后重新发送/ }).waitFor();
  const code = await srv.waitForSms(newPhone);
  await page.getByPlaceholder('请输入6位短信验证码').fill(code);
  await page.getByPlaceholder('请说明申诉原因').fill('原手机号已停用，无法接收短信验证码');

  // Not an image: refused in the browser; then the PNG.
  const upload = page.getByLabel('上传身份证照片');
  await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByText('notes.txt不是JPEG或PNG图片').waitFor();
  await upload.setInputFiles({ name: 'id-front.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('img', { name: '证件照片1' }).waitFor();
  await page.screenshot({ path: screenshotPath('recover-pc-appeal.png'), fullPage: true });
  await page.getByRole('button', { name: '下一步' }).click();

  await expectPath(page, '/pc/forgot/appeal/result');
  await page.getByText('请等待审核结果短信').first().waitFor();
  const ref = (await page.getByTestId('appeal-ref').innerText()).trim();
  assert.ok(ref.length > 4, `appeal ref ${ref}`);

  // A second appeal (through the API) for an ID number without an account: 通过 answers 409.
  const anon = new Client(srv.url);
  const lonePhone = randomPhone();
  let r = await anon.post('/api/v1/recover/appeal/sms-code', { phone: lonePhone, ...(await solvedCaptcha(srv, anon)) });
  assert.equal(r.status, 202, r.text);
  r = await anon.post('/api/v1/recover/appeal', {
    name: '无账号', id_number: randomIdNumber(), phone: lonePhone, code: await srv.waitForSms(lonePhone), reason: '测试', photos: [],
  });
  assert.equal(r.status, 201, r.text);
  const loneRef = r.body.ref;

  // A reviewer has no 人工申诉 menu, and the page says why.
  const reviewer = addStaff(srv, 'reviewer', '王审核');
  const staffPage = await context.newPage();
  staffPage.setDefaultTimeout(15000);
  const staffWatch = watchPage(staffPage);
  const logIn = async (who) => {
    await staffPage.goto(`${srv.url}/admin/login`);
    await adminLogin(staffPage, srv, { phone: who.phone, password: who.password });
    await expectPath(staffPage, '/admin/');
  };
  await logIn(reviewer);
  assert.equal(await staffPage.getByRole('menuitem', { name: '人工申诉' }).count(), 0, 'no menu entry for a reviewer');
  await staffPage.goto(`${srv.url}/admin/appeals`);
  await staffPage.getByText('人工申诉只由平台管理员处理').waitFor();
  await staffPage.getByText(reviewer.name).first().hover();
  await staffPage.getByRole('menuitem', { name: '退出登录' }).click();
  await expectPath(staffPage, '/admin/login');

  // The platform admin: 人工申诉 → the queue → the appeal with its photo → 通过.
  const admin = addStaff(srv, 'platform_admin', '管理员');
  await logIn(admin);
  await staffPage.getByRole('menuitem', { name: '人工申诉' }).click();
  await expectPath(staffPage, '/admin/appeals');
  await staffPage.getByRole('link', { name: loneRef }).waitFor();

  // No account behind the ID number: the 409 message, and 不通过 with a reason instead.
  await staffPage.getByRole('link', { name: loneRef }).click();
  await staffPage.getByText('该身份证号尚未注册账号').first().waitFor();
  await staffPage.getByRole('button', { name: '通过', exact: true }).click();
  await staffPage.getByRole('dialog').getByRole('button', { name: '通过', exact: true }).click();
  await staffPage.getByTestId('decision-error').getByText('申诉人可直接用新手机号短信登录注册').waitFor();
  await staffPage.getByRole('button', { name: '不通过', exact: true }).click();
  const reasonDialog = staffPage.getByRole('dialog').filter({ hasText: '不通过原因' });
  await reasonDialog.getByRole('button', { name: '确定' }).click();
  await reasonDialog.getByText('请填写不通过原因').waitFor();
  await reasonDialog.getByPlaceholder('请填写不通过的原因').fill('该身份证号尚未注册，请直接短信登录注册');
  await reasonDialog.getByRole('button', { name: '确定' }).click();
  await staffPage.getByTestId('appeal-status').getByText('未通过').waitFor();
  assert.match((await srv.waitForSmsMessage(lonePhone)).text, /未通过/);

  // The worker's appeal.
  await staffPage.getByRole('button', { name: '返回人工申诉列表' }).click();
  await expectPath(staffPage, '/admin/appeals');
  await staffPage.getByRole('link', { name: ref }).click();
  await staffPage.getByText('原手机号已停用').waitFor();
  await staffPage.getByText(`${w.phone.slice(0, 3)}****${w.phone.slice(7)}`).waitFor(); // the account's current phone
  const photo = staffPage.locator('.ad-photo img').first();
  await photo.waitFor();
  await staffPage.waitForFunction((img) => img.complete && img.naturalWidth === 12, await photo.elementHandle());
  assert.match(await photo.getAttribute('src'), /^blob:/);
  await staffPage.screenshot({ path: screenshotPath('recover-admin-appeal.png'), fullPage: true });
  await staffPage.getByRole('button', { name: '通过', exact: true }).click();
  await staffPage.getByRole('dialog').getByRole('button', { name: '通过', exact: true }).click();
  await staffPage.getByTestId('appeal-status').getByText('已通过').waitFor();
  await staffPage.locator('.ad-actions').waitFor({ state: 'detached' }); // decided: no more buttons
  const approved = await srv.waitForSmsMessage(newPhone);
  assert.match(approved.text, /已通过/);
  staffWatch.assertClean();
  await staffPage.close();

  // The worker logs in by SMS with the new phone.
  await srv.advance(61); // the appeal code went to the new phone
  await page.goto(`${srv.url}/pc/login?tab=sms`);
  await page.getByPlaceholder('请输入手机号码').fill(newPhone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByPlaceholder('请输入6位验证码').fill(await srv.waitForSms(newPhone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expectPath(page, '/pc/me');
  await closeJoinReminder(page);
  await page.getByText('申诉人').first().waitFor();
  await page.getByText(`${newPhone.slice(0, 3)}****${newPhone.slice(7)}`).first().waitFor();

  watch.assertClean();
  await context.close();
});
