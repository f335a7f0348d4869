// The browser-independent parts of web/shared/recover.js (忘记密码, 绑定邮箱): the e-mail check
// (as the server's), the captcha and username checks, the photo type by content. No server or
// browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkCaptcha,
  checkEmail,
  checkRecoveryUsername,
  RECOVERY_WAYS,
  sniffImageType,
} from '../../web/shared/recover.js';
import { tinyPng } from './recover-helpers.mjs';

test('checkEmail follows the server (src/api/recover.c email_valid)', () => {
  for (const ok of ['a@b.cn', 'zhang.san@example.com', 'x+y@mail.xm.gov.cn']) assert.equal(checkEmail(ok), '', ok);
  assert.equal(checkEmail(''), '请输入邮箱地址');
  for (const bad of ['a@b', '@ex.com', 'a@@b.com', 'a@.com', 'a@b.com.', 'a b@c.com', 'a<b@c.com', '张@例子.中国', 'a@b.c,d', `${'a'.repeat(250)}@b.com`]) {
    assert.equal(checkEmail(bad), '请输入正确的邮箱地址', bad);
  }
});

test('captcha and username checks', () => {
  assert.equal(checkCaptcha(''), '请输入图片验证码');
  assert.equal(checkCaptcha('abc'), '图片验证码为4个字符');
  assert.equal(checkCaptcha(' AB7K '), '');
  assert.equal(checkRecoveryUsername('  '), '请输入证件号码、手机号码或邮箱地址');
  assert.equal(checkRecoveryUsername('13800001234'), '');
  assert.equal(checkRecoveryUsername('a'.repeat(255)), '请输入正确的证件号码、手机号码或邮箱地址');
});

test('the three ways carry the manual wording', () => {
  assert.deepEqual(RECOVERY_WAYS.map((w) => w.key), ['phone', 'appeal', 'email']);
  assert.match(RECOVERY_WAYS[0].desc, /若您的手机号是您正在使用的手机号/);
  assert.match(RECOVERY_WAYS[1].desc, /若您的手机号已经变更/);
  assert.match(RECOVERY_WAYS[2].desc, /若您之前有填写邮箱地址/);
});

test('photos are JPEG or PNG by their first bytes, whatever they are called', async () => {
  assert.equal(await sniffImageType(new Blob([tinyPng()], { type: 'image/jpeg' })), 'image/png');
  assert.equal(await sniffImageType(new Blob([Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])])), 'image/jpeg');
  assert.equal(await sniffImageType(new Blob(['GIF89a...'], { type: 'image/png' })), '');
  assert.equal(await sniffImageType(new Blob([])), '');
});
