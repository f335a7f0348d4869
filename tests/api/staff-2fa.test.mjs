// The staff login's second factor (docs/api.md "Staff"): a right password answers a challenge and
// sends an SMS code to the staff phone; POST …/login/verify with both makes the session,
// POST …/login/resend sends another code. The challenge: stored hashed, bound to its staff
// member, one use, expires with the code, ends after 5 wrong codes; nothing opens the back
// office before the second step.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, startServer } from '../lib/server.mjs';
import {
  Client, STAFF_LOGIN, STAFF_LOGIN_RESEND, STAFF_LOGIN_VERIFY, staffClient, staffLoginCode, staffPasswordStep,
} from '../lib/client.mjs';
import { addStaff, dbDump, dbQuery, expectError, freshHour, freshPhone, maskPhone } from './helpers.mjs';

let srv, platform, platformStaff;
const PASSWORD = 'Passw0rdXyz1';
const A = '/api/v1/admin';

before(async () => {
  // Each test speaks from its own client address (through the trusted proxy), so that the
  // per-address failure counts of one test do not reach the next.
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  platformStaff = newStaff({ role: 'platform_admin', org: '350200' });
});
after(async () => { await srv.stop(); });
beforeEach(async () => {
  await freshHour(srv);
  // A platform admin to disable and reset staff (the hour ended its earlier session).
  const { client, response } = await staffClient(srv, platformStaff);
  assert.equal(response.status, 200, response.text);
  platform = client;
});

let addrN = 0;
// A client from an address of its own.
function fromNewAddress() {
  const c = new Client(srv.url);
  addrN++;
  c.headers['X-Forwarded-For'] = `10.88.${addrN >> 8}.${addrN & 255}`;
  return c;
}

function newStaff(opts = {}) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { phone, password: PASSWORD, name: '李后台', ...opts });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const id = Number(dbQuery(srv, `SELECT id FROM staff WHERE phone = '${phone}'`)[0][0]);
  return { phone, password: PASSWORD, id, creds: { phone, password: PASSWORD } };
}

// Step 1 from its own address; returns { client, challenge, code, body }.
async function passwordStep(s, client = fromNewAddress()) {
  const { response: r, sent } = await staffPasswordStep(srv, s, { client });
  assert.equal(r.status, 200, 'password step: ' + r.text);
  const code = await staffLoginCode(srv, s.phone, sent);
  return { client, challenge: r.body.challenge, code, body: r.body, response: r };
}

// The code in the next SMS to phone after `before` messages whose text matches re.
async function nextCode(phone, before, re) {
  for (const until = Date.now() + 10000; Date.now() < until; await sleep(25)) {
    const m = srv.sms().filter((x) => x.to === phone).slice(before).map((x) => x.text.match(re)).find(Boolean);
    if (m) return m[1];
  }
  throw new Error('no SMS to ' + phone);
}

const verify = (c, body) => c.post(STAFF_LOGIN_VERIFY, body);
const wrongCode = (code, i = 1) => String((Number(code) + i) % 1e6).padStart(6, '0');
const audits = (id, action) => dbQuery(srv, `SELECT action, detail FROM audit_log WHERE actor_kind = 'staff' AND actor_id = ${id} AND action = '${action}'`);
const failures = (addr) => Number(dbQuery(srv, `SELECT COUNT(*) FROM login_failure WHERE client = '${addr}'`)[0][0]);

// The endpoints a half-logged-in client tries.
async function assertNoSession(c, challenge, label) {
  const tries = [
    (x) => x.get(`${A}/session`),
    (x) => x.get(`${A}/applications`),
    (x) => x.get(`${A}/orgs`),
    (x) => x.post(`${A}/auth/logout`),
    (x) => x.post(`${A}/account/password`, { old_password: PASSWORD, new_password: 'Another1pass', new_password_confirm: 'Another1pass' }),
  ];
  const asBearer = new Client(srv.url, { bearer: challenge });
  const asCookie = new Client(srv.url);
  asCookie.cookies.set('gh_staff', challenge);
  for (const [name, x] of [['the client', c], ['the challenge as a bearer token', asBearer], ['the challenge as the cookie', asCookie]]) {
    for (const call of tries) {
      const r = await call(x);
      if (r.status === 200) assert.deepEqual(r.body, { authenticated: false, csrf_token: null, staff: null }, `${label}: ${name}`);
      else expectError(r, 401, 'unauthenticated', undefined, `${label}: ${name}`);
    }
  }
}

