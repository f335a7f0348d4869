// 人工申诉 (SPEC §3 "Forgot password", §7; docs/api.md 忘记密码 and Appeals): an appeal proves a
// new phone by an SMS code and carries up to two ID-card photos checked by their content; a
// platform admin approves (the account moves to the new phone, its sessions end, SMS) or rejects
// (SMS with the reason); photos are deleted 30 days after the decision.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import {
  addStaff, dbQuery, expectError, freshHour, freshId, freshPhone, maskId, maskPhone, postExpectContinue,
  raw, register, sendCode, sleep,
} from './helpers.mjs';

let srv;
let admin, reviewer;
const ADMIN_PHONE = freshPhone('16'), REVIEWER_PHONE = freshPhone('16');
const STAFF_PASSWORD = 'Passw0rdXyz1';

async function staffLogin(phone) {
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/admin/auth/login', { phone, password: STAFF_PASSWORD });
  assert.equal(r.status, 200, 'staff login: ' + r.text);
  return c;
}

before(async () => {
  srv = await startServer();
  let r = addStaff(srv, { role: 'platform_admin', phone: ADMIN_PHONE, name: '管理员', org: '350200', password: STAFF_PASSWORD });
  assert.equal(r.status, 0, r.stderr);
  r = addStaff(srv, { role: 'reviewer', phone: REVIEWER_PHONE, name: '王审核', org: '350203', password: STAFF_PASSWORD });
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  const dir = srv.dataDir;
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });   // the restarted server was given its directory
});
// A fresh hour for the per-address caps — which also ends idle staff sessions: log in again.
beforeEach(async () => {
  await freshHour(srv);
  admin = await staffLogin(ADMIN_PHONE);
  reviewer = await staffLogin(REVIEWER_PHONE);
});

// --- bytes -------------------------------------------------------------------------------------
// A real 1×1 PNG and a small real JPEG (SOI, JFIF APP0, …, EOI) — the server checks magic bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  Buffer.from('身份证正面'.repeat(8)),
  Buffer.from([0xff, 0xd9]),
]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b])]);
const TEXT = Buffer.from('这不是图片 — just text pretending to be photo.jpg\n');
const b64 = (buf) => buf.toString('base64');
const jpegOf = (size) => { const b = Buffer.alloc(size, 0x11); JPEG.copy(b, 0, 0, 20); b[size - 2] = 0xff; b[size - 1] = 0xd9; return b; };
const MB = 1024 * 1024;

// --- flows -------------------------------------------------------------------------------------
function captchaAnswer(id) {
  const lines = readFileSync(join(srv.dataDir, 'captcha.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = JSON.parse(lines[i]);
    if (m.id === id) return m.answer;
  }
  throw new Error('no captcha answer for ' + id);
}

async function solved(c) {
  const r = await c.post('/api/v1/captcha', {});
  assert.equal(r.status, 201, r.text);
  return { captcha_id: r.body.captcha_id, captcha: captchaAnswer(r.body.captcha_id) };
}

async function appealCode(phone, c = new Client(srv.url)) {
  const r = await c.post('/api/v1/recover/appeal/sms-code', { phone, ...(await solved(c)) });
  assert.equal(r.status, 202, 'appeal code: ' + r.text);
  return srv.waitForSms(phone);
}

// Mails of the development provider ($DATA_DIR/mail/<id>.eml) to an address, oldest first.
function mailsTo(address) {
  const dir = join(srv.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort((x, y) => parseInt(x) - parseInt(y))
    .map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(`\r\nTo: ${address}\r\n`));
}
async function waitForMail(address, n) {
  for (let i = 0; i < 200; i++) {
    const m = mailsTo(address);
    if (m.length >= n) return m[n - 1];
    await sleep(25);
  }
  throw new Error('no mail to ' + address);
}

// POST with "Expect: 100-continue": the body is sent only if the server asks for it.

const submit = (body, c = new Client(srv.url)) => c.post('/api/v1/recover/appeal', body);

// A complete, valid appeal body for an ID number and a new phone (a code is fetched).
async function appealBody({ idNumber = freshId(), phone = freshPhone(), name = '张三', photos, reason = '原手机号已停用，无法接收验证码' } = {}) {
  const code = await appealCode(phone);
  return {
    name, id_number: idNumber, phone, code, reason,
    photos: photos ?? [{ type: 'image/jpeg', data: b64(JPEG) }, { type: 'image/png', data: 'data:image/png;base64,' + b64(PNG) }],
  };
}

async function fileAppeal(opts) {
  const body = await appealBody(opts);
  const r = await submit(body);
  assert.equal(r.status, 201, 'appeal: ' + r.text);
  const list = await admin.get('/api/v1/admin/appeals?status=pending');
  const item = list.body.items.find((i) => i.ref === r.body.ref);
  assert.ok(item, 'the appeal is in the queue');
  return { ...body, ref: r.body.ref, id: item.id, item };
}

const decide = (id, action, body = {}, c = admin) => c.post(`/api/v1/admin/appeals/${id}/${action}`, body);

async function photo(id, n, c = admin) {
  const r = await fetch(`${srv.url}/api/v1/admin/appeals/${id}/photos/${n}`, { headers: { Cookie: c.cookieHeader() } });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()), headers: r.headers };
}

