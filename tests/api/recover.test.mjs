// 忘记密码 (SPEC §3 "Forgot password", docs/api.md 忘记密码 and E-mail binding): the image
// captcha, 【下一步】 that answers alike for every username, the phone way (a reset code to the
// bound phone), the e-mail way (a one-use link with the token in the URL fragment) and the
// binding of an e-mail address in the personal centre.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import {
  expectError, freshHour, freshId, freshPassword, freshPhone, raw, register,
  sendCode, sleep,
} from './helpers.mjs';

let srv;
// Every secret handed out during the run (tokens, codes, passwords): none may reach the log.
const secrets = new Set();
// Every response of a recovery endpoint: none may show a masked phone or e-mail.
const recoveryResponses = [];

before(async () => { srv = await startServer(); });
after(async () => {
  const log = srv.log();
  for (const s of secrets) assert.ok(!log.includes(s), `a secret reached the server log: ${s.slice(0, 6)}…`);
  assert.doesNotMatch(log, /#token=|token=[A-Za-z0-9_-]{16}/, 'no link token in the log');
  await srv.stop();
});
beforeEach(async () => { await freshHour(srv); });

const anon = () => new Client(srv.url);

// --- captcha -------------------------------------------------------------------------------------
function captchaAnswer(id) {
  const lines = readFileSync(join(srv.dataDir, 'captcha.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = JSON.parse(lines[i]);
    if (m.id === id) return m.answer;
  }
  throw new Error('no captcha answer for ' + id);
}

async function newCaptcha(client = anon()) {
  const r = await client.post('/api/v1/captcha', {});
  assert.equal(r.status, 201, 'captcha: ' + r.text);
  return { captcha_id: r.body.captcha_id, captcha: captchaAnswer(r.body.captcha_id), image: r.body.image, body: r.body };
}
const solved = async (client) => { const c = await newCaptcha(client); return { captcha_id: c.captcha_id, captcha: c.captcha }; };

// --- recovery steps ------------------------------------------------------------------------------
async function recPost(client, path, body) {
  const r = await client.post(path, body);
  recoveryResponses.push({ path, r });
  return r;
}

async function start(username, client = anon()) {
  const r = await recPost(client, '/api/v1/recover/start', { username, ...(await solved(client)) });
  assert.equal(r.status, 200, `recover/start ${username}: ${r.text}`);
  secrets.add(r.body.recovery_token);
  return r.body.recovery_token;
}

async function phoneCode(token, client = anon()) {
  return recPost(client, '/api/v1/recover/phone/sms-code', { recovery_token: token, ...(await solved(client)) });
}

function phoneReset(token, code, pw, confirm = pw, client = anon()) {
  return recPost(client, '/api/v1/recover/phone/reset', { recovery_token: token, code, new_password: pw, new_password_confirm: confirm });
}

const emailLink = (token, client = anon()) => recPost(client, '/api/v1/recover/email', { recovery_token: token });

function emailReset(token, pw, confirm = pw) {
  return recPost(anon(), '/api/v1/recover/email/reset', { token, new_password: pw, new_password_confirm: confirm });
}

async function login(username, password) {
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/auth/password-login', { username, password });
  return { c, r };
}

async function worker(opts) {
  const w = await register(srv, opts);
  secrets.add(w.password);
  // The registration code went to this phone: the next code may go 60 s later.
  await srv.advance(61);
  return w;
}

// --- mail (the development provider: $DATA_DIR/mail/<outbox id>.eml) ---------------------------
function mailsTo(address) {
  const dir = join(srv.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ id: Number(f.slice(0, -4)), raw: readFileSync(join(dir, f), 'utf8') }))
    .filter((m) => new RegExp(`^To: ${address.replace(/[.+]/g, '\\$&')}\\r?$`, 'm').test(m.raw))
    .sort((a, b) => a.id - b.id);
}

