// 账号安全: the account, changing the password (old + new twice) and the bound phone
// (password + a code sent to the new phone; the old phone is told).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshHour, freshId, freshPhone, maskPhone, register, sendCode } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const PW = '/api/v1/account/password';
const login = (username, password) => new Client(srv.url).post('/api/v1/auth/password-login', { username, password });

test('GET /account needs a session', async () => {
  expectError(await new Client(srv.url).get('/api/v1/account'), 401, 'unauthenticated');
  for (const path of [PW, '/api/v1/account/phone/sms-code', '/api/v1/account/phone', '/api/v1/auth/logout']) {
    expectError(await new Client(srv.url).post(path, {}), 401, 'unauthenticated', undefined, path);
  }
});

test('change password: old + new twice; the new one works, the old one not', async () => {
  const w = await register(srv);
  const r = await w.client.post(PW, { old_password: w.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { status: 'ok' });
  expectError(await login(w.phone, w.password), 401, 'invalid_credentials');
  assert.equal((await login(w.phone, 'Fresh2pass')).status, 200);
  assert.equal((await login(w.idNumber, 'Fresh2pass')).status, 200);
});

test('change password: a wrong old password → 400 field old_password', async () => {
  const w = await register(srv);
  const r = await w.client.post(PW, { old_password: w.password + 'x', new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  expectError(r, 400, 'invalid_credentials', 'old_password');
  assert.equal((await w.client.get('/api/v1/account')).status, 200, 'no logout for a typo');
  assert.equal((await login(w.phone, w.password)).status, 200);
});

test('change password: the policy and the confirmation', async () => {
  const w = await register(srv, { idNumber: freshId({ endsWithX: true }) });
  const cases = [
    ['Abc1234', 'short'], ['A1' + 'c'.repeat(63), 'long'], ['abcdefghi', 'no digit'], ['123456789', 'no letter'],
    ['password123', 'common'], ['Admin123', 'common'], [w.idNumber, 'the ID'], [w.phone, 'the phone'],
  ];
  for (const [pw, why] of cases) {
    expectError(await w.client.post(PW, { old_password: w.password, new_password: pw, new_password_confirm: pw }), 400, 'invalid_field', 'new_password', why);
  }
  expectError(await w.client.post(PW, { old_password: w.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pasS' }), 400, 'password_mismatch', 'new_password_confirm');
  expectError(await w.client.post(PW, { old_password: w.password, new_password: 'Fresh2pass' }), 400, 'required', 'new_password_confirm');
  expectError(await w.client.post(PW, { new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' }), 400, 'required', 'old_password');
  assert.equal((await login(w.phone, w.password)).status, 200, 'unchanged');
});

test('a password change clears a lockout', async () => {
  const w = await register(srv);
  for (let i = 0; i < 5; i++) await login(w.phone, 'Wrong' + i + 'pass');
  expectError(await login(w.phone, w.password), 423, 'account_locked');
  // The worker is still logged in elsewhere and changes the password.
  const r = await w.client.post(PW, { old_password: w.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await login(w.phone, 'Fresh2pass')).status, 200);
});

async function phoneCode(w, phone) {
  const r = await w.client.post('/api/v1/account/phone/sms-code', { phone });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body, { sent: true, resend_after: 60 });
  return srv.waitForSms(phone);
}

test('change the bound phone: password + code to the new phone; the old phone is told', async () => {
  const w = await register(srv);
  const newPhone = freshPhone();
  const code = await phoneCode(w, newPhone);
  const r = await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.user.phone, maskPhone(newPhone));
  assert.equal(r.body.user.id, w.user.id);
  assert.equal((await w.client.get('/api/v1/account')).body.user.phone, maskPhone(newPhone));
  // The old phone gets a notice, without a code.
  const notice = await srv.waitForSmsMessage(w.phone);
  assert.match(notice.text, /手机号已变更/);
  assert.doesNotMatch(notice.text, /\d{6}/);
  assert.ok(!notice.text.includes(newPhone), 'the notice does not reveal the new number');
  // The new phone logs in, the old one no longer.
  assert.equal((await login(newPhone, w.password)).status, 200);
  expectError(await login(w.phone, w.password), 401, 'invalid_credentials');
  await srv.advance(60);
  const c = new Client(srv.url);
  const oldCode = await sendCode(srv, c, w.phone);
  const s = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code: oldCode });
  assert.equal(s.body.status, 'profile_required', 'the old phone is free again');
  // Changing to the phone now bound is refused.
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code }), 400, 'same_phone', 'phone');
});

test('change phone: the code goes to the new phone only, and names its purpose', async () => {
  const w = await register(srv);
  const before = srv.sms().filter((m) => m.to === w.phone).length;
  const newPhone = freshPhone();
  await phoneCode(w, newPhone);
  const m = srv.sms().filter((x) => x.to === newPhone).pop();
  assert.match(m.text, /更换绑定手机/);
  assert.equal(srv.sms().filter((x) => x.to === w.phone).length, before, 'nothing to the old phone yet');
});

test('change phone: wrong password → 400 field password, and the code stays usable', async () => {
  const w = await register(srv);
  const newPhone = freshPhone();
  const code = await phoneCode(w, newPhone);
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password + 'x', phone: newPhone, code }), 400, 'invalid_credentials', 'password');
  const r = await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code });
  assert.equal(r.status, 200, r.text);
});

