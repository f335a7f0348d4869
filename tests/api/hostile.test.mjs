// Hostile input on every endpoint of src/api/api.c: oversized bodies, malformed JSON, non-object
// JSON, wrong types, invalid UTF-8, overlong fields, SQL and HTML metacharacters, unknown paths
// and methods. Every answer is a 4xx with {"error":{"code","message"}} in Chinese — never a 5xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { startServer, repoRoot } from '../lib/server.mjs';
import { Client, STAFF_LOGIN_RESEND, STAFF_LOGIN_VERIFY, staffClient, staffPasswordStep } from '../lib/client.mjs';
import {
  addStaff, assertErrorShape, expectError, freshId, freshPhone, freshPassword, raw, register,
  registrationToken, sleep,
} from './helpers.mjs';

let srv, worker, staff;
const STAFF_PW = 'Passw0rdXyz1';

before(async () => {
  srv = await startServer();
  worker = await register(srv);
  const phone = freshPhone('15');
  const r = addStaff(srv, { phone, password: STAFF_PW });
  assert.equal(r.status, 0, r.stderr);
  const { client: c, response: l } = await staffClient(srv, { phone, password: STAFF_PW });
  assert.equal(l.status, 200, l.text);
  staff = { client: c, phone };
});
after(async () => { await srv.stop(); });

// Every route of src/api/api.c, read from the source so that new routes get the generic
// hostile checks too: method, path (":param" segments filled with 1) and who may call it.
function declaredRoutes() {
  const src = readFileSync(repoRoot + '/src/api/api.c', 'utf8');
  const table = src.slice(src.indexOf('routes[] = {'), src.indexOf('};', src.indexOf('routes[] = {')));
  return [...table.matchAll(/\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)",\s*(\w+),\s*([^,]+),\s*([^}]+)\}/g)].map((m) => ({
    m: m[1], pattern: m[2], p: m[2].replace(/:[a-z_]+/g, '1'), bodyCap: m[5].trim(),
    who: /ROUTE_STAFF/.test(m[4]) ? 'staff' : /ROUTE_WORKER/.test(m[4]) ? 'worker' : 'anon',
  }));
}

// The fields of the routes of the accounts area, with a valid body (types: s = string,
// b = bool, i = integer).
const FIELDS = {
  'POST /api/v1/auth/sms-code': { fields: { phone: 's', purpose: 's' }, base: () => ({ phone: freshPhone(), purpose: 'login' }) },
  'POST /api/v1/auth/sms-login': { fields: { phone: 's', code: 's', client: 's' }, base: () => ({ phone: freshPhone(), code: '123456', client: 'app' }) },
  'POST /api/v1/auth/register': {
    fields: { registration_token: 's', name: 's', id_number: 's', password: 's', password_confirm: 's', privacy_consent: 'b', client: 's' },
    base: () => ({ registration_token: 'A'.repeat(43), name: '张三', id_number: freshId(), password: 'Gh7abcdefg', password_confirm: 'Gh7abcdefg', privacy_consent: true, client: 'app' }),
  },
  'POST /api/v1/auth/password-login': { fields: { username: 's', password: 's', client: 's' }, base: () => ({ username: freshPhone(), password: 'Gh7abcdefg', client: 'app' }) },
  'POST /api/v1/account/password': {
    fields: { old_password: 's', new_password: 's', new_password_confirm: 's' },
    base: () => ({ old_password: worker.password, new_password: 'Gh7abcdefg', new_password_confirm: 'Gh7abcdefg' }),
  },
  'POST /api/v1/account/phone/sms-code': { fields: { phone: 's' }, base: () => ({ phone: freshPhone() }) },
  'POST /api/v1/account/phone': { fields: { password: 's', phone: 's', code: 's' }, base: () => ({ password: worker.password, phone: freshPhone(), code: '123456' }) },
  'POST /api/v1/admin/auth/login': { fields: { phone: 's', password: 's', client: 's' }, base: () => ({ phone: freshPhone('15'), password: 'Gh7abcdefg', client: 'app' }) },
  'POST /api/v1/admin/auth/login/verify': { fields: { challenge: 's', code: 's', client: 's' }, base: () => ({ challenge: 'A'.repeat(43), code: '123456', client: 'app' }) },
  'POST /api/v1/admin/auth/login/resend': { fields: { challenge: 's' }, base: () => ({ challenge: 'A'.repeat(43) }) },
  'POST /api/v1/admin/account/password': {
    fields: { old_password: 's', new_password: 's', new_password_confirm: 's' },
    base: () => ({ old_password: STAFF_PW, new_password: 'Gh7abcdefg', new_password_confirm: 'Gh7abcdefg' }),
  },
  'POST /api/v1/test/clock': { fields: { advance: 'i' }, base: () => ({ advance: 0 }) },
};
const ROUTES = declaredRoutes().map((r) => ({ ...r, ...(FIELDS[`${r.m} ${r.pattern}`] || {}) }));
const POSTS = ROUTES.filter((r) => r.m !== 'GET');
// The methods each path answers to (several routes may share a path).
const methodsOf = (p) => new Set(ROUTES.filter((r) => r.p === p).map((r) => r.m));
const WITH_FIELDS = ROUTES.filter((r) => r.fields);