async function waitForMail(address, count, timeoutMs = 8000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = mailsTo(address);
    if (m.length >= count) return m[count - 1];
    if (Date.now() > until) throw new Error(`mail #${count} to ${address} did not come (have ${m.length})`);
    await sleep(25);
  }
}

function decodeSubject(rawMail) {
  const m = rawMail.match(/^Subject: =\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=\r?$/m);
  assert.ok(m, 'an RFC 2047 UTF-8 subject');
  return Buffer.from(m[1], 'base64').toString('utf8');
}

// The link in a mail; checks that the token only ever travels in the URL fragment.
function linkIn(mail, page) {
  const links = mail.raw.match(/https?:\/\/\S+/g) || [];
  assert.equal(links.length, 1, 'one link in the mail: ' + mail.raw);
  const m = links[0].match(/^(.*)#token=([A-Za-z0-9_-]+)$/);
  assert.ok(m, 'the token is in the fragment: ' + links[0]);
  assert.equal(m[1], `${srv.url}/${page}`, 'the link is built from the base URL');
  const token = m[2];
  assert.ok(token.length >= 43, '256-bit token');
  assert.equal(mail.raw.split(token).length, 2, 'the token appears once, after #token=');
  assert.doesNotMatch(mail.raw, /[?&]token=/, 'never in a query string');
  secrets.add(token);
  return token;
}

async function bindEmail(w, email) {
  const before = mailsTo(email).length;
  const r = await w.client.post('/api/v1/account/email', { email, password: w.password });
  assert.equal(r.status, 202, 'account/email: ' + r.text);
  const mail = await waitForMail(email, before + 1);
  return linkIn(mail, 'pc/verify-email');
}

async function bindAndVerify(w, email) {
  const t = await bindEmail(w, email);
  const r = await anon().post('/api/v1/account/email/verify', { token: t });
  assert.equal(r.status, 200, 'verify: ' + r.text);
  return t;
}

let emailCounter = 0;
const freshEmail = () => `w${Date.now().toString(36)}${++emailCounter}@example.com`;

// =================================================================================================
// Captcha
// =================================================================================================

test('captcha: a real PNG as a data URL, 5 minutes, an answer without look-alike characters', async () => {
  const ids = new Set();
  for (let i = 0; i < 5; i++) {
    const c = await newCaptcha();
    assert.deepEqual(Object.keys(c.body).sort(), ['captcha_id', 'expires_in', 'image']);
    assert.equal(c.body.expires_in, 300);
    const m = c.image.match(/^data:image\/png;base64,([A-Za-z0-9+/]+=*)$/);
    assert.ok(m, 'a PNG data URL');
    const png = Buffer.from(m[1], 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
    assert.ok(width >= 60 && width <= 400 && height >= 20 && height <= 200, `size ${width}×${height}`);
    assert.equal(png.subarray(-8, -4).toString('latin1'), 'IEND', 'a complete PNG');
    assert.match(c.captcha, /^[A-Z0-9]{4,6}$/);
    assert.doesNotMatch(c.captcha, /[01OIL5S2Z8B]/, 'no look-alike characters');
    assert.ok(!c.image.includes(c.captcha), 'the answer is not in the response');
    ids.add(c.captcha_id);
  }
  assert.equal(ids.size, 5);
});

test('captcha: a wrong answer uses it up; a right one works once; case and spaces do not matter', async () => {
  const w = await worker();
  const client = anon();
  // Wrong answer → 400, and the right answer afterwards fails too.
  let c = await newCaptcha(client);
  const wrong = c.captcha.startsWith('A') ? 'C' + c.captcha.slice(1) : 'A' + c.captcha.slice(1);
  let r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: c.captcha_id, captcha: wrong });
  expectError(r, 400, 'captcha_invalid', 'captcha');
  r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: c.captcha_id, captcha: c.captcha });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'the right answer after a wrong one');
  // Right answer, lower case with spaces → 200; the same captcha again → 400.
  c = await newCaptcha(client);
  const typed = ' ' + c.captcha.toLowerCase().split('').join(' ') + ' ';
  r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: c.captcha_id, captcha: typed });
  assert.equal(r.status, 200, r.text);
  secrets.add(r.body.recovery_token);
  r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: c.captcha_id, captcha: c.captcha });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'reuse');
  // A captcha id that was never issued.
  r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: 'A'.repeat(43), captcha: 'ACDE' });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'unknown id');
  // Missing fields name the field.
  r = await recPost(client, '/api/v1/recover/start', { username: w.phone, captcha_id: c.captcha_id });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'captcha');
  // The other steps check the captcha the same way (the phone way and the appeal code).
  const token = await start(w.phone, client);
  c = await newCaptcha(client);
  r = await recPost(client, '/api/v1/recover/phone/sms-code', { recovery_token: token, captcha_id: c.captcha_id, captcha: wrong });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'phone way');
  r = await recPost(client, '/api/v1/recover/appeal/sms-code', { phone: freshPhone(), captcha_id: c.captcha_id, captcha: c.captcha });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'a captcha used by another step');
});

