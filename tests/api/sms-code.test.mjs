// SMS codes (SPEC §3 Numbers): 6 digits, 5 minutes, one use, 5 wrong tries kill it, bound to
// its purpose; sending ≥ 60 s apart, ≤ 5 an hour and ≤ 10 a day per phone, ≤ 20 an hour per
// client address, unknown phones counted too, and the reply never tells whether an account exists.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshPhone, freshHour, register, sendCode } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });
beforeEach(async () => { await freshHour(srv); });

const send = (c, phone, extra = {}) => c.post('/api/v1/auth/sms-code', { phone, ...extra });
const login = (c, phone, code) => c.post('/api/v1/auth/sms-login', { phone, code });
const otherCode = (code) => String((Number(code) + 1) % 1e6).padStart(6, '0');

test('a code is 6 digits, the only 6-digit run in the message, and the reply is 202', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const r = await send(c, phone, { purpose: 'login' });
  assert.equal(r.status, 202);
  assert.deepEqual(r.body, { sent: true, resend_after: 60 });
  assert.equal(r.headers.getSetCookie().length, 0, 'no cookie for asking a code');
  const m = await srv.waitForSmsMessage(phone);
  assert.equal(m.to, phone);
  const runs = m.text.match(/\d{6,}/g);
  assert.equal(runs.length, 1, m.text);
  assert.match(runs[0], /^\d{6}$/);
  assert.match(m.text, /5分钟/);
});

test('codes differ from one send to the next', async () => {
  const c = new Client(srv.url);
  const phones = [freshPhone(), freshPhone(), freshPhone(), freshPhone(), freshPhone()];
  const codes = [];
  for (const p of phones) codes.push(await sendCode(srv, c, p));
  assert.ok(new Set(codes).size >= 4, 'codes look random: ' + codes);
});

test('an invalid phone is refused with field phone', async () => {
  const c = new Client(srv.url);
  for (const phone of ['12345', '1380000123', '138000012345', '23800001234', '12800001234', '1380000123a', '+8613800001234', ' 13800001234']) {
    expectError(await send(c, phone), 400, 'invalid_field', 'phone', phone);
  }
  expectError(await c.post('/api/v1/auth/sms-code', {}), 400, 'required', 'phone');
  expectError(await send(c, 13800001234), 400, 'invalid_field', 'phone', 'number');
});

test('the anonymous endpoint sends login codes only', async () => {
  const c = new Client(srv.url);
  for (const purpose of ['change_phone', 'reset', 'appeal', 'LOGIN', 'x']) {
    expectError(await send(c, freshPhone(), { purpose }), 400, 'invalid_field', 'purpose', purpose);
  }
});

test('a code expires after 5 minutes', async () => {
  const c = new Client(srv.url);
  const early = freshPhone(), late = freshPhone();
  const codeEarly = await sendCode(srv, c, early);
  const codeLate = await sendCode(srv, c, late);
  await srv.advance(290);
  let r = await login(c, early, codeEarly);
  assert.equal(r.status, 200, 'still valid at 4m50s: ' + r.text);
  assert.equal(r.body.status, 'profile_required');
  await srv.advance(11); // 5m01s
  r = await login(c, late, codeLate);
  expectError(r, 400, 'code_invalid', 'code');
});

test('a code is used once', async () => {
  const { phone } = await register(srv);
  await srv.advance(60);
  const c = new Client(srv.url);
  const code = await sendCode(srv, c, phone);
  let r = await login(c, phone, code);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  r = await login(new Client(srv.url), phone, code);
  expectError(r, 400, 'code_invalid', 'code');
});

test('a newer code replaces the older one', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const first = await sendCode(srv, c, phone);
  await srv.advance(60);
  const second = await sendCode(srv, c, phone);
  if (first !== second) expectError(await login(c, phone, first), 400, 'code_invalid', 'code');
  const r = await login(c, phone, second);
  assert.equal(r.status, 200, r.text);
});

test('5 wrong tries kill the code; 4 do not', async () => {
  const c = new Client(srv.url);
  const four = freshPhone(), five = freshPhone();
  const code4 = await sendCode(srv, c, four);
  const code5 = await sendCode(srv, c, five);
  for (let i = 0; i < 4; i++) expectError(await login(c, four, otherCode(code4)), 400, 'code_invalid', 'code');
  let r = await login(c, four, code4);
  assert.equal(r.status, 200, 'the right code after 4 wrong ones: ' + r.text);
  for (let i = 0; i < 5; i++) expectError(await login(c, five, otherCode(code5)), 400, 'code_invalid', 'code');
  r = await login(c, five, code5);
  expectError(r, 400, 'code_invalid', 'code', 'the right code after 5 wrong ones');
});

test('wrong tries from several clients add up', async () => {
  const phone = freshPhone();
  const code = await sendCode(srv, new Client(srv.url), phone);
  await Promise.all([0, 1, 2, 3, 4].map(() => login(new Client(srv.url), phone, otherCode(code))));
  expectError(await login(new Client(srv.url), phone, code), 400, 'code_invalid', 'code');
});

test('malformed codes are refused with field code', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  await sendCode(srv, c, phone);
  for (const code of ['12345', '1234567', 'abcdef', '12345a', ' 123456']) {
    expectError(await login(c, phone, code), 400, 'invalid_field', 'code', code);
  }
  expectError(await login(c, phone, 123456), 400, 'invalid_field', 'code', 'number');
});