async function allAppeals() {
  const out = [];
  for (const status of ['pending', 'approved', 'rejected']) {
    const r = await admin.get('/api/v1/admin/appeals?status=' + status);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
  }
  return out;
}

function chinaDate(epoch) {
  const d = new Date((epoch + 8 * 3600) * 1000);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

// =================================================================================================

test('the appeal code goes to the new phone, registered or not, and is good for appeals only', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  let r = await c.post('/api/v1/recover/appeal/sms-code', { phone, ...(await solved(c)) });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body, { sent: true, resend_after: 60 });
  const sms = await srv.waitForSmsMessage(phone);
  assert.match(sms.text, /人工申诉验证码为\d{6}/);
  const code = sms.text.match(/\d{6}/)[0];
  // Not a login code.
  expectError(await c.post('/api/v1/auth/sms-login', { phone, code }), 400, 'code_invalid', 'code');
  // A registered phone gets one just the same (the appellant may prove any phone).
  const w = await register(srv);
  await srv.advance(61);
  r = await c.post('/api/v1/recover/appeal/sms-code', { phone: w.phone, ...(await solved(c)) });
  assert.equal(r.status, 202, r.text);
  await srv.waitForSms(w.phone);
  // The interval applies; a bad phone or captcha is refused.
  expectError(await c.post('/api/v1/recover/appeal/sms-code', { phone: w.phone, ...(await solved(c)) }), 429, 'rate_limited');
  expectError(await c.post('/api/v1/recover/appeal/sms-code', { phone: '1234', ...(await solved(c)) }), 400, 'invalid_field', 'phone');
  const cap = await solved(c);
  expectError(await c.post('/api/v1/recover/appeal/sms-code', { phone: freshPhone(), captcha_id: cap.captcha_id, captcha: 'ZZZZ' }), 400, 'captcha_invalid', 'captcha');
  // The code itself still files an appeal.
  r = await submit({ name: '李四', id_number: freshId(), phone, code, reason: '手机号已更换', photos: [] });
  assert.equal(r.status, 201, r.text);
});