test('captcha: expires after 5 minutes', async () => {
  const w = await worker();
  const c1 = await newCaptcha();
  const c2 = await newCaptcha();
  await srv.advance(299);
  let r = await recPost(anon(), '/api/v1/recover/start', { username: w.phone, captcha_id: c1.captcha_id, captcha: c1.captcha });
  assert.equal(r.status, 200, 'still valid at 299 s: ' + r.text);
  await srv.advance(2);
  r = await recPost(anon(), '/api/v1/recover/start', { username: w.phone, captcha_id: c2.captcha_id, captcha: c2.captcha });
  expectError(r, 400, 'captcha_invalid', 'captcha', 'after 301 s');
});

test('captcha: at most 100 an hour per client address', async () => {
  const client = anon();
  for (let i = 0; i < 100; i++) {
    const r = await client.post('/api/v1/captcha', {});
    assert.equal(r.status, 201, `captcha #${i + 1}: ${r.text}`);
  }
  const r = await client.post('/api/v1/captcha', {});
  expectError(r, 429, 'rate_limited');
  assert.ok(r.body.error.retry_after > 0);
  await srv.advance(3601);
  assert.equal((await client.post('/api/v1/captcha', {})).status, 201, 'a new hour');
});

// =================================================================================================
// No enumeration
// =================================================================================================

// The answers that must not depend on whether an account exists: status and the whole body
// with the tokens taken out.
function shape(r) {
  const b = r.body ? JSON.parse(JSON.stringify(r.body)) : r.text;
  if (b && typeof b === 'object' && 'recovery_token' in b) b.recovery_token = typeof b.recovery_token;
  if (b?.error && 'retry_after' in b.error) b.error.retry_after = 'n';
  if (b?.error?.message) b.error.message = b.error.message.replace(/\d+秒/, 'N秒');  // the wait left
  return JSON.stringify({ status: r.status, body: b });
}

test('recover/start answers the same for every kind of username, known or not', async () => {
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const email = freshEmail();
  await bindAndVerify(w, email);
  const unverifiedEmail = freshEmail();
  await bindEmail(w, unverifiedEmail);                      // asked, never verified
  const usernames = [
    w.phone, w.idNumber, w.idNumber.slice(0, 17) + 'x', email,
    freshPhone(), freshId({ endsWithX: true }), freshId({ endsWithX: true }).toLowerCase(),
    freshEmail(), unverifiedEmail, 'nobody-at-all',
  ];
  const shapes = new Set();
  const tokens = new Set();
  for (const username of usernames) {
    const client = anon();
    const r = await recPost(client, '/api/v1/recover/start', { username, ...(await solved(client)) });
    assert.equal(r.status, 200, `${username}: ${r.text}`);
    assert.deepEqual(Object.keys(r.body), ['recovery_token', 'methods', 'expires_in'], username);
    assert.deepEqual(r.body.methods, ['phone', 'email', 'appeal']);
    assert.equal(r.body.expires_in, 1800);
    assert.match(r.body.recovery_token, /^[A-Za-z0-9_-]{43,}$/);
    assert.equal(r.headers.getSetCookie().length, 0, 'no cookie');
    shapes.add(shape(r));
    tokens.add(r.body.recovery_token);
    secrets.add(r.body.recovery_token);
  }
  assert.equal(shapes.size, 1, 'one answer for all: ' + [...shapes].join('\n'));
  assert.equal(tokens.size, usernames.length, 'a new token every time');
});

