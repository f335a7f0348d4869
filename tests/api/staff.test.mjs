// Staff (工作人员) accounts: added with `gonghui user add`, logging in at /api/v1/admin/auth/login
// (password, then the SMS code: staffClient; the second factor itself is staff-2fa.test.mjs),
// sessions separate from workers', the same lockout and password change.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, expectError, freshHour, freshPhone, maskPhone, register } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const PASSWORD = 'Passw0rdXyz1';

function newStaff(opts = {}) {
  const phone = opts.phone || freshPhone('15');
  const r = addStaff(srv, { phone, password: PASSWORD, ...opts });
  assert.equal(r.status, 0, 'user add: ' + (r.error || '') + r.stderr + r.stdout);
  return { phone, password: opts.password || PASSWORD };
}
async function staffLogin(s, extra = {}) {
  const { client: c, response: r } = await staffClient(srv, s, extra);
  return { c, r };
}

test('a staff account added with the CLI logs in: staff object, csrf_token, gh_staff cookie', async () => {
  const s = newStaff({ name: '王审核' });
  const { c, r } = await staffLogin(s);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ok');
  assert.equal(typeof r.body.csrf_token, 'string');
  const st = r.body.staff;
  for (const k of ['id', 'name', 'org', 'phone', 'role']) assert.ok(k in st, k);
  assert.ok(!JSON.stringify(r.body).includes(s.phone), 'the phone is masked everywhere');
  assert.equal(st.name, '王审核');
  assert.equal(st.phone, maskPhone(s.phone));
  assert.equal(st.role, 'reviewer');
  assert.equal(st.org.code, '350203');
  assert.equal(typeof st.org.id, 'number');
  assert.match(st.org.name, /思明/);
  const [cookie] = r.headers.getSetCookie();
  assert.match(cookie, /^gh_staff=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Lax/i);
  const sess = await c.get('/api/v1/admin/session');
  assert.equal(sess.status, 200);
  assert.equal(sess.body.authenticated, true);
  assert.equal(sess.body.csrf_token, r.body.csrf_token);
  assert.deepEqual(sess.body.staff, st);
});

test('roles and organisations from the CLI', async () => {
  const admin = newStaff({ role: 'org_admin', org: '350203' });
  const platform = newStaff({ role: 'platform_admin', org: '350200' });
  assert.equal((await staffLogin(admin)).r.body.staff.role, 'org_admin');
  const p = (await staffLogin(platform)).r.body.staff;
  assert.equal(p.role, 'platform_admin');
  assert.equal(p.org.code, '350200');
});

test('the CLI refuses bad input', async () => {
  const phone = freshPhone('15');
  assert.notEqual(addStaff(srv, { phone, role: 'king' }).status, 0, 'unknown role');
  assert.notEqual(addStaff(srv, { phone: '12345' }).status, 0, 'bad phone');
  assert.notEqual(addStaff(srv, { phone, org: '999999' }).status, 0, 'unknown org');
  assert.notEqual(addStaff(srv, { phone, password: 'password123' }).status, 0, 'common password');
  assert.notEqual(addStaff(srv, { phone, password: 'short1' }).status, 0, 'short password');
  const ok = addStaff(srv, { phone, password: PASSWORD });
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(!ok.stdout.includes(PASSWORD) && !ok.stderr.includes(PASSWORD), 'the password is not echoed');
  assert.notEqual(addStaff(srv, { phone, password: PASSWORD }).status, 0, 'duplicate phone');
});

test('wrong password and unknown phone: the same 401', async () => {
  const s = newStaff();
  const wrong = await staffLogin({ ...s, password: 'Wrong1pass' });
  expectError(wrong.r, 401, 'invalid_credentials');
  const unknown = await staffLogin({ phone: freshPhone('15'), password: PASSWORD });
  expectError(unknown.r, 401, 'invalid_credentials');
  assert.equal(unknown.r.text, wrong.r.text);
  expectError((await staffLogin({ phone: 'abc', password: PASSWORD })).r, 400, 'invalid_field', 'phone');
  expectError((await staffLogin({ phone: s.phone, password: '' })).r, 400, 'required', 'password');
});

