// 信息完善 (registration after an SMS login of an unknown phone): the token, the ID number rules
// (GB 11643), consent, the password policy and one account per ID number and per phone.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import {
  expectError, freshPhone, freshHour, freshId, freshPassword, idFor, maskId, maskPhone,
  registrationToken, register,
} from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const REG = '/api/v1/auth/register';
function body(token, over = {}) {
  const password = over.password || freshPassword();
  return {
    registration_token: token, name: '李四', id_number: freshId(), password,
    password_confirm: password, privacy_consent: true, ...over,
  };
}
async function newToken(c = new Client(srv.url)) {
  const phone = freshPhone();
  return { c, phone, token: await registrationToken(srv, c, phone) };
}
// The server's date (China Standard Time), shifted by days, as YYYYMMDD.
async function serverDate(days = 0) {
  const now = await srv.advance(0);
  const d = new Date((now + 8 * 3600 + days * 86400) * 1000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

test('registration logs in: 201, user, csrf_token, cookie; the account reads back', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const token = await registrationToken(srv, c, phone);
  const id = freshId({ birth: '19880315' });
  const b = body(token, { id_number: id, name: '王小明' });
  const r = await c.post(REG, b);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'ok');
  assert.equal(typeof r.body.csrf_token, 'string');
  assert.match(r.headers.getSetCookie()[0] || '', /^gh_session=/);
  const u = r.body.user;
  for (const k of ['birth_date', 'email', 'gender', 'id', 'id_number', 'is_member', 'name', 'phone']) assert.ok(k in u, k);
  // Nothing in it reveals the full ID number, the phone or the password hash.
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes(id) && !text.includes(id.slice(6, 14)) && !text.includes(phone) && !/argon2/.test(text), text);
  assert.equal(u.name, '王小明');
  assert.equal(u.phone, maskPhone(phone));
  assert.equal(u.id_number, maskId(id));
  assert.equal(u.birth_date, '1988-03-15');
  assert.equal(u.gender, Number(id[16]) % 2 ? '男' : '女');
  assert.equal(u.email, null);
  assert.equal(u.is_member, false);
  const acc = await c.get('/api/v1/account');
  assert.equal(acc.status, 200);
  assert.deepEqual(acc.body.user, u);
  const s = await c.get('/api/v1/session');
  assert.equal(s.body.authenticated, true);
  assert.deepEqual(s.body.user, u);
  // And the password works.
  const p = await new Client(srv.url).post('/api/v1/auth/password-login', { username: phone, password: b.password });
  assert.equal(p.status, 200, p.text);
});

test('gender follows the 17th digit', async () => {
  const male = await register(srv, { idNumber: idFor('350203', '19900101', '011') });
  assert.equal(male.user.gender, '男');
  const female = await register(srv, { idNumber: idFor('350203', '19900101', '022') });
  assert.equal(female.user.gender, '女');
});