test('the phone way and the e-mail way answer the same for known and unknown usernames', async () => {
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const noMail = await worker();
  const email = freshEmail();
  await bindAndVerify(w, email);
  await srv.advance(61);
  const known = [w.phone, w.idNumber, email, noMail.phone, noMail.idNumber];
  const unknown = [freshPhone(), freshId(), freshEmail()];
  const results = new Map();
  const smsBefore = srv.sms().length;
  const mailBefore = mailsTo(email).length;
  for (const username of [...known, ...unknown]) {
    const client = anon();
    const token = await start(username, client);
    const code = await phoneCode(token, client);
    const mail = await emailLink(token, client);
    results.set(username, [shape(code), shape(mail)]);
    // Every account is asked once only: its phone's 60 s interval would otherwise answer 429.
    await srv.advance(61);
  }
  const first = JSON.stringify(results.get(known[0]));
  for (const [u, s] of results) assert.equal(JSON.stringify(s), first, `${u} answers differently`);
  assert.deepEqual(results.get(known[0]).map((x) => JSON.parse(x).status), [202, 202]);
  // Codes went to the two real phones only (w three times: by phone, ID and e-mail).
  const sent = srv.sms().slice(smsBefore);
  assert.deepEqual(sent.map((m) => m.to).sort(), [w.phone, w.phone, w.phone, noMail.phone, noMail.phone].sort());
  for (const m of sent) assert.match(m.text, /找回密码/);
  // Links went to the verified address only, once per start.
  await waitForMail(email, mailBefore + 3);
  await sleep(300);
  assert.equal(mailsTo(email).length, mailBefore + 3);
});

test('the send limits of the recovery pages do not tell who is registered', async () => {
  // Two starts for the same username within a minute, each asking for a code and a link.
  const w = await worker();
  const probe = async (username) => {
    const out = [];
    for (let i = 0; i < 2; i++) {
      const client = anon();
      const token = await start(username, client);
      out.push(shape(await phoneCode(token, client)), shape(await emailLink(token, client)));
    }
    return out;
  };
  // (A fresh hour between the parts: the per-address cap counts 20 sends an hour.)
  const known = await probe(w.phone);
  await freshHour(srv);
  const unknown = await probe(freshPhone());
  assert.deepEqual(unknown, known, 'the same statuses and bodies for a registered and an unregistered phone');
  await freshHour(srv);
  const knownId = await probe(w.idNumber);
  await freshHour(srv);
  const unknownId = await probe(freshId());
  assert.deepEqual(unknownId, knownId, 'the same for a registered and an unregistered ID number');
  // A login code just sent to a phone counts for recovery codes, registered or not.
  const stranger = freshPhone();
  await freshHour(srv);
  await sendCode(srv, anon(), stranger);
  await sendCode(srv, anon(), w.phone);
  const a = await phoneCode(await start(w.phone));
  const b = await phoneCode(await start(stranger));
  assert.equal(shape(b), shape(a));
});

test('the new-password check on the phone way does not tell who is registered', async () => {
  // An ID number ending in X has letters and digits: as a new password it is refused for its
  // own account; the answer must not differ from an unknown ID number's before the code is right.
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const other = freshId({ endsWithX: true });
  const k = await phoneReset(await start(w.idNumber), '000000', w.idNumber);
  const u = await phoneReset(await start(other), '000000', other);
  assert.equal(shape(u), shape(k), 'known and unknown ID number');
  expectError(k, 400, 'code_invalid', 'code');
});