test('refused uploads store nothing and leave the code usable', async () => {
  const before = (await allAppeals()).length;
  const photoRows = () => Number(dbQuery(srv, 'SELECT COUNT(*) FROM appeal_photo')[0][0]);
  const rowsBefore = photoRows();
  const body = await appealBody({ idNumber: freshId() });
  const withPhotos = (photos) => ({ ...body, photos });
  const cases = [
    ['a PNG declared as JPEG', withPhotos([{ type: 'image/jpeg', data: b64(PNG) }]), 400, 'invalid_field', 'photos[0]'],
    ['a JPEG declared as PNG', withPhotos([{ type: 'image/png', data: b64(JPEG) }]), 400, 'invalid_field', 'photos[0]'],
    ['a GIF declared as JPEG', withPhotos([{ type: 'image/jpeg', data: b64(GIF) }]), 400, 'invalid_field', 'photos[0]'],
    ['a GIF as a GIF', withPhotos([{ type: 'image/gif', data: b64(GIF) }]), 400, 'invalid_field', 'photos[0]'],
    ['a text file as JPEG', withPhotos([{ type: 'image/jpeg', data: b64(TEXT) }]), 400, 'invalid_field', 'photos[0]'],
    ['a good first photo, a text second', withPhotos([{ type: 'image/jpeg', data: b64(JPEG) }, { type: 'image/jpeg', data: b64(TEXT) }]), 400, 'invalid_field', 'photos[1]'],
    ['three photos', withPhotos([{ type: 'image/jpeg', data: b64(JPEG) }, { type: 'image/jpeg', data: b64(JPEG) }, { type: 'image/png', data: b64(PNG) }]), 400, 'invalid_field', 'photos'],
    ['invalid base64', withPhotos([{ type: 'image/jpeg', data: '/9j/4AAQ!!!not*base64' }]), 400, 'invalid_field', 'photos[0]'],
    ['base64 of nothing', withPhotos([{ type: 'image/jpeg', data: '' }]), 400, 'invalid_field', 'photos[0]'],
    ['no type', withPhotos([{ data: b64(JPEG) }]), 400, 'invalid_field', 'photos[0]'],
    ['a photo that is a string', withPhotos([b64(JPEG)]), 400, 'invalid_field', 'photos[0]'],
    ['photos not a list', withPhotos({ type: 'image/jpeg', data: b64(JPEG) }), 400, 'invalid_field', 'photos'],
    ['a 6 MB photo', withPhotos([{ type: 'image/jpeg', data: b64(jpegOf(6 * MB)) }]), 413, 'photo_too_large', 'photos[0]'],
    ['5 MB and one byte', withPhotos([{ type: 'image/jpeg', data: b64(jpegOf(5 * MB + 1)) }]), 413, 'photo_too_large', 'photos[0]'],
    ['a wrong code', { ...body, code: String((Number(body.code) + 1) % 1e6).padStart(6, '0') }, 400, 'code_invalid', 'code'],
    ['a bad ID number', { ...body, id_number: body.id_number.slice(0, 17) + (body.id_number[17] === '1' ? '2' : '1') }, 400, 'invalid_field', 'id_number'],
    ['no name', { ...body, name: undefined }, 400, undefined, 'name'],
    ['no reason', { ...body, reason: undefined }, 400, undefined, 'reason'],
    ['a reason of 301 characters', { ...body, reason: '因'.repeat(301) }, 400, 'invalid_field', 'reason'],
  ];
  for (const [label, b, status, code, field] of cases) {
    expectError(await submit(b), status, code, field, label);
  }
  // A body over 14 MB: refused whole (413) — with a Content-Length, and streamed without one.
  const huge = JSON.stringify(withPhotos([{ type: 'image/jpeg', data: b64(jpegOf(4 * MB)) }, { type: 'image/jpeg', data: b64(jpegOf(7 * MB)) }]));
  assert.ok(huge.length > 14 * MB);
  // (A client that sends such a body at once may see the connection closed before the answer:
  // the server refuses on the Content-Length without reading on; so ask first, as curl does.)
  expectError(await postExpectContinue(srv.url, '/api/v1/recover/appeal', huge), 413, 'body_too_large', undefined, 'Content-Length over 14 MB');
  const chunks = [];
  for (let i = 0; i < huge.length; i += MB) chunks.push(huge.slice(i, i + MB));
  const streamed = await raw(srv, { path: '/api/v1/recover/appeal', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunks });
  expectError(streamed, 413, 'body_too_large', undefined, 'chunked over 14 MB');
  // Nothing was stored.
  assert.equal((await allAppeals()).length, before, 'the admin queue is unchanged');
  assert.equal(photoRows(), rowsBefore, 'no photo stored');
  // The code survived every refusal but the wrong-code try; the appeal now goes through, once.
  const ok = await submit(body);
  assert.equal(ok.status, 201, ok.text);
  expectError(await submit(body), 400, 'code_invalid', 'code', 'the code is used up');
  assert.equal((await allAppeals()).length, before + 1);
});