test('an app client registers with a bearer token', async () => {
  const { c, token } = await newToken();
  const r = await c.post(REG, body(token, { client: 'app' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(typeof r.body.token, 'string');
  assert.equal(r.headers.getSetCookie().length, 0);
  const acc = await new Client(srv.url, { bearer: r.body.token }).get('/api/v1/account');
  assert.equal(acc.status, 200);
});

test('the registration token is single use', async () => {
  const { c, token } = await newToken();
  assert.equal((await c.post(REG, body(token))).status, 201);
  expectError(await new Client(srv.url).post(REG, body(token)), 400, 'token_invalid', 'registration_token');
});

test('the registration token expires after 15 minutes', async () => {
  const a = await newToken();
  const b = await newToken();
  await srv.advance(14 * 60);
  assert.equal((await a.c.post(REG, body(a.token))).status, 201, 'valid at 14 min');
  await srv.advance(60 + 1);
  expectError(await b.c.post(REG, body(b.token)), 400, 'token_invalid', 'registration_token');
});

test('a made-up or missing token is refused', async () => {
  const c = new Client(srv.url);
  expectError(await c.post(REG, body('A'.repeat(43))), 400, 'token_invalid', 'registration_token');
  expectError(await c.post(REG, body(undefined)), 400, 'required', 'registration_token');
  expectError(await c.post(REG, body('short')), 400, 'invalid_field', 'registration_token');
  expectError(await c.post(REG, body('A'.repeat(42) + '!')), 400, 'invalid_field', 'registration_token');
});

test('a failed attempt leaves the token usable', async () => {
  const { c, token } = await newToken();
  const good = freshId();
  expectError(await c.post(REG, body(token, { id_number: good.slice(0, 17) + (good[17] === '0' ? '1' : '0') })), 400, 'invalid_field', 'id_number');
  expectError(await c.post(REG, body(token, { privacy_consent: false })), 400, 'consent_required', 'privacy_consent');
  expectError(await c.post(REG, body(token, { password: 'short1' })), 400, 'invalid_field', 'password');
  const r = await c.post(REG, body(token, { id_number: good }));
  assert.equal(r.status, 201, r.text);
});

test('the ID number check digit is verified', async () => {
  const { c, token } = await newToken();
  const id = freshId();
  for (const d of '0123456789X') {
    if (d === id[17]) continue;
    const r = await c.post(REG, body(token, { id_number: id.slice(0, 17) + d }));
    expectError(r, 400, 'invalid_field', 'id_number', 'check digit ' + d);
    assert.match(r.body.error.message, /校验/);
  }
});

test('a lowercase x is accepted, stored as X and shown masked as 3502**********123X', async () => {
  const id = freshId({ endsWithX: true });
  const lower = id.slice(0, 17) + 'x';
  const w = await register(srv, { idNumber: lower });
  assert.equal(w.user.id_number, maskId(id));
  assert.match(w.user.id_number, /^3502\*{10}\d{3}X$/);
  // The ID logs in, in either case, so X was stored.
  for (const username of [id, lower]) {
    const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username, password: w.password });
    assert.equal(r.status, 200, username + ': ' + r.text);
    assert.equal(r.body.user.id_number, maskId(id));
  }
  // And the same number in upper case is the same person.
  const { c, token } = await newToken();
  expectError(await c.post(REG, body(token, { id_number: id })), 409, 'id_number_taken', 'id_number');
});

test('impossible and future birth dates are refused', async () => {
  const { c, token } = await newToken();
  const tomorrow = await serverDate(1);
  const dates = ['19900230', '19910229', '19901301', '19900001', '19900100', '19900431', '18991231', '20991231', tomorrow];
  for (const d of dates) {
    const r = await c.post(REG, body(token, { id_number: idFor('350203', d, '123') }));
    expectError(r, 400, 'invalid_field', 'id_number', d);
    assert.match(r.body.error.message, /出生日期/, d);
  }
  // Leap day of a leap year and today are real dates.
  const r = await c.post(REG, body(token, { id_number: idFor('350203', '19920229', '123') }));
  assert.equal(r.status, 201, r.text);
  const t2 = await newToken();
  const r2 = await t2.c.post(REG, body(t2.token, { id_number: idFor('350203', await serverDate(0), '123') }));
  assert.equal(r2.status, 201, 'born today: ' + r2.text);
});

test('a 15-digit legacy number is refused with a clear message', async () => {
  const { c, token } = await newToken();
  const r = await c.post(REG, body(token, { id_number: '350203900101123' }));
  expectError(r, 400, 'invalid_field', 'id_number');
  assert.match(r.body.error.message, /18位/);
  assert.match(r.body.error.message, /15位/);
});

test('malformed ID numbers are refused with field id_number', async () => {
  const { c, token } = await newToken();
  const id = freshId();
  const bad = [
    id.slice(0, 17), id + '1', id.slice(0, 16) + 'X' + id[17], 'X' + id.slice(1),
    id.slice(0, 17) + 'Y', ' ' + id.slice(1), id.replace(/^35/, '00'), id.replace(/^35/, '99'),
    '１' + id.slice(1), '',
  ];
  for (const v of bad) {
    const r = await c.post(REG, body(token, { id_number: v }));
    expectError(r, 400, v === '' ? 'required' : 'invalid_field', 'id_number', JSON.stringify(v));
  }
});

test('an ID number already registered → 409 id_number_taken, pointing to 人工申诉', async () => {
  const first = await register(srv);
  const { c, token } = await newToken();
  const r = await c.post(REG, body(token, { id_number: first.idNumber }));
  expectError(r, 409, 'id_number_taken', 'id_number');
  assert.match(r.body.error.message, /人工申诉/);
  // The token survives: the person can still register another (their own) number.
  assert.equal((await c.post(REG, body(token))).status, 201);
});

test('a phone registered in the meantime → 409 phone_taken', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const t1 = await registrationToken(srv, c, phone);
  await srv.advance(60);
  const t2 = await registrationToken(srv, new Client(srv.url), phone);
  assert.equal((await c.post(REG, body(t1))).status, 201);
  const r = await new Client(srv.url).post(REG, body(t2));
  expectError(r, 409, 'phone_taken');
});

test('privacy consent must be true', async () => {
  const { c, token } = await newToken();
  expectError(await c.post(REG, body(token, { privacy_consent: false })), 400, 'consent_required', 'privacy_consent');
  const b = body(token);
  delete b.privacy_consent;
  expectError(await c.post(REG, b), 400, 'consent_required', 'privacy_consent');
  for (const v of ['true', 1, 'yes', [], {}]) {
    expectError(await c.post(REG, body(token, { privacy_consent: v })), 400, 'invalid_field', 'privacy_consent', JSON.stringify(v));
  }
});