// =================================================================================================
// Phone way
// =================================================================================================

test('phone way: the code goes to the bound phone; the reset ends every session and clears a lockout', async () => {
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const app = await login(w.phone, w.password);
  assert.equal(app.r.status, 200);
  // Lock the account: 5 wrong passwords, then even the right one is refused.
  for (let i = 0; i < 5; i++) assert.equal((await login(w.phone, 'Wrong' + i + 'pass99')).r.status, i < 4 ? 401 : 423);
  expectError((await login(w.phone, w.password)).r, 423, 'account_locked');
  // 【忘记密码】 by the lower-case ID number.
  const token = await start(w.idNumber.toLowerCase());
  const r = await phoneCode(token);
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body, { sent: true, resend_after: 60 });
  const sms = await srv.waitForSmsMessage(w.phone);
  assert.match(sms.text, /找回密码验证码为\d{6}/);
  const code = sms.text.match(/\d{6}/)[0];
  secrets.add(code);
  const pw = freshPassword();
  secrets.add(pw);
  const ok = await phoneReset(token, code, pw);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.body, { status: 'ok' });
  // Every session ended (the registration one and the later login).
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated');
  expectError(await app.c.get('/api/v1/account'), 401, 'unauthenticated');
  // The lockout is gone; the new password works, the old one does not.
  expectError((await login(w.phone, w.password)).r, 401, 'invalid_credentials');
  const fresh = await login(w.idNumber, pw);
  assert.equal(fresh.r.status, 200, fresh.r.text);
  assert.equal(fresh.r.body.user.id, w.user.id);
  // The recovery token is spent by the reset; the code cannot be used again with a new one.
  expectError(await phoneReset(token, code, freshPassword()), 400, 'recovery_expired', 'recovery_token');
  expectError(await phoneReset(await start(w.phone), code, freshPassword()), 400, 'code_invalid', 'code');
  assert.equal((await login(w.phone, pw)).r.status, 200, 'the password stayed');
});

test('phone way: a login code cannot reset (purpose binding), and stays good for login', async () => {
  const w = await worker();
  const token = await start(w.phone);
  const loginCode = await sendCode(srv, anon(), w.phone);
  secrets.add(loginCode);
  expectError(await phoneReset(token, loginCode, freshPassword()), 400, 'code_invalid', 'code');
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/auth/sms-login', { phone: w.phone, code: loginCode });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ok');
  // …and a reset code does not log in.
  await srv.advance(61);
  assert.equal((await phoneCode(token)).status, 202);
  const resetCode = await srv.waitForSms(w.phone);
  secrets.add(resetCode);
  expectError(await new Client(srv.url).post('/api/v1/auth/sms-login', { phone: w.phone, code: resetCode }), 400, 'code_invalid', 'code');
  assert.equal((await phoneReset(token, resetCode, freshPassword())).status, 200, 'the reset code still resets');
});

test('phone way: the password policy applies and a refused password does not use up the code', async () => {
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const token = await start(w.phone);
  assert.equal((await phoneCode(token)).status, 202);
  const code = await srv.waitForSms(w.phone);
  secrets.add(code);
  for (const bad of ['Ab1', 'x'.repeat(60) + 'A1'.repeat(3), 'abcdefghij', '1234567890', 'password123', 'Gonghui123', w.idNumber, w.idNumber.toLowerCase()]) {
    expectError(await phoneReset(token, code, bad), 400, 'invalid_field', 'new_password', bad);
  }
  expectError(await phoneReset(token, code, 'GoodPass2026', 'GoodPass2027'), 400, 'password_mismatch', 'new_password_confirm');
  const r = await phoneReset(token, code, 'GoodPass2026');
  assert.equal(r.status, 200, 'the code survived the refusals: ' + r.text);
  assert.equal((await login(w.phone, 'GoodPass2026')).r.status, 200);
});