test('two photos of exactly 5 MB fit (each ≤ 5 MB, body ≤ 14 MB)', async () => {
  const big = jpegOf(5 * MB);
  const a = await fileAppeal({ photos: [{ type: 'image/jpeg', data: b64(big) }, { type: 'image/jpeg', data: 'data:image/jpeg;base64,' + b64(big) }] });
  assert.equal(a.item.photos, 2);
  const p = await photo(a.id, 2);
  assert.equal(p.status, 200);
  assert.equal(p.bytes.length, big.length);
  assert.ok(p.bytes.equals(big));
});

test('a valid appeal: 201 with an SS reference; the queue shows it masked', async () => {
  const w = await register(srv);
  const body = await appealBody({ idNumber: w.idNumber, name: '张三' });
  const r = await submit(body);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['message', 'ref', 'status']);
  assert.equal(r.body.status, 'pending');
  assert.match(r.body.message, /短信/);
  const now = await srv.advance(0);
  assert.match(r.body.ref, /^SS\d{16}$/);
  assert.equal(r.body.ref.slice(2, 10), chinaDate(now), 'SS + the China date');
  const list = await admin.get('/api/v1/admin/appeals?status=pending');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(Object.keys(list.body).sort(), ['items', 'page', 'total']);
  assert.equal(list.body.page, 1);
  const item = list.body.items.find((i) => i.ref === r.body.ref);
  assert.deepEqual(Object.keys(item).sort(), ['created_at', 'id', 'id_number', 'name', 'phone', 'photos', 'ref', 'status', 'status_label'].sort());
  assert.equal(item.id_number, maskId(w.idNumber));
  assert.equal(item.phone, maskPhone(body.phone));
  assert.equal(item.status, 'pending');
  assert.equal(item.status_label, '待审核');
  assert.equal(item.photos, 2);
  assert.match(item.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  for (const t of [list.text, (await admin.get('/api/v1/admin/appeals/' + item.id)).text]) {
    assert.ok(!t.includes(w.idNumber) && !t.includes(body.phone) && !t.includes(w.phone), 'no full ID number or phone');
  }
  // The detail: reason, no decision yet, the account registered with that ID number.
  const d = await admin.get('/api/v1/admin/appeals/' + item.id);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.appeal.reason, body.reason);
  assert.equal(d.body.appeal.decision_reason, null);
  assert.equal(d.body.appeal.decided_at, null);
  assert.deepEqual(d.body.appeal.account, { name: '张三', phone: maskPhone(w.phone) });
  // Other statuses, pages and bad filters.
  assert.ok(!(await admin.get('/api/v1/admin/appeals?status=approved')).body.items.some((i) => i.ref === r.body.ref));
  assert.ok((await admin.get('/api/v1/admin/appeals')).body.items.some((i) => i.ref === r.body.ref), 'no filter lists all');
  assert.equal((await admin.get('/api/v1/admin/appeals?page=99')).body.items.length, 0);
  expectError(await admin.get('/api/v1/admin/appeals?status=bogus'), 400, 'invalid_field', 'status');
  expectError(await admin.get('/api/v1/admin/appeals?page=0'), 400, 'invalid_field', 'page');
  expectError(await admin.get('/api/v1/admin/appeals/999999'), 404, 'not_found');
  // An appeal without photos; an appeal for an ID number nobody registered.
  const bare = await fileAppeal({ photos: [] });
  assert.equal(bare.item.photos, 0);
  assert.equal((await photo(bare.id, 1)).status, 404);
  assert.equal((await admin.get('/api/v1/admin/appeals/' + bare.id)).body.appeal.account, null);
});

