// Sessions: the cookie's attributes, GET /session, 30 minutes idle and 12 hours absolute,
// logout, a password change ending the other sessions, a new token at every login.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshHour, register, sendCode } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

async function passwordClient(w, extra = {}) {
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/auth/password-login', { username: w.phone, password: w.password, ...extra });
  assert.equal(r.status, 200, r.text);
  if (extra.client === 'app') return new Client(srv.url, { bearer: r.body.token });
  return c;
}

test('the session cookie is HttpOnly, SameSite=Lax, Path=/, 12 hours, not Secure over http', async () => {
  const w = await register(srv);
  const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  const [cookie] = r.headers.getSetCookie();
  const [pair, ...attrs] = cookie.split(';').map((s) => s.trim());
  assert.match(pair, /^gh_session=[A-Za-z0-9_-]{43}$/, 'a 256-bit random token');
  const lower = attrs.map((a) => a.toLowerCase());
  assert.ok(lower.includes('httponly'), cookie);
  assert.ok(lower.includes('samesite=lax'), cookie);
  assert.ok(lower.includes('path=/'), cookie);
  assert.ok(lower.includes('max-age=43200'), cookie);
  assert.ok(!lower.includes('secure'), cookie);
  assert.ok(!lower.some((a) => a.startsWith('domain=')), 'host-only cookie');
});

test('GET /session: anonymous, then logged in', async () => {
  const c = new Client(srv.url);
  let r = await c.get('/api/v1/session');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { authenticated: false, csrf_token: null, user: null });
  const w = await register(srv);
  r = await w.client.get('/api/v1/session');
  assert.equal(r.body.authenticated, true);
  assert.equal(r.body.csrf_token, w.csrf);
  assert.equal(r.body.user.id, w.user.id);
  // A garbage or unknown cookie is simply anonymous.
  for (const v of ['x', 'A'.repeat(43), 'A'.repeat(2000), '%00%00', '']) {
    const g = new Client(srv.url);
    g.cookies.set('gh_session', v);
    r = await g.get('/api/v1/session');
    assert.equal(r.status, 200);
    assert.equal(r.body.authenticated, false);
    expectError(await g.get('/api/v1/account'), 401, 'unauthenticated');
  }
});

test('30 minutes idle end the session', async () => {
  const w = await register(srv);
  await srv.advance(1790);
  assert.equal((await w.client.get('/api/v1/account')).status, 200, 'alive at 29m50s');
  await srv.advance(1801);
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated');
  const s = await w.client.get('/api/v1/session');
  assert.equal(s.body.authenticated, false);
  // And it stays dead even if used again right away.
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated');
});

test('an idle bearer session ends too', async () => {
  const w = await register(srv);
  const app = await passwordClient(w, { client: 'app' });
  assert.equal((await app.get('/api/v1/account')).status, 200);
  await srv.advance(1801);
  expectError(await app.get('/api/v1/account'), 401, 'unauthenticated');
});

test('activity keeps a session alive, but not beyond 12 hours', async () => {
  const w = await register(srv);
  // A request every 20 minutes: alive through 11h40m …
  for (let i = 1; i <= 35; i++) {
    await srv.advance(1200);
    const r = await w.client.get('/api/v1/account');
    assert.equal(r.status, 200, `after ${i * 20} minutes: ${r.text}`);
  }
  // … and dead at 12h20m although it was used 20 minutes ago.
  await srv.advance(2400);
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated', undefined, 'after 12h20m');
});

test('activity for two hours with requests every 20 minutes', async () => {
  const w = await register(srv);
  for (let i = 1; i <= 6; i++) {
    await srv.advance(1200);
    assert.equal((await w.client.get('/api/v1/session')).body.authenticated, true, `${i * 20} min`);
  }
  // GET /session counts as activity as well.
  await srv.advance(1500);
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
});

test('logout ends the session on the server and clears the cookie', async () => {
  const w = await register(srv);
  const token = w.client.cookies.get('gh_session');
  const r = await w.client.post('/api/v1/auth/logout');
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  const [cookie] = r.headers.getSetCookie();
  assert.match(cookie, /^gh_session=;/);
  assert.match(cookie, /Max-Age=0/i);
  assert.match(cookie, /HttpOnly/i);
  // The old token, replayed, is dead.
  const replay = new Client(srv.url);
  replay.cookies.set('gh_session', token);
  expectError(await replay.get('/api/v1/account'), 401, 'unauthenticated');
  assert.equal((await replay.get('/api/v1/session')).body.authenticated, false);
  // Logging out again without a session is 401.
  expectError(await replay.post('/api/v1/auth/logout'), 401, 'unauthenticated');
});

test('logout of a bearer session', async () => {
  const w = await register(srv);
  const app = await passwordClient(w, { client: 'app' });
  const r = await app.post('/api/v1/auth/logout');
  assert.equal(r.status, 204);
  assert.equal(r.headers.getSetCookie().length, 0);
  expectError(await app.get('/api/v1/account'), 401, 'unauthenticated');
  // Other sessions of the account live on.
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
});

test('a password change ends the account\'s other sessions and keeps the current one', async () => {
  const w = await register(srv);
  const other = await passwordClient(w);
  const app = await passwordClient(w, { client: 'app' });
  const bystander = await register(srv);
  const current = w.client;
  const r = await current.post('/api/v1/account/password', {
    old_password: w.password, new_password: 'NewPassw0rd9', new_password_confirm: 'NewPassw0rd9',
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { status: 'ok' });
  assert.equal((await current.get('/api/v1/account')).status, 200, 'the current session lives');
  expectError(await other.get('/api/v1/account'), 401, 'unauthenticated', undefined, 'the other cookie session');
  expectError(await app.get('/api/v1/account'), 401, 'unauthenticated', undefined, 'the bearer session');
  assert.equal((await bystander.client.get('/api/v1/account')).status, 200, 'another account is untouched');
  // The current session can still act (its CSRF token is unchanged).
  const again = await current.post('/api/v1/account/password', {
    old_password: 'NewPassw0rd9', new_password: 'NewPassw0rd10', new_password_confirm: 'NewPassw0rd10',
  });
  assert.equal(again.status, 200, again.text);
});

test('a new token and CSRF token at each login; a planted cookie is not adopted', async () => {
  const w = await register(srv);
  const c = new Client(srv.url);
  c.cookies.set('gh_session', 'P'.repeat(43));
  let r = await c.post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  assert.equal(r.status, 200);
  const first = c.cookies.get('gh_session');
  const firstCsrf = r.body.csrf_token;
  assert.notEqual(first, 'P'.repeat(43));
  // Logging in again from the same browser replaces the token.
  await srv.advance(60);
  const code = await sendCode(srv, c, w.phone);
  r = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code });
  assert.equal(r.status, 200);
  const second = c.cookies.get('gh_session');
  assert.notEqual(second, first);
  assert.notEqual(r.body.csrf_token, firstCsrf);
  assert.notEqual(second, w.client.cookies.get('gh_session'));
  assert.equal((await c.get('/api/v1/account')).status, 200);
});

test('the CSRF token of GET /session is the session\'s, stable across reads', async () => {
  const w = await register(srv);
  const a = await w.client.get('/api/v1/session');
  const b = await w.client.get('/api/v1/session');
  assert.equal(a.body.csrf_token, b.body.csrf_token);
  const other = await passwordClient(w);
  const c = await other.get('/api/v1/session');
  assert.notEqual(c.body.csrf_token, a.body.csrf_token, 'each session its own token');
});