test('phone way: five wrong codes kill the code', async () => {
  const w = await worker();
  const token = await start(w.phone);
  assert.equal((await phoneCode(token)).status, 202);
  const code = await srv.waitForSms(w.phone);
  const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
  for (let i = 0; i < 5; i++) expectError(await phoneReset(token, wrong, freshPassword()), 400, 'code_invalid', 'code');
  expectError(await phoneReset(token, code, freshPassword()), 400, 'code_invalid', 'code');
  assert.equal((await login(w.phone, w.password)).r.status, 200, 'the password did not change');
});

test('a dead recovery token: 30 minutes, or one never issued → recovery_expired', async () => {
  const w = await worker();
  const email = freshEmail();
  await bindAndVerify(w, email);
  const token = await start(w.phone);
  await srv.advance(1801);
  const c = anon();
  expectError(await phoneCode(token, c), 400, 'recovery_expired', 'recovery_token');
  expectError(await phoneReset(token, '123456', freshPassword()), 400, 'recovery_expired', 'recovery_token');
  expectError(await emailLink(token), 400, 'recovery_expired', 'recovery_token');
  expectError(await emailLink('Z'.repeat(43)), 400, 'recovery_expired', 'recovery_token');
  // A dead token does not use up the captcha that came with it.
  const cap = await solved(c);
  expectError(await recPost(c, '/api/v1/recover/phone/sms-code', { recovery_token: token, ...cap }), 400, 'recovery_expired');
  const fresh = await start(w.phone);
  assert.equal((await recPost(c, '/api/v1/recover/phone/sms-code', { recovery_token: fresh, ...cap })).status, 202);
  // Still alive at 29 minutes.
  const t2 = await start(email);
  await srv.advance(1740);
  assert.equal((await emailLink(t2)).status, 202);
});

// =================================================================================================
// E-mail binding
// =================================================================================================

test('e-mail binding needs a login and the password; the address is checked', async () => {
  const w = await worker();
  const email = freshEmail();
  expectError(await anon().post('/api/v1/account/email', { email, password: w.password }), 401, 'unauthenticated');
  let r = await w.client.post('/api/v1/account/email', { email, password: w.password + 'x' });
  expectError(r, 400, undefined, 'password');
  r = await w.client.post('/api/v1/account/email', { email });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'password');
  for (const bad of ['no-at-sign.example.com', 'a@b', 'two@@example.com', 'sp ace@example.com', '<x>@example.com', 'x@example.com.']) {
    expectError(await w.client.post('/api/v1/account/email', { email: bad, password: w.password }), 400, 'invalid_field', 'email', bad);
  }
  await sleep(300);
  assert.equal(mailsTo(email).length, 0, 'no mail for a refused request');
  const mailCount = readdirSync(join(srv.dataDir, 'mail')).length;
  r = await w.client.post('/api/v1/account/email', { email, password: w.password });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.sent, true);
  assert.equal(typeof r.body.message, 'string');
  const mail = await waitForMail(email, 1);
  assert.match(decodeSubject(mail.raw), /邮箱/);
  linkIn(mail, 'pc/verify-email');
  assert.ok(readdirSync(join(srv.dataDir, 'mail')).length >= mailCount + 1);
  // Not bound until verified.
  assert.equal((await w.client.get('/api/v1/account')).body.user.email, null);
});

test('e-mail verification link: works once, then token_used; unknown → token_invalid; 24 h', async () => {
  const w = await worker();
  const email = freshEmail();
  const t = await bindEmail(w, email);
  let r = await anon().post('/api/v1/account/email/verify', { token: t });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { status: 'ok', email });
  assert.equal((await w.client.get('/api/v1/account')).body.user.email, email);
  expectError(await anon().post('/api/v1/account/email/verify', { token: t }), 400, 'token_used', 'token');
  expectError(await anon().post('/api/v1/account/email/verify', { token: 'Q'.repeat(43) }), 400, 'token_invalid', 'token');
  // A verification link is not a reset link, nor the other way round.
  expectError(await emailReset(t, freshPassword()), 400, 'token_invalid', 'token');
  // Expiry: still good just before 24 h, dead after.
  const e2 = freshEmail(), e3 = freshEmail();
  const t2 = await bindEmail(w, e2);
  const t3 = await bindEmail(w, e3);
  await srv.advance(24 * 3600 - 60);
  assert.equal((await anon().post('/api/v1/account/email/verify', { token: t2 })).status, 200);
  await srv.advance(61);
  expectError(await anon().post('/api/v1/account/email/verify', { token: t3 }), 400, 'token_expired', 'token');
  const again = await login(w.phone, w.password);    // (the old session did not live 24 h)
  assert.equal((await again.c.get('/api/v1/account')).body.user.email, e2);
});