function clientFor(route) {
  if (route.who === 'worker') return worker.client;
  if (route.who === 'staff') return staff.client;
  return new Client(srv.url);
}
// The session cookie, CSRF token and Origin a browser would send for this route.
function authHeaders(route) {
  const c = clientFor(route);
  const h = { Origin: srv.url };
  if (c.cookies.size) h.Cookie = c.cookieHeader();
  if (c.csrf) h['X-CSRF-Token'] = c.csrf;
  return h;
}
async function sessionsStillWork() {
  assert.equal((await worker.client.get('/api/v1/account')).status, 200, 'the worker session survives');
  assert.equal((await staff.client.get('/api/v1/admin/session')).body.authenticated, true, 'the staff session survives');
}

test('the route table is read from src/api/api.c', (t) => {
  const names = ROUTES.map((r) => `${r.m} ${r.pattern}`);
  assert.ok(ROUTES.length >= 17, names.join('\n'));
  for (const must of ['GET /api/v1/session', 'POST /api/v1/auth/register', 'POST /api/v1/admin/account/password', 'POST /api/v1/test/clock']) {
    assert.ok(names.includes(must), must);
  }
  // Field-level checks exist for the accounts routes; they must not go stale.
  for (const k of Object.keys(FIELDS)) assert.ok(names.includes(k), 'stale field table entry ' + k);
  const uncovered = ROUTES.filter((r) => r.m !== 'GET' && !r.fields && !/logout$/.test(r.p));
  if (uncovered.length) t.diagnostic('routes with generic checks only: ' + uncovered.map((r) => `${r.m} ${r.pattern}`).join(', '));
});

test('a body over 16 KiB → 413 body_too_large on every route', async (t) => {
  for (const route of ROUTES) {
    if (route.bodyCap !== '0') {
      t.diagnostic(`${route.m} ${route.pattern} has its own body cap (${route.bodyCap})`);
      continue;
    }
    const big = JSON.stringify({ phone: '13800001234', pad: 'x'.repeat(16 * 1024) });
    assert.ok(Buffer.byteLength(big) > 16 * 1024);
    const r = await raw(srv, { method: route.m, path: route.p, headers: { ...authHeaders(route), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) }, body: big });
    expectError(r, 413, 'body_too_large', undefined, `${route.m} ${route.p}`);
  }
  await sessionsStillWork();
});

