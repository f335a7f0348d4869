// Health probes, the / redirect by user agent, security headers, public reference data, what the
// log must never hold, and the test-only clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { expectError, freshId, freshPhone, raw, register, sendCode } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

function assertSecurityHeaders(r, label) {
  const csp = r.headers.get('content-security-policy') || '';
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [k, ...v] = d.split(/\s+/);
    return [k, v.join(' ')];
  }));
  assert.equal(directives['script-src'], "'self'", `${label}: script-src 'self' only — ${csp}`);
  assert.equal(directives['frame-ancestors'], "'none'", `${label}: ${csp}`);
  assert.ok(!/unsafe-eval/.test(csp), label);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', label);
  assert.match(r.headers.get('referrer-policy') || '', /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/, label);
}

test('/healthz and /readyz', async () => {
  let r = await fetch(srv.url + '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
  assert.match(r.headers.get('content-type'), /application\/json/);
  r = await fetch(srv.url + '/readyz');
  assert.equal(r.status, 200);
  assert.equal((await r.json()).status, 'ready');
  r = await fetch(srv.url + '/healthz', { method: 'POST' });
  assert.ok(r.status === 405 || r.status === 404, 'POST /healthz → ' + r.status);
});

test('/ sends phones to /h5/ and others to /pc/', async () => {
  const agents = {
    '/h5/': [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.42',
    ],
    '/pc/': [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
      'curl/8.0',
      '',
    ],
  };
  for (const [where, list] of Object.entries(agents)) {
    for (const ua of list) {
      const r = await fetch(srv.url + '/', { redirect: 'manual', headers: ua ? { 'User-Agent': ua } : {} });
      assert.ok(r.status === 302 || r.status === 303 || r.status === 307, `${ua}: ${r.status}`);
      assert.equal(r.headers.get('location'), where, ua);
    }
  }
  // The sites are served.
  for (const site of ['/pc/', '/h5/']) {
    const r = await fetch(srv.url + site);
    assert.equal(r.status, 200, site);
    assert.match(r.headers.get('content-type'), /text\/html/);
  }
});

test('security headers on API, static, redirect and error responses', async () => {
  const c = new Client(srv.url);
  assertSecurityHeaders(await c.get('/api/v1/session'), 'API 200');
  assertSecurityHeaders(await c.get('/api/v1/account'), 'API 401');
  assertSecurityHeaders(await c.post('/api/v1/auth/sms-code', '{'), 'API 400');
  assertSecurityHeaders(await c.get('/api/v1/nope'), 'API 404');
  assertSecurityHeaders(await raw(srv, { path: '/api/v1/auth/sms-code', headers: { 'Content-Length': 20000 }, body: 'x'.repeat(20000) }), 'API 413');
  assertSecurityHeaders(await fetch(srv.url + '/healthz'), '/healthz');
  assertSecurityHeaders(await fetch(srv.url + '/readyz'), '/readyz');
  assertSecurityHeaders(await fetch(srv.url + '/pc/'), 'static /pc/');
  assertSecurityHeaders(await fetch(srv.url + '/h5/'), 'static /h5/');
  assertSecurityHeaders(await fetch(srv.url + '/admin/'), 'static /admin/');
  assertSecurityHeaders(await fetch(srv.url + '/', { redirect: 'manual' }), 'redirect');
  assertSecurityHeaders(await fetch(srv.url + '/no/such/page'), 'static 404');
  // API answers are never cached.
  assert.match((await c.get('/api/v1/session')).headers.get('cache-control') || '', /no-store/);
});

test('regions and the privacy notice are public', async () => {
  const c = new Client(srv.url);
  let r = await c.get('/api/v1/regions');
  assert.equal(r.status, 200);
  assert.equal(r.body.districts.length, 6);
  const siming = r.body.districts.find((d) => d.code === '350203');
  assert.equal(siming.name, '思明区');
  assert.ok(siming.streets.some((s) => s.name === '鼓浪屿街道' && s.kind === 'street'));
  const all = r.body.districts.flatMap((d) => d.streets);
  assert.ok(all.some((s) => s.kind !== 'street'), 'zones and towns are listed too');
  r = await c.get('/api/v1/privacy-notice');
  assert.equal(r.status, 200);
  assert.equal(r.body.version, '2026-11');
  assert.equal(r.body.title, '隐私政策');
  assert.ok(r.body.text.length > 50);
});

test('the log holds no code, password, token or full ID number', async () => {
  const idNumber = freshId({ endsWithX: true });
  const password = 'Secret' + Math.floor(Math.random() * 1e8) + 'q';
  const secrets = [];
  // Register (code, registration token, password, ID with a lowercase x).
  const c = new Client(srv.url);
  const phone = freshPhone();
  const code1 = await sendCode(srv, c, phone);
  let r = await c.post('/api/v1/auth/sms-login', { phone, code: code1 });
  const regToken = r.body.registration_token;
  r = await c.post('/api/v1/auth/register', {
    registration_token: regToken, name: '日志测', id_number: idNumber.slice(0, 17) + 'x', password, password_confirm: password, privacy_consent: true,
  });
  assert.equal(r.status, 201, r.text);
  secrets.push(code1, regToken, password, c.cookies.get('gh_session'), r.body.csrf_token);
  // Password logins by phone and by ID, one failing, one for the app.
  const wrongPassword = 'Wrong' + Math.floor(Math.random() * 1e8) + 'x';
  r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: idNumber, password: wrongPassword });
  assert.equal(r.status, 401);
  const byId = new Client(srv.url);
  r = await byId.post('/api/v1/auth/password-login', { username: idNumber.slice(0, 17) + 'x', password });
  assert.equal(r.status, 200);
  secrets.push(wrongPassword, byId.cookies.get('gh_session'), r.body.csrf_token);
  r = await new Client(srv.url).post('/api/v1/auth/password-login', { username: phone, password, client: 'app' });
  secrets.push(r.body.token);
  // An SMS login, a wrong code and a password change.
  await srv.advance(61);
  const code2 = await sendCode(srv, c, phone);
  const wrongCode = String((Number(code2) + 7) % 1e6).padStart(6, '0');
  assert.equal((await c.post('/api/v1/auth/sms-login', { phone, code: wrongCode })).status, 400);
  r = await c.post('/api/v1/auth/sms-login', { phone, code: code2 });
  assert.equal(r.status, 200);
  secrets.push(code2, wrongCode, c.cookies.get('gh_session'));
  const newPassword = 'Changed' + Math.floor(Math.random() * 1e8) + 'z';
  assert.equal((await c.post('/api/v1/account/password', { old_password: password, new_password: newPassword, new_password_confirm: newPassword })).status, 200);
  secrets.push(newPassword);
  // A phone change (its code goes to the new phone).
  await srv.advance(61);
  const newPhone = freshPhone();
  assert.equal((await c.post('/api/v1/account/phone/sms-code', { phone: newPhone })).status, 202);
  const code3 = await srv.waitForSms(newPhone);
  assert.equal((await c.post('/api/v1/account/phone', { password: newPassword, phone: newPhone, code: code3 })).status, 200);
  secrets.push(code3);
  await srv.waitForSmsMessage(phone); // the notice to the old phone has gone out
  const log = srv.log();
  assert.ok(log.length > 0);
  for (const s of secrets) {
    assert.ok(typeof s === 'string' && s.length >= 6, 'secret collected: ' + s);
    assert.ok(!log.includes(s), `the log contains a secret (${s.slice(0, 3)}…)`);
  }
  for (const id of [idNumber, idNumber.toLowerCase(), idNumber.slice(0, 17)]) {
    assert.ok(!log.includes(id), 'the log contains the ID number');
  }
});