test('happy path, browser: the password answers a challenge and an SMS; the code makes the cookie session', async () => {
  const s = newStaff();
  const { client: c, challenge, code, body, response } = await passwordStep(s);
  assert.deepEqual(Object.keys(body).sort(), ['challenge', 'phone_masked', 'resend_after', 'second_factor']);
  assert.equal(body.second_factor, 'sms');
  assert.equal(body.phone_masked, maskPhone(s.phone));
  assert.equal(body.resend_after, 60);
  assert.match(challenge, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
  assert.equal(response.headers.getSetCookie().length, 0, 'no cookie before the second step');
  assert.ok(!response.text.includes(s.phone) && !response.text.includes(code), 'neither the phone nor the code');
  const sms = srv.sms().filter((m) => m.to === s.phone).at(-1);
  assert.match(sms.text, /^【[^】]+】您的后台登录验证码为\d{6}，5分钟内有效。/);
  await assertNoSession(c, challenge, 'before the code');

  const r = await verify(c, { challenge, code });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['csrf_token', 'staff', 'status']);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.staff.id, s.id);
  assert.equal(r.body.staff.phone, maskPhone(s.phone));
  const [cookie] = r.headers.getSetCookie();
  assert.match(cookie, /^gh_staff=[A-Za-z0-9_-]{43};.*HttpOnly/i);
  assert.ok(!cookie.includes(challenge), 'the session token is not the challenge');
  const sess = await c.get(`${A}/session`);
  assert.equal(sess.body.authenticated, true);
  assert.equal(sess.body.csrf_token, r.body.csrf_token);
  assert.equal((await c.get(`${A}/applications`)).status, 200);

  // Audit: the password step, the login; the challenge is stored only as a keyed hash.
  assert.equal(audits(s.id, 'login.password_ok').length, 1);
  assert.equal(audits(s.id, 'login.2fa').length, 1);
  const dump = dbDump(srv);
  assert.ok(!dump.includes(challenge), 'the challenge is not stored as such');
  assert.ok(!dump.includes(code), 'nor the code');
  assert.deepEqual(dbQuery(srv, `SELECT used, tries FROM staff_challenge WHERE staff_id = ${s.id}`), [['1', '0']]);
  assert.ok(!srv.log().includes(challenge) && !srv.log().includes(code), 'neither in the log');
});

test('happy path, app: "client":"app" at the second step gives a bearer token and no cookie', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const r = await verify(c, { challenge, code, client: 'app' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(r.body.token, challenge);
  assert.equal(r.headers.getSetCookie().length, 0);
  const app = new Client(srv.url, { origin: null, bearer: r.body.token });
  assert.equal((await app.get(`${A}/session`)).body.staff.id, s.id);
  assert.equal((await app.get(`${A}/applications`)).status, 200);
  // staffClient does the same in one call.
  const { response } = await staffClient(srv, s, { client: 'app' });
  assert.equal(response.status, 200, response.text);
  assert.ok(response.body.token);
});

test('five wrong codes end the challenge; each counts as a failed login of the address, not for the lockout', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const addr = c.headers['X-Forwarded-For'];
  for (let i = 1; i <= 4; i++) expectError(await verify(c, { challenge, code: wrongCode(code, i) }), 400, 'code_invalid', 'code', `wrong code ${i}`);
  const fifth = await verify(c, { challenge, code: wrongCode(code, 5) });
  expectError(fifth, 400, 'challenge_expired', 'challenge', 'the fifth wrong code');
  assert.match(fifth.body.error.message, /次数过多/);
  expectError(await verify(c, { challenge, code }), 400, 'challenge_expired', 'challenge', 'the right code after five wrong ones');
  expectError(await c.post(STAFF_LOGIN_RESEND, { challenge }), 400, 'challenge_expired', 'challenge', 'resend of an ended challenge');
  assert.equal((await c.get(`${A}/session`)).body.authenticated, false);
  assert.equal(failures(addr), 5, 'five failed logins of the address');
  const failed = audits(s.id, 'login.2fa_failed');
  assert.equal(failed.length, 5);
  assert.equal(failed.filter(([, d]) => d === 'challenge ended').length, 1);
  // Not the password lockout: the account logs in again at once (after the resend interval).
  const { response } = await staffClient(srv, s);
  assert.equal(response.status, 200, response.text);
});