test('an address verified by one account cannot be verified by another (409 email_taken)', async () => {
  const a = await worker();
  const b = await worker();
  const email = freshEmail();
  const tb = await bindEmail(b, email);       // B asks first …
  await bindAndVerify(a, email);              // … A verifies first
  const r = await anon().post('/api/v1/account/email/verify', { token: tb });
  expectError(r, 409, 'email_taken', 'email');
  assert.equal((await b.client.get('/api/v1/account')).body.user.email, null);
  // The refused link was not used up: once A moves to another address, B's link works.
  await bindAndVerify(a, freshEmail());
  assert.equal((await anon().post('/api/v1/account/email/verify', { token: tb })).status, 200);
  // Recovery by that address now reaches B.
  const before = mailsTo(email).length;
  assert.equal((await emailLink(await start(email))).status, 202);
  const mail = await waitForMail(email, before + 1);
  const t = linkIn(mail, 'pc/reset');
  const pw = freshPassword();
  assert.equal((await emailReset(t, pw)).status, 200);
  assert.equal((await login(b.phone, pw)).r.status, 200);
  assert.equal((await login(a.phone, a.password)).r.status, 200, 'A is untouched');
});

// =================================================================================================
// E-mail way
// =================================================================================================

test('e-mail way: the link resets once, ends every session and clears a lockout', async () => {
  const w = await worker({ idNumber: freshId({ endsWithX: true }) });
  const email = freshEmail();
  await bindAndVerify(w, email);
  const app = await login(w.idNumber, w.password);
  for (let i = 0; i < 5; i++) await login(w.phone, 'Wrong' + i + 'pass99');
  expectError((await login(w.phone, w.password)).r, 423, 'account_locked');
  const before = mailsTo(email).length;
  const r = await emailLink(await start(w.phone));
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(Object.keys(r.body), ['sent', 'message']);
  assert.match(r.body.message, /如果该账号已绑定邮箱/);
  const mail = await waitForMail(email, before + 1);
  assert.match(decodeSubject(mail.raw), /重置/);
  assert.match(mail.raw, /30分钟/);
  const t = linkIn(mail, 'pc/reset');
  // A weak password does not use up the link.
  expectError(await emailReset(t, 'password123'), 400, 'invalid_field', 'new_password');
  expectError(await emailReset(t, w.idNumber), 400, 'invalid_field', 'new_password');
  expectError(await emailReset(t, 'GoodPass2026', 'GoodPass2025'), 400, 'password_mismatch', 'new_password_confirm');
  const pw = freshPassword();
  secrets.add(pw);
  const ok = await emailReset(t, pw);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.body, { status: 'ok' });
  expectError(await emailReset(t, freshPassword()), 400, 'token_used', 'token');
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated');
  expectError(await app.c.get('/api/v1/account'), 401, 'unauthenticated');
  assert.equal((await login(w.phone, pw)).r.status, 200, 'the lockout is gone');
  expectError((await login(w.phone, w.password)).r, 401, 'invalid_credentials');
});