test('a login code cannot change the bound phone, a change-phone code cannot log in', async () => {
  const w = await register(srv);
  const target = freshPhone();
  // A login code for the target phone, tried on the phone change.
  const loginCode = await sendCode(srv, new Client(srv.url), target);
  let r = await w.client.post('/api/v1/account/phone', { password: w.password, phone: target, code: loginCode });
  expectError(r, 400, 'code_invalid', 'code');
  // It still logs in (a cross-purpose try does not consume it).
  r = await login(new Client(srv.url), target, loginCode);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'profile_required');

  await srv.advance(60);
  const other = freshPhone();
  r = await w.client.post('/api/v1/account/phone/sms-code', { phone: other });
  assert.equal(r.status, 202, r.text);
  const changeCode = await srv.waitForSms(other);
  assert.match((srv.sms().filter((m) => m.to === other).pop()).text, /更换绑定手机/);
  r = await login(new Client(srv.url), other, changeCode);
  expectError(r, 400, 'code_invalid', 'code');
  r = await w.client.post('/api/v1/account/phone', { password: w.password, phone: other, code: changeCode });
  assert.equal(r.status, 200, 'the change-phone code still works for its purpose: ' + r.text);
});

test('a second send within 60 s is refused with retry_after; after 60 s it is allowed', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  assert.equal((await send(c, phone)).status, 202);
  let r = await send(c, phone);
  expectError(r, 429, 'rate_limited', undefined, 'right away');
  assert.ok(r.body.error.retry_after >= 58 && r.body.error.retry_after <= 60, 'retry_after ≈ 60: ' + r.text);
  assert.match(r.body.error.message, new RegExp(`${r.body.error.retry_after}秒`), 'the message names the wait');
  await srv.advance(5);
  r = await send(c, phone);
  expectError(r, 429, 'rate_limited');
  assert.ok(Number.isInteger(r.body.error.retry_after), r.text);
  assert.ok(r.body.error.retry_after >= 53 && r.body.error.retry_after <= 55, 'retry_after ≈ 55: ' + r.text);
  // A second client does not get around it.
  expectError(await send(new Client(srv.url), phone), 429, 'rate_limited');
  await srv.advance(55);
  r = await send(c, phone);
  assert.equal(r.status, 202, r.text);
  assert.equal(srv.sms().filter((m) => m.to === phone).length >= 1, true);
});

test('at most 5 codes an hour per phone', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  for (let i = 0; i < 5; i++) {
    const r = await send(c, phone);
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
    await srv.advance(61);
  }
  let r = await send(c, phone);
  expectError(r, 429, 'rate_limited', undefined, '6th in the hour');
  // The first send leaves the hour window 3600 s after it was made (5 × 61 s ago).
  assert.ok(Math.abs(r.body.error.retry_after - (3600 - 5 * 61)) <= 2, r.text);
  await srv.advance(3600 - 5 * 61 + 1);
  r = await send(c, phone);
  assert.equal(r.status, 202, 'allowed once the first send leaves the hour: ' + r.text);
});

test('at most 10 codes a day per phone', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  let sent = 0;
  for (let hour = 0; hour < 2; hour++) {
    for (let i = 0; i < 5; i++) {
      const r = await send(c, phone);
      assert.equal(r.status, 202, `send ${sent + 1}: ${r.text}`);
      sent++;
      await srv.advance(61);
    }
    await srv.advance(3600);
  }
  let r = await send(c, phone);
  expectError(r, 429, 'rate_limited', undefined, '11th in the day');
  assert.ok(r.body.error.retry_after > 3600 && r.body.error.retry_after < 86400, r.text);
  await srv.advance(r.body.error.retry_after);
  r = await send(c, phone);
  assert.equal(r.status, 202, 'allowed a day later: ' + r.text);
});

test('at most 20 codes an hour per client address, unknown and known phones alike', async () => {
  const known = await register(srv); // one send
  await srv.advance(61);
  const c = new Client(srv.url);
  assert.equal((await send(c, known.phone)).status, 202); // two
  for (let i = 2; i < 20; i++) {
    const r = await send(c, freshPhone());
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
  }
  let r = await send(c, freshPhone());
  expectError(r, 429, 'rate_limited', undefined, '21st from the address');
  assert.ok(r.body.error.retry_after > 3000 && r.body.error.retry_after <= 3600, r.text);
  // Nothing was sent for the refused request.
  await srv.advance(3600);
  r = await send(c, freshPhone());
  assert.equal(r.status, 202, r.text);
});

test('the reply is the same for a known and an unknown phone', async () => {
  const known = await register(srv);
  await srv.advance(61);
  const unknown = freshPhone();
  const a = await send(new Client(srv.url), known.phone);
  const b = await send(new Client(srv.url), unknown);
  assert.equal(a.status, b.status);
  assert.equal(a.text, b.text);
  assert.equal(a.headers.get('content-type'), b.headers.get('content-type'));
  assert.deepEqual(a.headers.getSetCookie(), b.headers.getSetCookie());
  // And so are the refusals.
  const a2 = await send(new Client(srv.url), known.phone);
  const b2 = await send(new Client(srv.url), unknown);
  assert.equal(a2.status, 429);
  assert.equal(a2.status, b2.status);
  const digitless = (t) => t.replace(/\d+/g, '#'); // retry_after may differ by a second
  assert.equal(digitless(a2.text), digitless(b2.text));
  // Both got a code.
  assert.match(await srv.waitForSms(unknown), /^\d{6}$/);
});

test('one code used by several clients at once logs in exactly once', async () => {
  const w = await register(srv);
  await srv.advance(60);
  const code = await sendCode(srv, new Client(srv.url), w.phone);
  const rs = await Promise.all([0, 1, 2, 3, 4].map(() => login(new Client(srv.url), w.phone, code)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 400, 400, 400, 400], rs.map((r) => r.text).join('\n'));
});