test('wrong codes fill the address\'s hourly failures: then the address is refused at both steps', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const addr = c.headers['X-Forwarded-For'];
  // 96 wrong passwords (for a phone nobody has: no account locks) …
  const nobody = freshPhone('15');
  for (let i = 0; i < 96; i++) expectError((await staffPasswordStep(srv, { phone: nobody, password: 'Wrong' + i + 'pass' }, { client: c })).response, 401, 'invalid_credentials');
  // … and four wrong codes make 100.
  for (let i = 1; i <= 4; i++) expectError(await verify(c, { challenge, code: wrongCode(code, i) }), 400, 'code_invalid', 'code');
  assert.equal(failures(addr), 100);
  const r = await verify(c, { challenge, code });
  expectError(r, 429, 'rate_limited', undefined, 'the right code from a blocked address');
  assert.ok(r.body.error.retry_after > 0);
  expectError((await staffPasswordStep(srv, s, { client: c })).response, 429, 'rate_limited', undefined, 'the password step too');
  // Another address is not affected, and the challenge still works from there.
  const other = fromNewAddress();
  const ok = await verify(other, { challenge, code });
  assert.equal(ok.status, 200, ok.text);
});

test('the challenge expires with its code (5 minutes)', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  await srv.advance(299);
  const early = await passwordStep(newStaff()); // a second one, to use just in time
  await srv.advance(2);
  expectError(await verify(c, { challenge, code }), 400, 'challenge_expired', 'challenge', 'after 5 minutes');
  expectError(await c.post(STAFF_LOGIN_RESEND, { challenge }), 400, 'challenge_expired', 'challenge', 'resend after 5 minutes');
  assert.equal((await verify(early.client, { challenge: early.challenge, code: early.code })).status, 200, 'a 2-second-old one works');
});

test('one use: the same challenge and code twice, concurrently or one after the other, make one session', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const racers = [c, fromNewAddress(), fromNewAddress(), fromNewAddress()];
  const answers = await Promise.all(racers.map((x) => verify(x, { challenge, code })));
  const won = answers.filter((r) => r.status === 200);
  assert.equal(won.length, 1, answers.map((r) => r.status).join());
  for (const r of answers.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 400, r.text);
    assert.ok(['challenge_expired', 'code_invalid'].includes(r.body.error.code), r.text);
  }
  expectError(await verify(fromNewAddress(), { challenge, code }), 400, 'challenge_expired', 'challenge', 'replayed');
  assert.equal(Number(dbQuery(srv, `SELECT COUNT(*) FROM session WHERE subject_kind = 2 AND subject_id = ${s.id}`)[0][0]), 1);
  // A new challenge does not take the used code.
  const next = await passwordStep(s);
  expectError(await verify(next.client, { challenge: next.challenge, code }), 400, 'code_invalid', 'code', 'the old code with a new challenge');
  assert.equal((await verify(next.client, { challenge: next.challenge, code: next.code })).status, 200);
});

test('a challenge is bound to its staff member: another one\'s code does not open it', async () => {
  const a = newStaff({ name: '甲后台' });
  const b = newStaff({ name: '乙后台' });
  const pa = await passwordStep(a);
  const pb = await passwordStep(b);
  expectError(await verify(pa.client, { challenge: pa.challenge, code: pb.code }), 400, 'code_invalid', 'code', "A's challenge, B's code");
  expectError(await verify(pb.client, { challenge: pb.challenge, code: pa.code }), 400, 'code_invalid', 'code', "B's challenge, A's code");
  const ra = await verify(pa.client, { challenge: pa.challenge, code: pa.code });
  assert.equal(ra.body.staff.id, a.id, ra.text);
  const rb = await verify(pb.client, { challenge: pb.challenge, code: pb.code });
  assert.equal(rb.body.staff.id, b.id, rb.text);
});