test('change phone: wrong code → 400 code_invalid; the 5-try limit applies', async () => {
  const w = await register(srv);
  const newPhone = freshPhone();
  const code = await phoneCode(w, newPhone);
  const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
  for (let i = 0; i < 5; i++) expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code: wrong }), 400, 'code_invalid', 'code');
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code }), 400, 'code_invalid', 'code');
  // A code for another new phone does not fit this one.
  await srv.advance(60);
  const third = freshPhone();
  const c3 = await phoneCode(w, third);
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: newPhone, code: c3 }), 400, 'code_invalid', 'code');
});

test('change phone: a phone bound to another account → 409 phone_taken', async () => {
  const w = await register(srv);
  const other = await register(srv);
  await srv.advance(60);
  const code = await phoneCode(w, other.phone);
  const r = await w.client.post('/api/v1/account/phone', { password: w.password, phone: other.phone, code });
  expectError(r, 409, 'phone_taken', 'phone');
  assert.equal((await w.client.get('/api/v1/account')).body.user.phone, maskPhone(w.phone), 'unchanged');
  assert.equal((await login(other.phone, other.password)).status, 200, 'the other account keeps its phone');
  assert.equal((await login(w.phone, w.password)).status, 200);
});

test('change phone: the same phone is refused on both steps', async () => {
  const w = await register(srv);
  expectError(await w.client.post('/api/v1/account/phone/sms-code', { phone: w.phone }), 400, 'same_phone', 'phone');
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: w.phone, code: '123456' }), 400, 'same_phone', 'phone');
});

test('change phone: the send limits apply to change-phone codes', async () => {
  const w = await register(srv);
  const newPhone = freshPhone();
  await phoneCode(w, newPhone);
  const r = await w.client.post('/api/v1/account/phone/sms-code', { phone: newPhone });
  expectError(r, 429, 'rate_limited');
  assert.ok(r.body.error.retry_after > 0 && r.body.error.retry_after <= 60);
});

test('change phone: invalid input', async () => {
  const w = await register(srv);
  expectError(await w.client.post('/api/v1/account/phone/sms-code', { phone: '1234' }), 400, 'invalid_field', 'phone');
  expectError(await w.client.post('/api/v1/account/phone/sms-code', {}), 400, 'required', 'phone');
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: freshPhone() }), 400, 'required', 'code');
  expectError(await w.client.post('/api/v1/account/phone', { phone: freshPhone(), code: '123456' }), 400, 'required', 'password');
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: 'abc', code: '123456' }), 400, 'invalid_field', 'phone');
});