test('the password policy: 8–64 characters, letters and digits, not common, not the phone or ID', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const token = await registrationToken(srv, c, phone);
  const idX = freshId({ endsWithX: true });
  const cases = [
    ['Abc1234', 'too short'],
    ['A1' + 'b'.repeat(63), '65 characters'],
    ['abcdefghij', 'no digit'],
    ['1234567890', 'no letter'],
    ['password123', 'common'],
    ['PASSWORD123', 'common in upper case'],
    ['Passw0rd', 'common'],
    ['abc12345', 'common'],
    ['qwerty123', 'common'],
    [phone, 'the phone'],
    [idX, 'the ID number'],
    [idX.toLowerCase(), 'the ID number, lower case'],
    ['abcdefg\u00071', 'a control character'],
  ];
  for (const [pw, why] of cases) {
    const r = await c.post(REG, body(token, { password: pw, password_confirm: pw, id_number: idX }));
    expectError(r, 400, 'invalid_field', 'password', why);
  }
  // Eight and sixty-four are allowed, as are non-ASCII characters beside letters and digits.
  const r8 = await c.post(REG, body(token, { password: 'Zx9vB7nm', id_number: idX }));
  assert.equal(r8.status, 201, '8 characters: ' + r8.text);
  const t2 = await newToken();
  const pw64 = 'Q7' + 'w'.repeat(60) + '工会';
  const r64 = await t2.c.post(REG, body(t2.token, { password: pw64 }));
  assert.equal(r64.status, 201, '64 characters: ' + r64.text);
  const login = await new Client(srv.url).post('/api/v1/auth/password-login', { username: t2.phone, password: pw64 });
  assert.equal(login.status, 200, login.text);
});

test('password_confirm must match', async () => {
  const { c, token } = await newToken();
  const r = await c.post(REG, body(token, { password: 'Gh7abcdefgh', password_confirm: 'Gh7abcdefgH' }));
  expectError(r, 400, 'password_mismatch', 'password_confirm');
  expectError(await c.post(REG, body(token, { password: 'Gh7abcdefgh', password_confirm: undefined })), 400, 'required', 'password_confirm');
});

test('names: 2–30 characters of Chinese, letters, spaces and the middle dot', async () => {
  const { c, token } = await newToken();
  for (const name of ['张', 'a', '王'.repeat(31), ' 张三', '张三 ', '张三1', '张\n三', '张<b>三', "O'Brien", '张三;', '😀😀', '']) {
    expectError(await c.post(REG, body(token, { name })), 400, name === '' ? 'required' : 'invalid_field', 'name', JSON.stringify(name));
  }
  const r = await c.post(REG, body(token, { name: '阿卜杜·热合曼' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.user.name, '阿卜杜·热合曼');
  const t2 = await newToken();
  const r2 = await t2.c.post(REG, body(t2.token, { name: 'Mary Ann Smith' }));
  assert.equal(r2.status, 201, r2.text);
  for (const name of ['王'.repeat(30), '王五']) {
    const t = await newToken();
    const rn = await t.c.post(REG, body(t.token, { name }));
    assert.equal(rn.status, 201, name + ': ' + rn.text);
  }
});

test('racing registrations: one token used twice at once → exactly one account', async () => {
  const { token } = await newToken();
  const b = body(token);
  const rs = await Promise.all([0, 1, 2, 3].map((i) => new Client(srv.url).post(REG, { ...b, id_number: freshId() })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 400, 400, 400], rs.map((r) => r.text).join('\n'));
  for (const r of rs.filter((x) => x.status !== 201)) expectError(r, 400, 'token_invalid', 'registration_token');
});

test('racing registrations: one ID number, two phones at once → one 201, one 409 id_number_taken', async () => {
  const a = await newToken();
  const b = await newToken();
  const id = freshId();
  const rs = await Promise.all([a.c.post(REG, body(a.token, { id_number: id })), b.c.post(REG, body(b.token, { id_number: id }))]);
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409], rs.map((r) => r.text).join('\n'));
  expectError(rs.find((r) => r.status === 409), 409, 'id_number_taken', 'id_number');
});

test('racing registrations: one phone, two tokens at once → one 201, one 409 phone_taken', async () => {
  const phone = freshPhone();
  const c1 = new Client(srv.url), c2 = new Client(srv.url);
  const t1 = await registrationToken(srv, c1, phone);
  await srv.advance(60);
  const t2 = await registrationToken(srv, c2, phone);
  const rs = await Promise.all([c1.post(REG, body(t1)), c2.post(REG, body(t2))]);
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409], rs.map((r) => r.text).join('\n'));
  expectError(rs.find((r) => r.status === 409), 409, 'phone_taken');
});