test('only platform admins see the queue: a reviewer → 403, a worker or nobody → 401', async () => {
  const a = await fileAppeal();
  const w = await register(srv);
  const anon = new Client(srv.url);
  const paths = ['/api/v1/admin/appeals', `/api/v1/admin/appeals/${a.id}`];
  for (const p of paths) {
    expectError(await reviewer.get(p), 403, 'forbidden', undefined, 'reviewer ' + p);
    expectError(await w.client.get(p), 401, 'unauthenticated', undefined, 'worker ' + p);
    expectError(await anon.get(p), 401, 'unauthenticated', undefined, 'anonymous ' + p);
  }
  const rp = await photo(a.id, 1, reviewer);
  assert.equal(rp.status, 403);
  assert.ok(!rp.bytes.includes(JPEG.subarray(0, 20)), 'no photo bytes for a reviewer');
  assert.equal((await photo(a.id, 1, w.client)).status, 401);
  assert.equal((await photo(a.id, 1, anon)).status, 401);
  for (const action of ['approve', 'reject']) {
    expectError(await decide(a.id, action, { reason: '无' }, reviewer), 403, 'forbidden', undefined, 'reviewer ' + action);
    expectError(await decide(a.id, action, { reason: '无' }, w.client), 401, undefined, undefined, 'worker ' + action);
  }
  assert.equal((await admin.get(`/api/v1/admin/appeals/${a.id}`)).body.appeal.status, 'pending', 'still pending');
});

test('photo download: the bytes with their content type, audit-logged', async () => {
  const a = await fileAppeal();
  const before = Number(dbQuery(srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.photo.view'")[0][0]);
  const p1 = await photo(a.id, 1);
  assert.equal(p1.status, 200);
  assert.equal(p1.type, 'image/jpeg');
  assert.ok(p1.bytes.equals(JPEG), 'the JPEG as uploaded');
  const p2 = await photo(a.id, 2);
  assert.equal(p2.status, 200);
  assert.equal(p2.type, 'image/png');
  assert.ok(p2.bytes.equals(PNG), 'the PNG as uploaded (sent as a data: URL)');
  for (const n of ['3', '0', 'x', '12']) assert.equal((await photo(a.id, n)).status, 404, 'photo ' + n);
  const after = Number(dbQuery(srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.photo.view'")[0][0]);
  assert.equal(after, before + 2, 'each view is audit-logged');
});

test('approve: the account moves to the new phone, its sessions end, an SMS tells the new phone', async () => {
  const w = await register(srv);
  const session = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.idNumber, password: w.password });
  const app = new Client(srv.url);
  const appLogin = await app.post('/api/v1/auth/password-login', { username: w.phone, password: w.password, client: 'app' });
  assert.equal(appLogin.status, 200);
  const bearer = new Client(srv.url, { bearer: appLogin.body.token });
  assert.equal((await bearer.get('/api/v1/account')).status, 200);
  assert.equal(session.status, 200);
  await srv.advance(61);
  const a = await fileAppeal({ idNumber: w.idNumber.toLowerCase() });
  const r = await decide(a.id, 'approve');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.appeal.status, 'approved');
  assert.equal(r.body.appeal.status_label, '已通过');
  assert.match(r.body.appeal.decided_at, /^\d{4}-/);
  // The SMS to the new phone.
  const sms = await srv.waitForSmsMessage(a.phone);
  assert.ok(sms.text.includes(a.ref), sms.text);
  assert.match(sms.text, /已通过/);
  // Every session of the account ended.
  expectError(await w.client.get('/api/v1/account'), 401, 'unauthenticated');
  expectError(await bearer.get('/api/v1/account'), 401, 'unauthenticated');
  // SMS login with the new phone opens the same account; the old phone is a stranger now.
  await srv.advance(61);
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, a.phone);
  const login = await c.post('/api/v1/auth/sms-login', { phone: a.phone, code });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.body.status, 'ok');
  assert.equal(login.body.user.id, w.user.id);
  assert.equal(login.body.user.id_number, maskId(w.idNumber));
  assert.equal(login.body.user.phone, maskPhone(a.phone));
  const old = new Client(srv.url);
  const oldCode = await sendCode(srv, old, w.phone);
  const oldLogin = await old.post('/api/v1/auth/sms-login', { phone: w.phone, code: oldCode });
  assert.equal(oldLogin.status, 200);
  assert.equal(oldLogin.body.status, 'profile_required', 'the old phone no longer logs in');
  // The detail now shows the account on its new phone; deciding again → 409.
  const d = await admin.get('/api/v1/admin/appeals/' + a.id);
  assert.deepEqual(d.body.appeal.account, { name: '张三', phone: maskPhone(a.phone) });
  expectError(await decide(a.id, 'approve'), 409, 'conflict');
  expectError(await decide(a.id, 'reject', { reason: '重复' }), 409, 'conflict');
  // Audit trail.
  assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.approve' AND target = '${a.ref}'`)[0][0], '1');
});