test('exactly 16 KiB is accepted, 16 KiB + 1 byte is not', async () => {
  const make = (n) => {
    const head = '{"phone":"12","pad":"';
    return head + 'x'.repeat(n - head.length - 2) + '"}';
  };
  const at = make(16 * 1024);
  assert.equal(at.length, 16 * 1024);
  const ok = await new Client(srv.url).post('/api/v1/auth/sms-code', at);
  expectError(ok, 400, 'invalid_field', 'phone', 'exactly at the cap: read and validated');
  const over = await new Client(srv.url).post('/api/v1/auth/sms-code', make(16 * 1024 + 1));
  expectError(over, 413, 'body_too_large');
});

test('a chunked body over the cap (no Content-Length) → 413', async () => {
  for (const route of POSTS.filter((r) => r.bodyCap === '0')) {
    const chunk = 'x'.repeat(4096);
    const chunks = ['{"pad":"', chunk, chunk, chunk, chunk, chunk, '"}'];
    const r = await raw(srv, { method: route.m, path: route.p, headers: { ...authHeaders(route), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunks });
    expectError(r, 413, 'body_too_large', undefined, route.p);
  }
  await sessionsStillWork();
});

test('a huge body is refused and the server carries on', async () => {
  const body = Buffer.alloc(4 * 1024 * 1024, 0x41);
  try {
    const r = await raw(srv, { path: '/api/v1/auth/sms-code', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length }, body });
    expectError(r, 413, 'body_too_large');
  } catch (e) {
    // The server may close the connection before reading everything: that is fine too.
    assert.match(e.code || '', /ECONNRESET|EPIPE/);
  }
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
  await sessionsStillWork();
});

test('malformed JSON → 400 invalid_json on every route with a body', async () => {
  const bad = ['{', '{"phone":}', '{"phone": "13800001234"', "{'phone':'13800001234'}", '{"a":1,}', '{} x', '{}{}',
    '{"phone":"1","phone":"2"}', 'phone=13800001234', '\u0000', '{"a":"\\x41"}', '{"a":NaN}', '{"a":1e999}',
    '{"a":99999999999999999999999}', '{"a":"\\ud800"}', '{"a":"x\\u0000y"}', '\ufeff{}', '{"a":"' + '\t' + '"}'];
  for (const route of POSTS) {
    for (const b of bad) {
      const r = await clientFor(route).request(route.m, route.p, b);
      expectError(r, 400, 'invalid_json', undefined, `${route.p} ${JSON.stringify(b)}`);
    }
  }
  await sessionsStillWork();
});

test('JSON that is not an object → 400 on every route with a body', async () => {
  for (const route of POSTS) {
    for (const b of ['[]', '[{"phone":"13800001234"}]', '"13800001234"', '123', 'true', 'null', '""']) {
      const r = await clientFor(route).request(route.m, route.p, b);
      expectError(r, 400, 'invalid_json', undefined, `${route.p} ${b}`);
    }
  }
});

test('deeply nested JSON is refused without harm', async () => {
  const depth = 7000;
  const b = '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
  assert.ok(b.length < 16 * 1024);
  for (const route of POSTS) {
    const r = await clientFor(route).request(route.m, route.p, b);
    assert.ok(r.status >= 400 && r.status < 500, `${route.p} → ${r.status}`);
    assertErrorShape(r, route.p);
  }
  await sessionsStillWork();
});

test('invalid UTF-8 → 400 on every route with a body', async () => {
  const pieces = [
    Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xe0, 0x80, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0xe5, 0xbc]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  ];
  for (const route of POSTS) {
    const field = route.fields ? Object.keys(route.fields)[0] : 'x';
    for (const p of pieces) {
      for (const where of ['value', 'key']) {
        const body = where === 'value'
          ? Buffer.concat([Buffer.from(`{"${field}":"张`), p, Buffer.from('"}')])
          : Buffer.concat([Buffer.from('{"'), p, Buffer.from(`":"x","${field}":"1"}`)]);
        const r = await raw(srv, { method: route.m, path: route.p, headers: { ...authHeaders(route), 'Content-Type': 'application/json', 'Content-Length': body.length }, body });
        expectError(r, 400, undefined, undefined, `${route.p} ${where} ${p.toString('hex')}`);
        assert.ok(['invalid_json', 'invalid_field'].includes(r.body.error.code), r.text);
      }
    }
  }
  await sessionsStillWork();
});