test('the test clock moves time; it answers with the new time', async () => {
  const t0 = await srv.advance(0);
  const t1 = await srv.advance(3600);
  assert.ok(t1 - t0 >= 3600 && t1 - t0 <= 3602);
  const nowReal = Math.floor(Date.now() / 1000);
  assert.ok(t1 > nowReal, 'the server clock is ahead of the real one');
});

test('/api/v1/test/clock does not exist outside test mode; dev mode answers normally', async () => {
  const dev = await startServer({ env: { GONGHUI_MODE: 'dev' } });
  try {
    const c = new Client(dev.url, { origin: null });
    const r = await c.post('/api/v1/test/clock', { advance: 3600 });
    expectError(r, 404, 'not_found');
    const r2 = await c.post('/api/v1/test/clock', 'garbage');
    expectError(r2, 404, 'not_found');
    assert.equal((await fetch(dev.url + '/healthz')).status, 200);
    assert.equal((await c.get('/api/v1/session')).status, 200);
    // Dev mode writes the demo staff logins to a private file, not to the log.
    const { statSync, readFileSync } = await import('node:fs');
    const file = dev.dataDir + '/demo-accounts.txt';
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const line = readFileSync(file, 'utf8').split('\n').find((l) => /^platform_admin\t/.test(l));
    const [, staffPhone, staffPassword] = line.split('\t');
    assert.ok(!dev.log().includes(staffPassword), 'demo password not in the log');
    const { response: s } = await staffClient(dev, { phone: staffPhone, password: staffPassword });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.staff.role, 'platform_admin');
  } finally {
    await dev.stop();
  }
});

test('with an https base URL the cookie is Secure, HSTS is sent and Origin must be that URL', async () => {
  const s = await startServer({ env: { GONGHUI_BASE_URL: 'https://gonghui.example.cn' } });
  try {
    const w = await register(s);
    const login = await new Client(s.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
    assert.match(login.headers.getSetCookie()[0], /;\s*Secure/i);
    assert.match(login.headers.get('strict-transport-security') || '', /max-age=\d+/);
    // The site's own origin is accepted; in test mode the listen address too.
    const ok = await w.client.post('/api/v1/account/password', { old_password: w.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' }, { headers: { Origin: 'https://gonghui.example.cn' } });
    assert.equal(ok.status, 200, ok.text);
    const bad = await w.client.post('/api/v1/auth/logout', {}, { headers: { Origin: 'http://gonghui.example.cn' } });
    expectError(bad, 403, 'origin');
  } finally {
    await s.stop();
  }
});