test('an app client gets a bearer token for the back office', async () => {
  const s = newStaff();
  const { r } = await staffLogin(s, { client: 'app' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.getSetCookie().length, 0);
  const app = new Client(srv.url, { origin: null, bearer: r.body.token });
  assert.equal((await app.get('/api/v1/admin/session')).body.authenticated, true);
  expectError(await app.get('/api/v1/account'), 401, 'unauthenticated', undefined, 'a staff bearer token is no worker token');
});

test('staff and worker sessions are separate', async () => {
  const s = newStaff();
  const { c: staff } = await staffLogin(s);
  const w = await register(srv);
  // A worker cookie does not open the back office …
  let r = await w.client.get('/api/v1/admin/session');
  assert.deepEqual(r.body, { authenticated: false, csrf_token: null, staff: null });
  expectError(await w.client.post('/api/v1/admin/account/password', { old_password: w.password, new_password: 'Another1x', new_password_confirm: 'Another1x' }), 401, 'unauthenticated');
  // … not even under the staff cookie's name, and vice versa.
  const forged = new Client(srv.url);
  forged.cookies.set('gh_staff', w.client.cookies.get('gh_session'));
  assert.equal((await forged.get('/api/v1/admin/session')).body.authenticated, false);
  const forged2 = new Client(srv.url);
  forged2.cookies.set('gh_session', staff.cookies.get('gh_staff'));
  expectError(await forged2.get('/api/v1/account'), 401, 'unauthenticated');
  assert.equal((await forged2.get('/api/v1/session')).body.authenticated, false);
  // A staff cookie does not open the worker's account.
  expectError(await staff.get('/api/v1/account'), 401, 'unauthenticated');
  assert.equal((await staff.get('/api/v1/session')).body.authenticated, false);
  expectError(await staff.post('/api/v1/auth/logout'), 401, 'unauthenticated');
  // Both at once in one browser: each side sees its own.
  const both = new Client(srv.url);
  both.cookies.set('gh_session', w.client.cookies.get('gh_session'));
  both.cookies.set('gh_staff', staff.cookies.get('gh_staff'));
  assert.equal((await both.get('/api/v1/session')).body.user.id, w.user.id);
  assert.equal((await both.get('/api/v1/admin/session')).body.staff.phone, maskPhone(s.phone));
});

test('a worker with the same phone as a staff member has a separate account', async () => {
  const w = await register(srv);
  const s = newStaff({ phone: w.phone });
  expectError((await staffLogin({ phone: w.phone, password: w.password })).r, 401, 'invalid_credentials');
  expectError(await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: s.password }), 401, 'invalid_credentials');
  assert.equal((await staffLogin(s)).r.status, 200);
});

test('staff lockout: 5 failures → 423 even with the right password; 15 minutes later it works', async () => {
  const s = newStaff();
  for (let i = 1; i <= 4; i++) expectError((await staffLogin({ ...s, password: 'Wrong' + i + 'pass' })).r, 401, 'invalid_credentials');
  let { r } = await staffLogin({ ...s, password: 'Wrong5pass' });
  expectError(r, 423, 'account_locked');
  assert.equal(r.body.error.retry_after, 900);
  ({ r } = await staffLogin(s));
  expectError(r, 423, 'account_locked');
  await srv.advance(15 * 60 + 1);
  ({ r } = await staffLogin(s));
  assert.equal(r.status, 200, r.text);
});

test('staff logout needs CSRF and ends the session', async () => {
  const s = newStaff();
  const { c } = await staffLogin(s);
  const token = c.csrf;
  c.csrf = null;
  expectError(await c.post('/api/v1/admin/auth/logout'), 403, 'csrf');
  c.origin = null;
  expectError(await c.post('/api/v1/admin/auth/logout', {}, { headers: { 'X-CSRF-Token': token } }), 403, 'origin');
  c.origin = srv.url;
  c.csrf = token;
  const old = c.cookies.get('gh_staff');
  const r = await c.post('/api/v1/admin/auth/logout');
  assert.equal(r.status, 204);
  assert.match(r.headers.getSetCookie()[0], /^gh_staff=;.*Max-Age=0/i);
  const replay = new Client(srv.url);
  replay.cookies.set('gh_staff', old);
  assert.equal((await replay.get('/api/v1/admin/session')).body.authenticated, false);
});

test('staff password change: wrong old, policy, success ends other staff sessions', async () => {
  const s = newStaff();
  const { c } = await staffLogin(s);
  const { c: other } = await staffLogin(s);
  const PW = '/api/v1/admin/account/password';
  expectError(await c.post(PW, { old_password: 'Wrong1pass', new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' }), 400, 'invalid_credentials', 'old_password');
  expectError(await c.post(PW, { old_password: s.password, new_password: 'password123', new_password_confirm: 'password123' }), 400, 'invalid_field', 'new_password');
  expectError(await c.post(PW, { old_password: s.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh3pass' }), 400, 'password_mismatch', 'new_password_confirm');
  const r = await c.post(PW, { old_password: s.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await c.get('/api/v1/admin/session')).body.authenticated, true);
  assert.equal((await other.get('/api/v1/admin/session')).body.authenticated, false);
  expectError((await staffLogin(s)).r, 401, 'invalid_credentials');
  assert.equal((await staffLogin({ ...s, password: 'Fresh2pass' })).r.status, 200);
});

test('staff sessions expire after 30 minutes idle', async () => {
  const s = newStaff();
  const { c } = await staffLogin(s);
  await srv.advance(1801);
  assert.equal((await c.get('/api/v1/admin/session')).body.authenticated, false);
});

test('a staff phone with a worker SMS code does not log into the back office', async () => {
  // Staff have no SMS login; the worker endpoints know nothing of staff accounts.
  const s = newStaff();
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/auth/sms-code', { phone: s.phone });
  assert.equal(r.status, 202);
  const code = await srv.waitForSms(s.phone);
  const l = await c.post('/api/v1/auth/sms-login', { phone: s.phone, code });
  assert.equal(l.body.status, 'profile_required');
  assert.equal((await c.get('/api/v1/admin/session')).body.authenticated, false);
});