test('wrong types → 400 naming the field, on every field of every route', async () => {
  const forString = [123, 1.5, -1, true, false, [], ['x'], {}, { $ne: null }, { $gt: '' }];
  const forBool = ['true', 'false', 1, 0, 'yes', [], {}, [true]];
  const forInt = ['10', 1.5, true, [], {}, -1, 400 * 86400 + 1];
  for (const route of WITH_FIELDS) {
    for (const [field, type] of Object.entries(route.fields)) {
      const values = type === 's' ? forString : type === 'b' ? forBool : forInt;
      for (const v of values) {
        const body = { ...route.base(), [field]: v };
        const r = await clientFor(route).post(route.p, body);
        expectError(r, 400, 'invalid_field', field, `${route.p} ${field}=${JSON.stringify(v)}`);
      }
    }
  }
  await sessionsStillWork();
  assert.equal((await new Client(srv.url).post('/api/v1/auth/password-login', { username: worker.phone, password: worker.password })).status, 200, 'the password did not change');
});

test('missing required fields → 400 required naming the field', async () => {
  const optional = new Set(['purpose', 'client', 'privacy_consent']);
  for (const route of WITH_FIELDS) {
    if (route.p === '/api/v1/test/clock') continue;
    for (const field of Object.keys(route.fields)) {
      if (optional.has(field)) continue;
      for (const v of [undefined, null, '']) {
        const body = { ...route.base(), [field]: v };
        if (v === undefined) delete body[field];
        const r = await clientFor(route).post(route.p, body);
        expectError(r, 400, 'required', field, `${route.p} without ${field} (${JSON.stringify(v)})`);
      }
    }
  }
});

test('overlong fields → 400 naming the field, on every field of every route', async () => {
  const over = {
    phone: '1' + '3'.repeat(11), code: '1234567', username: '1'.repeat(19), id_number: '1'.repeat(19),
    registration_token: 'A'.repeat(129), challenge: 'A'.repeat(129), name: '王'.repeat(31), password: 'a1'.repeat(129), password_confirm: 'a1'.repeat(129),
    old_password: 'a1'.repeat(129), new_password: 'a1'.repeat(129), new_password_confirm: 'a1'.repeat(129),
    client: 'a'.repeat(501), purpose: 'l'.repeat(501),
  };
  for (const route of WITH_FIELDS) {
    for (const [field, type] of Object.entries(route.fields)) {
      if (type !== 's') continue;
      for (const v of [over[field], 'x'.repeat(5000), '工'.repeat(4000)]) {
        assert.ok(v, field);
        const r = await clientFor(route).post(route.p, { ...route.base(), [field]: v });
        expectError(r, 400, undefined, field, `${route.p} ${field} length ${v.length}`);
        assert.ok(['invalid_field'].includes(r.body.error.code), r.text);
        assert.ok(!r.text.includes(v.slice(0, 50)), 'the input is not echoed');
      }
    }
  }
  // Too long for the password policy but within the field's size: the policy answers.
  const r = await worker.client.post('/api/v1/account/password', { old_password: worker.password, new_password: 'a1'.repeat(33), new_password_confirm: 'a1'.repeat(33) });
  expectError(r, 400, 'invalid_field', 'new_password');
  await sessionsStillWork();
});

test('control characters in text fields → 400', async () => {
  for (const [route, field] of [['/api/v1/auth/sms-code', 'purpose'], ['/api/v1/auth/password-login', 'client'], ['/api/v1/auth/password-login', 'password']]) {
    const base = ROUTES.find((x) => x.p === route).base();
    for (const v of ['a\u0001b', 'x\ny', 'x\u007f', 'x\rSet-Cookie: a=b']) {
      const r = await new Client(srv.url).post(route, { ...base, [field]: v });
      expectError(r, 400, 'invalid_field', field, `${route} ${field}=${JSON.stringify(v)}`);
    }
  }
});