test('resend: 60 seconds apart; the new code replaces the old and the challenge lives 5 minutes from it', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const r1 = await c.post(STAFF_LOGIN_RESEND, { challenge });
  expectError(r1, 429, 'rate_limited', undefined, 'at once');
  assert.ok(r1.body.error.retry_after >= 1 && r1.body.error.retry_after <= 60, r1.text);
  assert.match(r1.body.error.message, /\d+秒后/);
  await srv.advance(30);
  expectError(await c.post(STAFF_LOGIN_RESEND, { challenge }), 429, 'rate_limited', undefined, 'after 30 s');
  // The password step again is bound by the same interval.
  expectError((await staffPasswordStep({ ...srv, advance: null }, s, { client: fromNewAddress() })).response, 429, 'rate_limited', undefined, 'password step within the minute');
  await srv.advance(30);
  const before = srv.sms().filter((m) => m.to === s.phone).length;
  const r2 = await c.post(STAFF_LOGIN_RESEND, { challenge });
  assert.equal(r2.status, 202, r2.text);
  assert.deepEqual(r2.body, { sent: true, resend_after: 60 });
  const code2 = await staffLoginCode(srv, s.phone, before);
  // Five minutes after the first code, the challenge lives on with the second.
  await srv.advance(250);
  expectError(await verify(c, { challenge, code }), 400, 'code_invalid', 'code', 'the replaced code');
  const ok = await verify(c, { challenge, code: code2 });
  assert.equal(ok.status, 200, ok.text);
  // Five sends an hour per phone: the sixth waits.
  const many = newStaff();
  const p = await passwordStep(many);
  for (let i = 0; i < 4; i++) {
    await srv.advance(61);
    assert.equal((await p.client.post(STAFF_LOGIN_RESEND, { challenge: p.challenge })).status, 202, `resend ${i + 1}`);
  }
  await srv.advance(61);
  const sixth = await p.client.post(STAFF_LOGIN_RESEND, { challenge: p.challenge });
  expectError(sixth, 429, 'rate_limited', undefined, 'the sixth code within the hour');
  assert.ok(sixth.body.error.retry_after > 60, sixth.text);
});

test('a code of another purpose does not pass the second factor', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  await srv.advance(61);
  // The worker SMS login code to the same phone (purpose login).
  const before = srv.sms().filter((m) => m.to === s.phone).length;
  assert.equal((await fromNewAddress().post('/api/v1/auth/sms-code', { phone: s.phone })).status, 202);
  const workerCode = await nextCode(s.phone, before, /您的登录验证码为(\d{6})/);
  assert.notEqual(workerCode, code);
  expectError(await verify(c, { challenge, code: workerCode }), 400, 'code_invalid', 'code', 'a worker login code');
  // The staff code still works (another purpose did not replace it), and the worker code was
  // not used up by the attempt.
  assert.equal((await verify(c, { challenge, code })).status, 200);
  const w = await new Client(srv.url).post('/api/v1/auth/sms-login', { phone: s.phone, code: workerCode });
  assert.equal(w.body?.status, 'profile_required', w.text);
  // And a staff login code does not log a worker in.
  const p2 = await passwordStep(s);
  expectError(await new Client(srv.url).post('/api/v1/auth/sms-login', { phone: s.phone, code: p2.code }), 400, 'code_invalid', 'code', 'a staff code at the worker login');
});

test('disabled between the steps: the challenge ends; the password step answers as for any disabled account', async () => {
  const s = newStaff({ org: '350203007' });
  let p = await passwordStep(s);
  const r = await platform.post(`${A}/staff/${s.id}`, { disabled: true });
  assert.equal(r.status, 200, r.text);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 400, 'challenge_expired', 'challenge', 'disabled by an admin');
  expectError((await staffPasswordStep(srv, s, { client: fromNewAddress() })).response, 401, 'invalid_credentials', undefined, 'the password step of a disabled account');
  assert.equal((await platform.post(`${A}/staff/${s.id}`, { disabled: false })).status, 200);
  // Disabled by other means (the row itself) while a challenge is live: 401 as for the password.
  p = await passwordStep(s);
  dbQuery(srv, `UPDATE staff SET disabled = 1 WHERE id = ${s.id}`);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 401, 'invalid_credentials', undefined, 'disabled row');
  expectError(await p.client.post(STAFF_LOGIN_RESEND, { challenge: p.challenge }), 400, 'challenge_expired', 'challenge', 'and the challenge is gone');
  dbQuery(srv, `UPDATE staff SET disabled = 0 WHERE id = ${s.id}`);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 400, 'challenge_expired', 'challenge', 'enabled again: still gone');
});