test('e-mail way: the link dies after 30 minutes; unknown → token_invalid', async () => {
  const w = await worker();
  const email = freshEmail();
  await bindAndVerify(w, email);
  let before = mailsTo(email).length;
  assert.equal((await emailLink(await start(email))).status, 202);
  const t1 = linkIn(await waitForMail(email, before + 1), 'pc/reset');
  await srv.advance(61);
  before = mailsTo(email).length;
  assert.equal((await emailLink(await start(email))).status, 202);
  const t2 = linkIn(await waitForMail(email, before + 1), 'pc/reset');
  await srv.advance(1800 - 61 - 5);
  const pw = freshPassword();
  assert.equal((await emailReset(t1, pw)).status, 200, 'still good just before 30 minutes');
  await srv.advance(70);
  expectError(await emailReset(t2, freshPassword()), 400, 'token_expired', 'token');
  expectError(await emailReset('A'.repeat(43), freshPassword()), 400, 'token_invalid', 'token');
  expectError(await emailReset('short', freshPassword()), 400, undefined, 'token');
  assert.equal((await login(w.phone, pw)).r.status, 200);
});

test('e-mail way: the link comes from GONGHUI_BASE_URL, never the Host header; phones get the H5 page', async () => {
  const w = await worker();
  const email = freshEmail();
  await bindAndVerify(w, email);
  const token = await start(w.phone);
  let before = mailsTo(email).length;
  const r = await raw(srv, {
    path: '/api/v1/recover/email',
    headers: { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'Content-Type': 'application/json', Origin: srv.url },
    body: JSON.stringify({ recovery_token: token }),
  });
  assert.equal(r.status, 202, r.text);
  let mail = await waitForMail(email, before + 1);
  assert.doesNotMatch(mail.raw, /evil/);
  linkIn(mail, 'pc/reset');
  await srv.advance(61);
  before = mailsTo(email).length;
  const phone = anon();
  phone.headers['User-Agent'] = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0';
  assert.equal((await emailLink(await start(w.phone, phone), phone)).status, 202);
  mail = await waitForMail(email, before + 1);
  const t = linkIn(mail, 'h5/reset');
  assert.equal((await emailReset(t, freshPassword())).status, 200);
});

test('e-mail way: nothing goes to an address that is not verified', async () => {
  const w = await worker();
  const email = freshEmail();
  await bindEmail(w, email);                   // never verified
  const r = await emailLink(await start(w.phone));
  assert.equal(r.status, 202);
  const r2 = await emailLink(await start(email));
  assert.equal(r2.status, 202);
  await sleep(1200);
  assert.equal(mailsTo(email).length, 1, 'only the verification mail');
});

test('mails are RFC 5322 messages: CRLF line endings only', async () => {
  const w = await worker();
  const email = freshEmail();
  await bindAndVerify(w, email);
  assert.equal((await emailLink(await start(w.phone))).status, 202);
  const mails = await (async () => { await waitForMail(email, 2); return mailsTo(email); })();
  for (const m of mails) {
    const bytes = readFileSync(join(srv.dataDir, 'mail', `${m.id}.eml`));
    const text = bytes.toString('utf8');
    assert.equal(text.split('\r\n').length, text.split('\n').length, 'no bare LF in mail ' + m.id);
    assert.doesNotMatch(text, /\r(?!\n)/, 'no bare CR');
    const [head] = text.split('\r\n\r\n');
    assert.match(head, /^From: /m);
    assert.match(head, /^Date: /m);
    assert.match(head, /^Message-ID: <[^>]+@[^>]+>$/m);
    assert.match(head, /^Content-Type: text\/plain; charset=utf-8$/m);
  }
});

test('no recovery response shows a masked phone, an e-mail address or an account detail', async () => {
  assert.ok(recoveryResponses.length > 50, 'the tests above ran first');
  for (const { path, r } of recoveryResponses) {
    assert.doesNotMatch(r.text, /\*/, `${path}: ${r.text}`);
    assert.doesNotMatch(r.text, /@/, `${path}: ${r.text}`);
    assert.doesNotMatch(r.text, /1[3-9]\d{9}/, `${path}: ${r.text}`);
    assert.doesNotMatch(r.text, /"(user|name|phone|email|id_number)":/, `${path}: ${r.text}`);
  }
});