test('approve takes the account from whoever held it: their password and e-mail stop working', async () => {
  // Someone registered the appellant's ID number with their own phone, password and e-mail.
  const holder = await register(srv);
  await srv.advance(61);
  const email = `holder${Date.now()}@example.com`;
  assert.equal((await holder.client.post('/api/v1/account/email', { email, password: holder.password })).status, 202);
  const verifyToken = (await waitForMail(email, 1)).match(/#token=([A-Za-z0-9_-]+)/)[1];
  assert.equal((await new Client(srv.url).post('/api/v1/account/email/verify', { token: verifyToken })).status, 200);
  const a = await fileAppeal({ idNumber: holder.idNumber });
  assert.equal((await decide(a.id, 'approve')).status, 200);
  // The holder's e-mail no longer gets reset links for the account …
  const c = new Client(srv.url);
  const start = await c.post('/api/v1/recover/start', { username: email, ...(await solved(c)) });
  assert.equal((await c.post('/api/v1/recover/email', { recovery_token: start.body.recovery_token })).status, 202);
  await sleep(1200);
  assert.equal(mailsTo(email).length, 1, 'a reset link went to the old holder\'s e-mail after the approval');
  // … and their password no longer opens it (by ID number or by the new phone).
  for (const username of [holder.idNumber, a.phone]) {
    const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username, password: holder.password });
    assert.equal(r.status, 401, `${username}: the old password still logs in → ${r.text}`);
  }
});

test('reject needs a reason, tells the appellant by SMS and changes no account', async () => {
  const w = await register(srv);
  await srv.advance(61);
  const a = await fileAppeal({ idNumber: w.idNumber });
  expectError(await decide(a.id, 'reject', {}), 400, 'required', 'reason');
  expectError(await decide(a.id, 'reject', { reason: '' }), 400, undefined, 'reason');
  expectError(await decide(a.id, 'reject', { reason: '因'.repeat(201) }), 400, undefined, 'reason');
  const reason = '身份证照片不清晰，请重新申诉';
  const r = await decide(a.id, 'reject', { reason });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.appeal.status, 'rejected');
  assert.equal(r.body.appeal.status_label, '未通过');
  assert.equal(r.body.appeal.decision_reason, reason);
  const sms = await srv.waitForSmsMessage(a.phone);
  assert.ok(sms.text.includes(reason) && sms.text.includes(a.ref), sms.text);
  assert.match(sms.text, /未通过/);
  // Nothing moved.
  assert.equal((await w.client.get('/api/v1/account')).status, 200, 'the session lives');
  assert.equal((await w.client.get('/api/v1/account')).body.user.phone, maskPhone(w.phone));
  expectError(await decide(a.id, 'reject', { reason }), 409, 'conflict');
  expectError(await decide(a.id, 'approve'), 409, 'conflict');
  assert.ok((await admin.get('/api/v1/admin/appeals?status=rejected')).body.items.some((i) => i.ref === a.ref));
  expectError(await decide(a.id, 'bogus'), 404);
});

