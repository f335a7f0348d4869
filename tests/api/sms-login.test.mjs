// SMS login (短信登录): a known phone gets a session; an unknown phone gets a registration token
// for the 信息完善 page.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshPhone, freshHour, register, sendCode, maskPhone } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

test('a known phone logs in: user, csrf_token and a session cookie', async () => {
  const w = await register(srv);
  await srv.advance(60);
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, w.phone);
  const r = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ok');
  assert.equal(typeof r.body.csrf_token, 'string');
  assert.ok(r.body.csrf_token.length >= 32);
  assert.equal(r.body.token, undefined, 'no bearer token for a browser');
  assert.equal(r.body.user.phone, maskPhone(w.phone));
  assert.equal(r.body.user.id, w.user.id);
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 1);
  assert.match(cookies[0], /^gh_session=[A-Za-z0-9_-]{40,}; /);
  const acc = await c.get('/api/v1/account');
  assert.equal(acc.status, 200);
  assert.equal(acc.body.user.id, w.user.id);
});

test('an app client gets a bearer token and no cookie', async () => {
  const w = await register(srv);
  await srv.advance(60);
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, w.phone);
  const r = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code, client: 'app' });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.body.token, 'string');
  assert.ok(r.body.token.length >= 40);
  assert.equal(r.headers.getSetCookie().length, 0);
  const app = new Client(srv.url, { origin: null, bearer: r.body.token });
  const acc = await app.get('/api/v1/account');
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.body.user.id, w.user.id);
});

test('an unknown phone is asked to complete its profile, with no session', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const code = await sendCode(srv, c, phone);
  const r = await c.post('/api/v1/auth/sms-login', { phone, code });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['registration_token', 'status']);
  assert.equal(r.body.status, 'profile_required');
  assert.match(r.body.registration_token, /^[A-Za-z0-9_-]{32,}$/);
  assert.equal(r.headers.getSetCookie().length, 0);
  expectError(await c.get('/api/v1/account'), 401, 'unauthenticated');
  const s = await c.get('/api/v1/session');
  assert.deepEqual(s.body, { authenticated: false, csrf_token: null, user: null });
});

test('a wrong code is refused with field code, and a code for another phone does not work', async () => {
  const c = new Client(srv.url);
  const a = freshPhone(), b = freshPhone();
  const codeA = await sendCode(srv, c, a);
  await sendCode(srv, c, b);
  expectError(await c.post('/api/v1/auth/sms-login', { phone: b, code: codeA }), 400, 'code_invalid', 'code');
  expectError(await c.post('/api/v1/auth/sms-login', { phone: freshPhone(), code: codeA }), 400, 'code_invalid', 'code');
  const r = await c.post('/api/v1/auth/sms-login', { phone: a, code: codeA });
  assert.equal(r.status, 200, r.text);
});

test('required fields', async () => {
  const c = new Client(srv.url);
  expectError(await c.post('/api/v1/auth/sms-login', { code: '123456' }), 400, 'required', 'phone');
  expectError(await c.post('/api/v1/auth/sms-login', { phone: freshPhone() }), 400, 'required', 'code');
  expectError(await c.post('/api/v1/auth/sms-login', { phone: freshPhone(), code: '' }), 400, 'required', 'code');
});

test('a code never sent does not log in', async () => {
  const w = await register(srv);
  // Try a few codes for a phone that has an account but no live code.
  for (const code of ['000000', '123456', '999999']) {
    expectError(await new Client(srv.url).post('/api/v1/auth/sms-login', { phone: w.phone, code }), 400, 'code_invalid', 'code');
  }
});

test('a wrong code gets the same answer for a known and an unknown phone', async () => {
  const w = await register(srv);
  await srv.advance(60);
  const unknown = freshPhone();
  const c = new Client(srv.url);
  const k = await sendCode(srv, c, w.phone);
  const u = await sendCode(srv, c, unknown);
  const wrong = (code) => String((Number(code) + 1) % 1e6).padStart(6, '0');
  const a = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code: wrong(k) });
  const b = await c.post('/api/v1/auth/sms-login', { phone: unknown, code: wrong(u) });
  assert.equal(a.status, 400);
  assert.equal(a.text, b.text);
});

