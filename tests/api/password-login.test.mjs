// Password login (密码登录) by phone or ID number; the lockout (5 failures in a row → 15 minutes,
// SMS login still works) and the per-address cap (100 failed logins an hour).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshHour, freshId, freshPhone, maskId, register, sendCode } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const LOGIN = '/api/v1/auth/password-login';
const login = (username, password, extra = {}) => new Client(srv.url).post(LOGIN, { username, password, ...extra });

test('logs in by phone and by ID number', async () => {
  const w = await register(srv, { idNumber: freshId({ endsWithX: true }) });
  for (const username of [w.phone, w.idNumber, w.idNumber.slice(0, 17) + 'x']) {
    const c = new Client(srv.url);
    const r = await c.post(LOGIN, { username, password: w.password });
    assert.equal(r.status, 200, username + ': ' + r.text);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.user.id, w.user.id);
    assert.equal(r.body.user.id_number, maskId(w.idNumber));
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.match(r.headers.getSetCookie()[0], /^gh_session=/);
    assert.equal((await c.get('/api/v1/account')).status, 200);
  }
});

test('an app client gets a bearer token and no cookie', async () => {
  const w = await register(srv);
  const r = await login(w.phone, w.password, { client: 'app' });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.body.token, 'string');
  assert.equal(r.headers.getSetCookie().length, 0);
  const other = await login(w.phone, w.password, { client: 'web' });
  assert.equal(other.body.token, undefined, 'only "app" asks for a token');
  assert.equal(other.headers.getSetCookie().length, 1);
});

test('a wrong password and an unknown user get the same 401', async () => {
  const w = await register(srv);
  const wrong = await login(w.phone, w.password + 'x');
  expectError(wrong, 401, 'invalid_credentials');
  assert.equal(wrong.headers.getSetCookie().length, 0);
  const unknownPhone = await login(freshPhone(), w.password);
  const unknownId = await login(freshId(), w.password);
  const wrongById = await login(w.idNumber, 'Nope12345678');
  for (const r of [unknownPhone, unknownId, wrongById]) {
    expectError(r, 401, 'invalid_credentials');
    assert.equal(r.text, wrong.text);
  }
  // An ID-shaped username that is not a valid number is simply unknown.
  assert.equal((await login(w.idNumber.slice(0, 17) + (w.idNumber[17] === '1' ? '2' : '1'), w.password)).text, wrong.text);
});

test('malformed usernames and missing fields are 400 with the field', async () => {
  expectError(await login('abc', 'Passw0rd1x'), 400, 'invalid_field', 'username');
  expectError(await login("1' OR '1'='1", 'Passw0rd1x'), 400, 'invalid_field', 'username');
  expectError(await login('1380000123', 'Passw0rd1x'), 400, 'invalid_field', 'username');
  expectError(await login('', 'Passw0rd1x'), 400, 'required', 'username');
  expectError(await login(freshPhone(), ''), 400, 'required', 'password');
  expectError(await login(freshPhone(), 12345678), 400, 'invalid_field', 'password');
  expectError(await login(13800001234, 'Passw0rd1x'), 400, 'invalid_field', 'username');
});

test('5 failures in a row lock password login for 15 minutes; SMS login still works', async () => {
  const w = await register(srv);
  for (let i = 1; i <= 4; i++) expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials', undefined, 'failure ' + i);
  let r = await login(w.phone, 'Wrong5pass');
  expectError(r, 423, 'account_locked', undefined, 'the 5th failure locks');
  assert.equal(r.body.error.retry_after, 900);
  // The right password, by phone or ID number, is refused while locked.
  await srv.advance(100);
  r = await login(w.phone, w.password);
  expectError(r, 423, 'account_locked');
  assert.ok(r.body.error.retry_after >= 798 && r.body.error.retry_after <= 800, r.text);
  assert.equal(r.headers.getSetCookie().length, 0);
  expectError(await login(w.idNumber, w.password), 423, 'account_locked');
  expectError(await login(w.phone, w.password, { client: 'app' }), 423, 'account_locked');
  // SMS login works during the lock.
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, w.phone);
  r = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ok');
  // Still locked for the password after the SMS login, and still at 14m59s.
  await srv.advance(799);
  expectError(await login(w.phone, w.password), 423, 'account_locked');
  await srv.advance(2); // 15 min + 1 s after the lock
  r = await login(w.phone, w.password);
  assert.equal(r.status, 200, r.text);
});

