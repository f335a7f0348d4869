// The client address behind the per-address limits: the socket's peer, or the last
// X-Forwarded-For hop when the peer is a trusted proxy (GONGHUI_TRUSTED_PROXIES, empty by
// default); IPv6 counts per /64; the per-address connection cap spares trusted proxies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { expectError, freshPhone, sleep } from './helpers.mjs';

let plain, proxied;
before(async () => {
  [plain, proxied] = await Promise.all([
    startServer(),
    startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } }),
  ]);
});
after(async () => { await Promise.all([plain.stop(), proxied.stop()]); });

const sendFrom = (srv, xff, phone = freshPhone()) => new Client(srv.url).post('/api/v1/auth/sms-code', { phone }, xff ? { headers: { 'X-Forwarded-For': xff } } : undefined);
const failFrom = (srv, xff) => new Client(srv.url).post('/api/v1/auth/password-login', { username: freshPhone(), password: 'Nope12345678' }, xff ? { headers: { 'X-Forwarded-For': xff } } : undefined);

test('without trusted proxies, X-Forwarded-For does not escape the per-address SMS cap', async () => {
  await plain.advance(3601);
  for (let i = 0; i < 20; i++) {
    const r = await sendFrom(plain, `10.1.${i}.1`);
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
  }
  for (const xff of ['10.9.9.9', '10.9.9.8, 10.9.9.7', '2001:db8::1', 'unknown', '']) {
    expectError(await sendFrom(plain, xff), 429, 'rate_limited', undefined, 'XFF ' + xff);
  }
});

test('behind a trusted proxy, the last X-Forwarded-For hop is the client', async () => {
  await proxied.advance(3601);
  for (let i = 0; i < 20; i++) {
    const r = await sendFrom(proxied, '198.51.100.7');
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
  }
  expectError(await sendFrom(proxied, '198.51.100.7'), 429, 'rate_limited');
  // A spoofed first hop does not help: the proxy appends the real address last.
  expectError(await sendFrom(proxied, '203.0.113.1, 198.51.100.7'), 429, 'rate_limited');
  expectError(await sendFrom(proxied, '203.0.113.1,198.51.100.7'), 429, 'rate_limited');
  // Other addresses have their own cap.
  assert.equal((await sendFrom(proxied, '198.51.100.8')).status, 202);
  assert.equal((await sendFrom(proxied, '198.51.100.7, 198.51.100.9')).status, 202);
  // The proxy itself (no header) is one more address.
  assert.equal((await sendFrom(proxied, null)).status, 202);
});

test('IPv6 clients count per /64', async () => {
  await proxied.advance(3601);
  for (let i = 0; i < 20; i++) {
    const r = await sendFrom(proxied, `2001:db8:1:2::${(i + 1).toString(16)}`);
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
  }
  expectError(await sendFrom(proxied, '2001:db8:1:2:ffff:ffff:ffff:ffff'), 429, 'rate_limited', undefined, 'same /64');
  assert.equal((await sendFrom(proxied, '2001:db8:1:3::1')).status, 202, 'the next /64');
});

test('an unparsable last hop falls back to the proxy address', async () => {
  await proxied.advance(3601);
  for (let i = 0; i < 20; i++) {
    const r = await sendFrom(proxied, i % 2 ? 'garbage' : '999.1.1.1');
    assert.equal(r.status, 202, `send ${i + 1}: ${r.text}`);
  }
  expectError(await sendFrom(proxied, null), 429, 'rate_limited', undefined, 'all counted as the proxy');
  expectError(await sendFrom(proxied, 'not-an-ip'), 429, 'rate_limited');
});

test('failed logins are capped per client address behind a proxy too', async () => {
  await proxied.advance(3601);
  for (let i = 0; i < 100; i += 10) {
    const rs = await Promise.all(Array.from({ length: 10 }, () => failFrom(proxied, '192.0.2.50')));
    for (const r of rs) expectError(r, 401, 'invalid_credentials');
  }
  expectError(await failFrom(proxied, '192.0.2.50'), 429, 'rate_limited');
  expectError(await failFrom(proxied, '192.0.2.51'), 401, 'invalid_credentials', undefined, 'another client is not blocked');
});

test('without trusted proxies, X-Forwarded-For does not escape the failed-login cap', async () => {
  await plain.advance(3601);
  for (let i = 0; i < 100; i += 10) {
    const rs = await Promise.all(Array.from({ length: 10 }, (_, j) => failFrom(plain, `10.2.${i}.${j}`)));
    for (const r of rs) expectError(r, 401, 'invalid_credentials');
  }
  expectError(await failFrom(plain, '10.3.3.3'), 429, 'rate_limited');
});

// Opens n idle keep-alive connections; returns how many the server kept open.
async function openConnections(srv, n) {
  const sockets = [];
  for (let i = 0; i < n; i++) {
    const s = connect(srv.port, '127.0.0.1');
    s.dead = false;
    s.on('close', () => { s.dead = true; });
    s.on('error', () => { s.dead = true; });
    sockets.push(s);
    await new Promise((r) => s.once('connect', r).once('error', r));
  }
  await sleep(300);
  // Probe each socket with a request: refused ones are closed by the server.
  const answered = await Promise.all(sockets.map((s) => new Promise((resolve) => {
    if (s.dead) return resolve(false);
    let got = '';
    s.on('data', (d) => { got += d; if (got.includes('\r\n\r\n')) resolve(true); });
    s.on('close', () => resolve(got.length > 0));
    s.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    setTimeout(() => resolve(got.length > 0), 3000);
  })));
  for (const s of sockets) s.destroy();
  return answered.filter(Boolean).length;
}

test('the per-address connection cap applies to ordinary peers, not to trusted proxies', async () => {
  const env = { GONGHUI_PER_ADDRESS_CONNECTIONS: '16' };
  const [capped, trusted] = await Promise.all([
    startServer({ env }),
    startServer({ env: { ...env, GONGHUI_TRUSTED_PROXIES: '127.0.0.0/8' } }),
  ]);
  try {
    const a = await openConnections(capped, 24);
    // (The harness's own keep-alive connection may hold one of the 16.)
    assert.ok(a >= 14 && a <= 16, `the cap holds at 16: ${a} answered`);
    const b = await openConnections(trusted, 24);
    assert.equal(b, 24, 'a trusted proxy is not capped');
    await sleep(200);
    assert.equal((await fetch(capped.url + '/healthz')).status, 200, 'closed connections are released');
  } finally {
    await Promise.all([capped.stop(), trusted.stop()]);
  }
});