test('SQL and HTML metacharacters: refused where they do not belong, stored nowhere', async () => {
  const c = new Client(srv.url);
  const phone = freshPhone();
  const idNumber = freshId();
  const token = await registrationToken(srv, c, phone);
  const password = freshPassword();
  const reg = (over) => c.post('/api/v1/auth/register', {
    registration_token: token, name: '张三', id_number: idNumber, password, password_confirm: password, privacy_consent: true, ...over,
  });
  const nasty = ["Robert'); DROP TABLE worker;--", '<script>alert(1)</script>', '张三<img src=x onerror=alert(1)>', "张三' OR '1'='1",
    '张三"; DELETE FROM session; --', '张三\\', '${7*7}', '{{7*7}}', '张三%00', '&lt;b&gt;'];
  for (const name of nasty) {
    const r = await reg({ name });
    expectError(r, 400, 'invalid_field', 'name', name);
    assert.ok(!r.text.includes('<script') && !r.text.includes('DROP'), 'not echoed');
  }
  for (const id of ["350203' OR '1'='1", '<script>alert(1)</script>', idNumber.slice(0, 10) + "'--"]) {
    expectError(await reg({ id_number: id }), 400, 'invalid_field', 'id_number', id);
  }
  for (const t of ["A'; DROP TABLE phone_proof;--", 'A'.repeat(20) + '<script>']) {
    expectError(await reg({ registration_token: t }), 400, 'invalid_field', 'registration_token', t);
  }
  expectError(await new Client(srv.url).post('/api/v1/auth/sms-code', { phone: "13800001234' OR '1'='1" }), 400, 'invalid_field', 'phone');
  expectError(await new Client(srv.url).post('/api/v1/auth/sms-code', { phone: freshPhone(), purpose: "login' OR '1'='1" }), 400, 'invalid_field', 'purpose');
  expectError(await new Client(srv.url).post('/api/v1/auth/sms-login', { phone: phone, code: "1' OR 1=1--" }), 400, 'invalid_field', 'code');
  expectError(await new Client(srv.url).post('/api/v1/auth/password-login', { username: "' OR 1=1--", password: 'x' }), 400, 'invalid_field', 'username');
  expectError((await staffPasswordStep(srv, { phone: "' OR 1=1--", password: 'x' })).response, 400, 'invalid_field', 'phone');
  for (const t of ["A'; DROP TABLE staff_challenge;--", 'A'.repeat(20) + '<script>']) {
    expectError(await new Client(srv.url).post(STAFF_LOGIN_VERIFY, { challenge: t, code: '123456' }), 400, 'invalid_field', 'challenge', t);
    expectError(await new Client(srv.url).post(STAFF_LOGIN_RESEND, { challenge: t }), 400, 'invalid_field', 'challenge', t);
  }
  // Nothing was stored: the account does not exist, and the same phone and ID register now.
  expectError(await new Client(srv.url).post('/api/v1/auth/password-login', { username: phone, password }), 401, 'invalid_credentials');
  expectError(await new Client(srv.url).post('/api/v1/auth/password-login', { username: idNumber, password }), 401, 'invalid_credentials');
  const ok = await reg({});
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.user.name, '张三');
  // The tables are all still there: earlier accounts and sessions work.
  await sessionsStillWork();
});

test('metacharacters where they are legal (passwords, the client field) are data, not code', async () => {
  const pw = "Robert'); DROP TABLE worker;--1";
  const w = await register(srv, { password: pw });
  const r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: pw, client: "app'; DROP TABLE session;--" });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.token, undefined, 'only "app" exactly asks for a token');
  const html = '<script>alert(1)</script>A1';
  const ch = await w.client.post('/api/v1/account/password', { old_password: pw, new_password: html, new_password_confirm: html });
  assert.equal(ch.status, 200, ch.text);
  assert.equal((await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.idNumber, password: html })).status, 200);
  await sessionsStillWork();
});