test('approve: 409 no_account for an ID number nobody registered, 409 phone_taken for a bound phone', async () => {
  const a = await fileAppeal({ idNumber: freshId() });
  const smsBefore = srv.sms().filter((m) => m.to === a.phone).length;
  expectError(await decide(a.id, 'approve'), 409, 'no_account');
  assert.equal((await admin.get('/api/v1/admin/appeals/' + a.id)).body.appeal.status, 'pending', 'still pending');
  assert.equal((await decide(a.id, 'reject', { reason: '该身份证号未注册，请直接注册' })).status, 200);
  // A new phone that already belongs to another account.
  const owner = await register(srv);
  const other = await register(srv);
  await srv.advance(61);
  const b = await fileAppeal({ idNumber: owner.idNumber, phone: other.phone });
  expectError(await decide(b.id, 'approve'), 409, 'phone_taken');
  assert.equal((await owner.client.get('/api/v1/account')).status, 200, 'nothing changed');
  assert.equal((await admin.get('/api/v1/admin/appeals/' + b.id)).body.appeal.status, 'pending');
  await sleep(300);
  assert.equal(srv.sms().filter((m) => m.to === a.phone).length, smsBefore + 1, 'one SMS (the rejection), none for the refused approval');
});

test('photos are deleted 30 days after the decision (the janitor, run at start-up)', async () => {
  // The janitor runs at start and then every 10 minutes of real time, on the real clock plus
  // the test offset — which a restart resets. So the decision dates are set in the database
  // (31 and 29 days before the real now) and the server is restarted on the same data.
  const old = await fileAppeal();
  const recent = await fileAppeal();
  const pending = await fileAppeal();
  assert.equal((await decide(old.id, 'reject', { reason: '照片不清晰' })).status, 200);
  assert.equal((await decide(recent.id, 'reject', { reason: '照片不清晰' })).status, 200);
  const { dataDir, db } = srv;
  await srv.stop({ keep: true });
  const real = Math.floor(Date.now() / 1000);
  dbQuery(srv, `UPDATE appeal SET decided_at = ${real - 31 * 86400} WHERE id = ${old.id}`);
  dbQuery(srv, `UPDATE appeal SET decided_at = ${real - 29 * 86400} WHERE id = ${recent.id}`);
  srv = await startServer({ dataDir, db });
  admin = await staffLogin(ADMIN_PHONE);
  const until = Date.now() + 5000;
  while ((await photo(old.id, 1)).status !== 404 && Date.now() < until) await sleep(50);
  assert.equal((await photo(old.id, 1)).status, 404, 'decided 31 days ago: photo 1 gone');
  assert.equal((await photo(old.id, 2)).status, 404, 'decided 31 days ago: photo 2 gone');
  assert.equal((await admin.get('/api/v1/admin/appeals/' + old.id)).body.appeal.photos, 0);
  assert.equal((await admin.get('/api/v1/admin/appeals/' + old.id)).body.appeal.status, 'rejected', 'the appeal itself stays');
  assert.equal((await photo(recent.id, 1)).status, 200, 'decided 29 days ago: kept');
  assert.equal((await photo(pending.id, 2)).status, 200, 'pending: kept');
  assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM appeal_photo WHERE appeal_id = ${old.id}`)[0][0], '0');
});