test('a password reset or change between the steps ends the challenge; a lockout answers 423', async () => {
  const s = newStaff({ org: '350203007' });
  let p = await passwordStep(s);
  assert.equal((await platform.post(`${A}/staff/${s.id}/reset-password`, {})).status, 200);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 400, 'challenge_expired', 'challenge', 'after a reset');

  const t = newStaff();
  const { client: session } = await staffClient(srv, t);
  p = await passwordStep(t);
  const ch = await session.post(`${A}/account/password`, { old_password: PASSWORD, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  assert.equal(ch.status, 200, ch.text);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 400, 'challenge_expired', 'challenge', 'after a password change');

  const u = newStaff();
  p = await passwordStep(u);
  for (let i = 1; i <= 5; i++) await staffPasswordStep(srv, { phone: u.phone, password: 'Wrong' + i + 'pass' }, { client: fromNewAddress() });
  const locked = await verify(p.client, { challenge: p.challenge, code: p.code });
  expectError(locked, 423, 'account_locked', undefined, 'locked between the steps');
  assert.ok(locked.body.error.retry_after > 800);
  await srv.advance(15 * 60 + 1);
  expectError(await verify(p.client, { challenge: p.challenge, code: p.code }), 400, 'challenge_expired', 'challenge', 'by then the challenge has expired');
});

test('hostile input at verify and resend: 400 naming the field, nothing echoed, nothing changed', async () => {
  const s = newStaff();
  const { client: c, challenge, code } = await passwordStep(s);
  const bad = [
    ['challenge', ''], ['challenge', null], ['challenge', 'short'], ['challenge', 'A'.repeat(129)], ['challenge', challenge + '='],
    ['challenge', challenge.slice(0, 42) + '/'], ['challenge', "A'; DROP TABLE staff_challenge;--"], ['challenge', 123], ['challenge', [challenge]],
    ['challenge', { $ne: null }], ['code', ''], ['code', '12345'], ['code', '1234567'], ['code', 'abcdef'], ['code', ' 12345'],
    ['code', 123456], ['code', '１２３４５６'], ['code', "1' OR 1=1"], ['client', 5], ['client', 'x'.repeat(600)],
  ];
  for (const [field, v] of bad) {
    const body = { challenge, code, [field]: v };
    if (v === null) delete body[field];
    const r = await verify(c, body);
    expectError(r, 400, undefined, field, `${field}=${JSON.stringify(v)}`);
    assert.ok(['invalid_field', 'required'].includes(r.body.error.code), r.text);
    if (typeof v === 'string' && v.length > 3) assert.ok(!r.text.includes(v), 'not echoed');
  }
  for (const v of ['short', 123, "A'--", 'A'.repeat(200)]) expectError(await c.post(STAFF_LOGIN_RESEND, { challenge: v }), 400, 'invalid_field', 'challenge');
  expectError(await c.post(STAFF_LOGIN_RESEND, {}), 400, 'required', 'challenge');
  // A well-formed challenge nobody issued; the code of this one with it.
  expectError(await verify(c, { challenge: 'B'.repeat(43), code }), 400, 'challenge_expired', 'challenge');
  expectError(await c.post(STAFF_LOGIN_RESEND, { challenge: 'B'.repeat(43) }), 400, 'challenge_expired', 'challenge');
  // None of it cost a try or a failure: the right code works.
  assert.equal(failures(c.headers['X-Forwarded-For']), 0);
  const ok = await verify(c, { challenge, code });
  assert.equal(ok.status, 200, ok.text);
  // The first step's input is checked as before.
  expectError((await staffPasswordStep(srv, { phone: s.phone, password: '' })).response, 400, 'required', 'password');
  expectError((await staffPasswordStep(srv, { phone: '12', password: PASSWORD })).response, 400, 'invalid_field', 'phone');
});

test('the wrong password and an unknown phone answer alike and send nothing', async () => {
  const s = newStaff();
  const before = srv.sms().length;
  const wrong = (await staffPasswordStep(srv, { ...s, password: 'Wrong1pass' }, { client: fromNewAddress() })).response;
  const unknown = (await staffPasswordStep(srv, { phone: freshPhone('15'), password: PASSWORD }, { client: fromNewAddress() })).response;
  expectError(wrong, 401, 'invalid_credentials');
  assert.equal(unknown.text, wrong.text);
  assert.equal(srv.sms().length, before, 'no SMS');
  assert.equal(audits(s.id, 'login.password_ok').length, 0);
  assert.equal(Number(dbQuery(srv, `SELECT COUNT(*) FROM staff_challenge WHERE staff_id = ${s.id}`)[0][0]), 0);
  // An empty body.
  expectError(await new Client(srv.url).post(STAFF_LOGIN, {}), 400, 'required', 'phone');
});