test('JSON responses escape what they echo and carry a JSON content type', async () => {
  const r = await worker.client.get('/api/v1/account');
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('unknown /api paths → 404 JSON', async () => {
  for (const path of ['/api/v1/nope', '/api/v2/session', '/api/', '/api/v1/', '/api/v1/session/', '/api/v1//session', '/api/v1/SESSION',
    '/api/v1/session/extra', '/api/v1/auth', '/api/v1/auth/sms-code/x', '/api/v1/admin', '/api/v1/test', '/api/v1/' + 'a'.repeat(3000),
    '/api/v1/%00', '/api/v1/%ff%fe', '/api/v1/../v1/session/x']) {
    for (const m of ['GET', 'POST']) {
      const r = await raw(srv, { method: m, path, headers: { 'Content-Type': 'application/json', Origin: srv.url }, body: m === 'POST' ? '{}' : undefined });
      expectError(r, 404, 'not_found', undefined, `${m} ${path.slice(0, 60)}`);
    }
  }
});

test('the wrong method → 405 JSON on every route', async () => {
  for (const route of ROUTES) {
    const others = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => !methodsOf(route.p).has(m));
    for (const m of others) {
      const r = await raw(srv, { method: m, path: route.p, headers: { ...authHeaders(route), 'Content-Type': 'application/json' }, body: m === 'GET' ? undefined : '{}' });
      expectError(r, 405, 'method_not_allowed', undefined, `${m} ${route.p}`);
    }
    const o = await raw(srv, { method: 'OPTIONS', path: route.p, headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.ok(o.status === 405 || o.status === 404 || o.status === 204, `OPTIONS ${route.p} → ${o.status}`);
    assert.equal(o.headers.get('access-control-allow-origin'), null, 'no CORS');
  }
});

test('GET routes with junk query strings, cookies and headers', async () => {
  for (const route of ROUTES.filter((r) => r.m === 'GET')) {
    for (const q of ['?x=<script>', '?%ff%fe=%00', '?' + 'a=b&'.repeat(200), "?id=1'%20OR%20'1'='1", '?q=%ff%fe', "?q='%20OR%201=1--",
      '?q=<script>&page=-1&page_size=99999999999999999999', '?q=' + encodeURIComponent('工'.repeat(300)), '?q=a&q=b&page=abc']) {
      const r = await raw(srv, { method: 'GET', path: route.p + q, headers: { Cookie: authHeaders(route).Cookie || '' } });
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${route.p}${q.slice(0, 30)} → ${r.status}`);
      if (r.status !== 200) assertErrorShape(r, route.p + q.slice(0, 30));
      assert.ok(!r.text.includes('<script>'), 'not echoed raw');
    }
    for (const headers of [
      { Cookie: 'gh_session=' + 'x'.repeat(8000) }, { Cookie: 'gh_session=\u00ff\u00fe; gh_staff=;;;=;' },
      { Authorization: 'Bearer ' + '\u00ff'.repeat(43) }, { Authorization: 'Bearer ' + 'A'.repeat(5000) },
      { 'X-Forwarded-For': '<script>, 999.999.999.999, ::ffff:zz' }, { 'X-CSRF-Token': 'x'.repeat(5000) },
    ]) {
      const r = await raw(srv, { method: 'GET', path: route.p, headers });
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${route.p} ${JSON.stringify(headers).slice(0, 60)} → ${r.status}`);
      if (r.status !== 200) assertErrorShape(r);
    }
  }
});

test('invalid UTF-8 in a query string → 400, on every engine', async () => {
  const cookie = worker.client.cookieHeader();
  for (const q of ['%ff%fe', '%e5%bc', 'ab%c0%af', '%ed%a0%80', '%f8%88%80%80%80']) {
    const r = await raw(srv, { method: 'GET', path: '/api/v1/units?q=' + q, headers: { Cookie: cookie } });
    expectError(r, 400, 'invalid_field', 'q', 'units q=' + q);
  }
  // Every GET route, with invalid UTF-8 in every query parameter any handler reads.
  // (PostgreSQL refuses such bytes: a handler passing them on answers 503.)
  const handlers = readdirSync(repoRoot + '/src/api').filter((f) => f.endsWith('.c')).map((f) => readFileSync(repoRoot + '/src/api/' + f, 'utf8')).join('\n');
  const names = [...new Set([...handlers.matchAll(/req_query\(r, "([a-z_]+)"\)/g)].map((m) => m[1]))];
  assert.ok(names.includes('q'), names.join());
  for (const route of ROUTES.filter((r) => r.m === 'GET')) {
    for (const name of [...names, 'x']) {
      const path = `${route.p}?${name}=%ff%fe%e5%bc`;
      const r = await raw(srv, { method: 'GET', path, headers: { Cookie: authHeaders(route).Cookie || '' } });
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${path} → ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status !== 200) assertErrorShape(r, path);
    }
  }
});

test('junk in path parameters → 4xx, never 5xx', async () => {
  const withParams = ROUTES.filter((r) => r.pattern.includes('/:'));
  for (const route of withParams) {
    for (const v of ['0', '-1', '99999999999999999999999', '1e3', '0x10', '%ff%fe', "1'%20OR%20'1'='1", '%3Cscript%3E', 'a'.repeat(300), '1.5', '+1', '%20']) {
      const path = route.pattern.replace(/:[a-z_]+/g, v);
      const r = await raw(srv, { method: route.m, path, headers: { ...authHeaders(route), 'Content-Type': 'application/json' }, body: route.m === 'GET' ? undefined : '{}' });
      assert.ok(r.status >= 400 && r.status < 500, `${route.m} ${path.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`);
      assertErrorShape(r, `${route.m} ${path.slice(0, 80)}`);
    }
  }
});

test('the test clock refuses bad values', async () => {
  const c = new Client(srv.url, { origin: null });
  for (const v of [-1, '60', 1.5, 400 * 86400 + 1, null, true, [], {}]) {
    expectError(await c.post('/api/v1/test/clock', { advance: v }), 400, 'invalid_field', 'advance', JSON.stringify(v));
  }
  expectError(await c.post('/api/v1/test/clock', {}), 400, 'invalid_field', 'advance');
});

test('broken HTTP does not hurt the server', async () => {
  const send = (text, waitMs = 300) => new Promise((resolve) => {
    const s = connect(srv.port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.write(text);
    setTimeout(() => s.destroy(), waitMs);
  });
  await send('POST /api/v1/auth/sms-code HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"phone":');
  await send('POST /api/v1/auth/sms-code HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}');
  await send('POST /api/v1/auth/sms-code HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}');
  await send('POST /api/v1/auth/sms-code HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n{}');
  await send('POST /api/v1/auth/sms-code HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
  await send('GET /api/v1/session HTTP/1.1\r\nHost: x\r\n' + 'X-A: b\r\n'.repeat(500) + '\r\n');
  await send('GET /api/v1/session HTTP/1.1\r\nHost: x\r\nCookie: ' + 'a'.repeat(70000) + '\r\n\r\n');
  await send('GET /' + 'a'.repeat(70000) + ' HTTP/1.1\r\nHost: x\r\n\r\n');
  await send('\x00\x01\x02\xff\r\n\r\n');
  await send('GET /api/v1/session HTTP/9.9\r\n\r\n');
  // Several headers of the same name, one of them an allowed Origin.
  const r = await raw(srv, { path: '/api/v1/account/password', headers: { Cookie: worker.client.cookieHeader(), Origin: ['https://evil.example', srv.url], 'X-CSRF-Token': worker.csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ old_password: worker.password, new_password: 'Gh7abcdefg', new_password_confirm: 'Gh7abcdefg' }) });
  assert.ok(r.status === 403 || r.status === 200, 'two Origins → ' + r.status + ' ' + r.text);
  if (r.status === 200) worker.password = 'Gh7abcdefg';
  await sleep(50);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
  await sessionsStillWork();
});
