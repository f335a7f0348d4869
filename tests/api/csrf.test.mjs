// CSRF and Origin: a cookie-authenticated state-changing request needs the session's CSRF token
// and an allowed Origin; bearer (APP) clients need neither; a bearer token is no cookie and a
// cookie no bearer token.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client, STAFF_LOGIN_RESEND, STAFF_LOGIN_VERIFY, staffPasswordStep } from '../lib/client.mjs';
import { expectError, freshHour, freshPhone, register } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const PW = '/api/v1/account/password';
const change = (w, pw) => ({ old_password: w.password, new_password: pw, new_password_confirm: pw });
async function stillOldPassword(w) {
  const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  assert.equal(r.status, 200, 'the password did not change: ' + r.text);
}

test('without X-CSRF-Token → 403 csrf, and nothing happens', async () => {
  const w = await register(srv);
  w.client.csrf = null;
  expectError(await w.client.post(PW, change(w, 'Another1pass')), 403, 'csrf');
  expectError(await w.client.post('/api/v1/auth/logout'), 403, 'csrf');
  expectError(await w.client.post('/api/v1/account/phone/sms-code', { phone: freshPhone() }), 403, 'csrf');
  expectError(await w.client.post('/api/v1/account/phone', { password: w.password, phone: freshPhone(), code: '123456' }), 403, 'csrf');
  expectError(await w.client.post(PW, change(w, 'Another1pass'), { headers: { 'X-CSRF-Token': '' } }), 403, 'csrf');
  assert.equal((await w.client.get('/api/v1/account')).status, 200, 'not logged out');
  await stillOldPassword(w);
});

test('a wrong CSRF token → 403, another session\'s token too', async () => {
  const w = await register(srv);
  const other = await register(srv);
  for (const t of ['x', w.csrf.slice(0, -1), w.csrf + 'a', w.csrf.toUpperCase() === w.csrf ? w.csrf.toLowerCase() : w.csrf.toUpperCase(), other.csrf]) {
    expectError(await w.client.post(PW, change(w, 'Another1pass'), { headers: { 'X-CSRF-Token': t } }), 403, 'csrf');
  }
  // The same account's other session has another token.
  const second = new Client(srv.url);
  const r = await second.post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  expectError(await w.client.post(PW, change(w, 'Another1pass'), { headers: { 'X-CSRF-Token': r.body.csrf_token } }), 403, 'csrf');
  await stillOldPassword(w);
  // The right token works.
  assert.equal((await w.client.post(PW, change(w, 'Another1pass'))).status, 200);
});

test('without Origin → 403; with a foreign Origin → 403', async () => {
  const w = await register(srv);
  w.client.origin = null;
  expectError(await w.client.post(PW, change(w, 'Another1pass')), 403, 'origin');
  expectError(await w.client.post('/api/v1/auth/logout'), 403, 'origin');
  const port = new URL(srv.url).port;
  for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`,
    `http://127.0.0.1:${port}.evil.example`, `http://127.0.0.1:${port}/`, `HTTP://127.0.0.1:${port}x`, '']) {
    const r = await w.client.post(PW, change(w, 'Another1pass'), { headers: { Origin: origin } });
    expectError(r, 403, undefined, undefined, 'Origin ' + JSON.stringify(origin));
    assert.ok(['origin', 'csrf'].includes(r.body.error.code), r.text);
  }
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
  await stillOldPassword(w);
});

test('the listen address under localhost is an allowed origin in test mode', async () => {
  const w = await register(srv);
  const port = new URL(srv.url).port;
  const r = await w.client.post(PW, change(w, 'Another1pass'), { headers: { Origin: `http://localhost:${port}` } });
  assert.equal(r.status, 200, r.text);
});

test('anonymous posts from a foreign origin are refused (login CSRF)', async () => {
  const w = await register(srv);
  const c = new Client(srv.url, { origin: 'https://evil.example' });
  expectError(await c.post('/api/v1/auth/password-login', { username: w.phone, password: w.password }), 403, 'origin');
  expectError(await c.post('/api/v1/auth/sms-code', { phone: freshPhone() }), 403, 'origin');
  expectError((await staffPasswordStep(srv, { phone: freshPhone(), password: 'Passw0rdXyz1' }, { client: c })).response, 403, 'origin');
  expectError(await c.post(STAFF_LOGIN_VERIFY, { challenge: 'A'.repeat(43), code: '123456' }), 403, 'origin');
  expectError(await c.post(STAFF_LOGIN_RESEND, { challenge: 'A'.repeat(43) }), 403, 'origin');
  // Without Origin (a non-browser client) anonymous posts are fine.
  const app = new Client(srv.url, { origin: null });
  assert.equal((await app.post('/api/v1/auth/password-login', { username: w.phone, password: w.password })).status, 200);
});

test('GET requests need no CSRF token', async () => {
  const w = await register(srv);
  w.client.csrf = null;
  w.client.origin = null;
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
  assert.equal((await w.client.get('/api/v1/session')).status, 200);
});

test('bearer clients need no CSRF token and no Origin', async () => {
  const w = await register(srv);
  const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password, client: 'app' });
  const app = new Client(srv.url, { origin: null, bearer: r.body.token });
  assert.equal(app.csrf, null);
  const ch = await app.post(PW, change(w, 'Another1pass'));
  assert.equal(ch.status, 200, ch.text);
  assert.equal((await app.post('/api/v1/auth/logout')).status, 204);
});

test('a bearer token is not accepted as a cookie, a cookie token not as a bearer token', async () => {
  const w = await register(srv);
  const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password, client: 'app' });
  const bearerToken = r.body.token;
  const cookieToken = w.client.cookies.get('gh_session');
  const asCookie = new Client(srv.url);
  asCookie.cookies.set('gh_session', bearerToken);
  expectError(await asCookie.get('/api/v1/account'), 401, 'unauthenticated');
  assert.equal((await asCookie.get('/api/v1/session')).body.authenticated, false);
  const asBearer = new Client(srv.url, { origin: null, bearer: cookieToken });
  expectError(await asBearer.get('/api/v1/account'), 401, 'unauthenticated');
  // A cookie session cannot dodge CSRF by sending its token as a bearer token.
  expectError(await asBearer.post(PW, change(w, 'Another1pass')), 401, 'unauthenticated');
  await stillOldPassword(w);
  // Malformed Authorization headers are anonymous, not errors.
  for (const h of ['Bearer', 'Bearer ', 'bearer ' + bearerToken, 'Basic ' + bearerToken, 'Bearer ' + bearerToken + 'x', 'Bearer  ' + bearerToken]) {
    const c = new Client(srv.url, { origin: null });
    expectError(await c.get('/api/v1/account', { headers: { Authorization: h } }), 401, 'unauthenticated', undefined, h.slice(0, 12));
  }
});

test('a worker cookie with its CSRF token does not pass a staff route', async () => {
  // (The staff routes' own CSRF and Origin checks are in staff.test.mjs.)
  const w = await register(srv);
  expectError(await w.client.post('/api/v1/admin/auth/logout'), 401, 'unauthenticated');
});