test('failures by phone and by ID number count together', async () => {
  const w = await register(srv);
  for (let i = 0; i < 3; i++) expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials');
  expectError(await login(w.idNumber, 'Wrong3pass'), 401, 'invalid_credentials');
  expectError(await login(w.idNumber.toLowerCase(), 'Wrong4pass'), 423, 'account_locked');
});

test('a success resets the failure counter', async () => {
  const w = await register(srv);
  for (let i = 0; i < 4; i++) expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials');
  assert.equal((await login(w.phone, w.password)).status, 200);
  for (let i = 0; i < 4; i++) expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials', undefined, 'after the reset ' + (i + 1));
  expectError(await login(w.phone, 'Wrong9pass'), 423, 'account_locked');
});

test('failures spread over time still count "in a row"; a new lock after the first one ends', async () => {
  const w = await register(srv);
  for (let i = 0; i < 4; i++) {
    expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials');
    await srv.advance(600);
  }
  expectError(await login(w.phone, 'Wrong5pass'), 423, 'account_locked');
  await srv.advance(901);
  // After the lock, the count starts again from zero.
  for (let i = 0; i < 4; i++) expectError(await login(w.phone, 'Wrong' + i + 'pass'), 401, 'invalid_credentials', undefined, 'after the lock ' + (i + 1));
  expectError(await login(w.phone, 'Wrong5pass'), 423, 'account_locked');
});

test('concurrent failures all count', async () => {
  const w = await register(srv);
  await Promise.all([0, 1, 2, 3, 4].map((i) => login(w.phone, 'Wrong' + i + 'pass')));
  expectError(await login(w.phone, w.password), 423, 'account_locked');
});

test('100 failed logins an hour from one address → 429, even for the right password', async () => {
  const w = await register(srv);
  const batch = 10;
  for (let i = 0; i < 100; i += batch) {
    const rs = await Promise.all(Array.from({ length: batch }, () => login(freshPhone(), 'Nope12345678')));
    for (const r of rs) expectError(r, 401, 'invalid_credentials', undefined, 'failure ' + i);
  }
  let r = await login(freshPhone(), 'Nope12345678');
  expectError(r, 429, 'rate_limited', undefined, 'the 101st');
  assert.ok(r.body.error.retry_after > 0 && r.body.error.retry_after <= 3600, r.text);
  r = await login(w.phone, w.password);
  expectError(r, 429, 'rate_limited', undefined, 'right password from a blocked address');
  // The account itself was not touched: it is not locked and SMS login works.
  await srv.advance(60);
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, w.phone);
  assert.equal((await c.post('/api/v1/auth/sms-login', { phone: w.phone, code })).status, 200);
  // An hour later the address may try again.
  await srv.advance(3601);
  r = await login(w.phone, w.password);
  assert.equal(r.status, 200, r.text);
});

test('successful logins do not count towards the address cap', async () => {
  const w = await register(srv);
  for (let i = 0; i < 20; i++) assert.equal((await login(w.phone, w.password)).status, 200);
  for (let i = 0; i < 90; i++) expectError(await login(freshPhone(), 'Nope12345678'), 401, 'invalid_credentials');
  assert.equal((await login(w.phone, w.password)).status, 200);
});

test('each login gets a new session token', async () => {
  const w = await register(srv);
  const seen = new Set();
  for (let i = 0; i < 3; i++) {
    const r = await login(w.phone, w.password);
    const cookie = r.headers.getSetCookie()[0].split(';')[0];
    assert.ok(!seen.has(cookie));
    seen.add(cookie);
  }
});
