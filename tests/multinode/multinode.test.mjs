// Two gonghui nodes on one PostgreSQL behind nginx (SPEC §8, "beyond one machine"): sessions,
// codes, staff login challenges and limits live in the database, so a session made on one node
// works on the other, a staff login's second step may land on either, and limits add up across
// nodes; writes acknowledged while a node is SIGKILLed hold, and the
// outbox messages the dead node had claimed are delivered by the survivor once their lease ends.
//
// nginx runs from a temporary prefix with a generated nginx.conf whose upstream block is the
// one in deploy/nginx/gonghui.conf (ports replaced) and which includes the shipped
// deploy/nginx/gonghui-proxy.conf unchanged.
//
// Run: scripts/with-postgres.sh node --test tests/multinode/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import {
  appendFileSync, chmodSync, closeSync, constants as fsConstants, existsSync,
  mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, makePgDatabase, freePort, repoRoot, binary, sleep } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PG = process.env.GONGHUI_TEST_PG;
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const skip = !PG
  ? 'GONGHUI_TEST_PG is unset: the multi-node test needs PostgreSQL; run it as `scripts/with-postgres.sh node --test tests/multinode/`'
  : !NGINX ? 'nginx is not installed (apt-get install nginx-light)' : false;
if (skip) console.log(`# multinode: skipped — ${skip}`);

const proxyConf = join(repoRoot, 'deploy/nginx/gonghui-proxy.conf');
const siteConf = join(repoRoot, 'deploy/nginx/gonghui.conf');

// --- fresh values, unique within the run (the database is fresh) ---------------------------
const runTag = String(100 + Math.floor(Math.random() * 800));
let phoneN = 0;
const nextPhone = () => '15' + runTag + String(++phoneN).padStart(6, '0');
let idN = 0;
function nextId() {
  const d = new Date(Date.UTC(1970, 0, 1) + (++idN) * 86400000);
  const body = '350203' + d.toISOString().slice(0, 10).replaceAll('-', '') + '123';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
}
let pwN = 0;
const nextPassword = () => `Mn${++pwN}x${Math.random().toString(36).slice(2, 8)}7`;
// Every anonymous request in the concurrent part comes from its own loopback address (all of
// 127/8 is local), so the per-address caps (20 codes an hour) never get in the way, and the
// address the app sees is the one nginx appended to X-Forwarded-For.
let addrN = 0;
function nextAddress() {
  const n = addrN++;
  return `127.77.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}
const maskPhone = (p) => p.slice(0, 3) + '****' + p.slice(7);
const maskId = (id) => id.slice(0, 4) + '*'.repeat(10) + id.slice(14);

// --- plain HTTP from a chosen local address (fetch cannot bind one) -----------------------
let origin = null; // the base URL: nginx's address
function call(method, url, body, { localAddress, headers = {}, timeout = 15000 } = {}) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const h = { ...(method !== 'GET' && origin ? { Origin: origin } : {}), ...headers };
    if (payload) {
      h['Content-Type'] ??= 'application/json';
      h['Content-Length'] = payload.length;
    }
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h,
      localAddress, agent: false, timeout,
    }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, text, body: json, headers: res.headers });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
    req.end(payload);
  });
}
// Outcomes a client cannot tell apart from "maybe done": no answer, or nginx's own failure
// (502/504, which the shipped config answers as a JSON 503 under /api/).
const unacknowledged = (r) => r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504;

// --- sms.jsonl, shared by both nodes -------------------------------------------------------
// The test makes sms.jsonl a named pipe and reads it. The development provider appends each
// message with one write() (a line is far below PIPE_BUF, so it arrives whole or not at all).
// While the test stops reading, the pipe fills and a node's sender blocks in write() with the
// rest of its claimed batch undelivered: a slow SMS gateway, on demand. Everything read is
// also copied to sms-copy.jsonl for inspection.
class SmsPipe {
  constructor(path) {
    this.path = path;
    const r = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('mkfifo: ' + r.stderr);
    // Read-write, so that the pipe always has a reader and a writer: writers never block in
    // open() and reads never see end-of-file.
    this.fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
    this.copy = path.replace(/\.jsonl$/, '-copy.jsonl');
    this.paused = false;
    this.rest = Buffer.alloc(0);
    this.all = [];
    this.byPhone = new Map();
    this.waiters = new Set();
    this.timer = setInterval(() => this.poll(), 20);
  }
  poll() {
    if (this.paused || this.fd === null) return;
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      let n;
      try { n = readSync(this.fd, buf, 0, buf.length, null); } catch (e) {
        if (e.code === 'EAGAIN') break;
        throw e;
      }
      if (!n) break;
      this.rest = Buffer.concat([this.rest, buf.subarray(0, n)]);
    }
    const end = this.rest.lastIndexOf(0x0a);
    if (end < 0) return;
    const text = this.rest.subarray(0, end + 1);
    this.rest = this.rest.subarray(end + 1);
    appendFileSync(this.copy, text);
    for (const l of text.toString('utf8').split('\n').filter(Boolean)) {
      const m = JSON.parse(l);
      this.all.push(m);
      if (!this.byPhone.has(m.to)) this.byPhone.set(m.to, []);
      this.byPhone.get(m.to).push(m);
    }
    for (const w of this.waiters) {
      const got = this.byPhone.get(w.phone);
      if (got) { this.waiters.delete(w); clearTimeout(w.timer); w.resolve(got[0]); }
    }
  }
  pause() { this.paused = true; }
  resume() { this.paused = false; this.poll(); }
  // The first SMS to phone (each phone here gets at most one), or null after timeoutMs.
  first(phone, timeoutMs = 5000) {
    const got = this.byPhone.get(phone);
    if (got) return Promise.resolve(got[0]);
    return new Promise((resolve) => {
      const w = { phone, resolve };
      w.timer = setTimeout(() => { this.waiters.delete(w); resolve(null); }, timeoutMs);
      this.waiters.add(w);
    });
  }
  async code(phone, timeoutMs) {
    const m = await this.first(phone, timeoutMs);
    return m ? (m.text.match(/\d{6}/) || [])[0] : null;
  }
  // Only once no node can write any more: a writer blocks in open() without a reader.
  close() {
    this.resume();
    clearInterval(this.timer);
    closeSync(this.fd);
    this.fd = null;
    for (const w of this.waiters) { clearTimeout(w.timer); w.resolve(null); }
    this.waiters.clear();
  }
}

// Whether the process's outbox sender thread ("gh-sender") is blocked writing to the pipe.
function senderBlockedOnPipe(pid, fifo) {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const dir = `/proc/${pid}/task/${tid}`;
      if (readFileSync(`${dir}/comm`, 'utf8').trim() !== 'gh-sender') continue;
      if (/pipe_write/.test(readFileSync(`${dir}/wchan`, 'utf8'))) return true;
      // Without wchan: the write system call (x86-64: 1, arm64: 64) on the pipe's descriptor.
      const [nr, fd] = readFileSync(`${dir}/syscall`, 'utf8').trim().split(' ');
      if ((nr === '1' || nr === '64') && readlinkSync(`/proc/${pid}/fd/${Number(fd)}`) === fifo) return true;
    }
  } catch { /* the process or thread is gone */ }
  return false;
}

function psql(db, sql) {
  const r = spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('psql: ' + r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('|'));
}

// --- nginx -----------------------------------------------------------------------------------
// The upstream block of the shipped example, pointed at the test's two ports.
function upstreamBlock(portA, portB) {
  const m = readFileSync(siteConf, 'utf8').match(/^upstream gonghui \{[\s\S]*?^\}/m);
  assert.ok(m, 'deploy/nginx/gonghui.conf has an `upstream gonghui { … }` block');
  const block = m[0].replace('127.0.0.1:8081', `127.0.0.1:${portA}`).replace('127.0.0.1:8082', `127.0.0.1:${portB}`);
  assert.ok(block.includes(`:${portA};`) && block.includes(`:${portB};`), 'the upstream names 127.0.0.1:8081 and :8082');
  return block;
}

async function startNginx(prefix, port, portA, portB) {
  const conf = `# generated by tests/multinode/multinode.test.mjs
daemon off;
master_process on;
worker_processes 2;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
${process.getuid() === 0 ? 'user nobody nogroup;' : ''}
events { worker_connections 1024; }
http {
    client_body_temp_path ${prefix}/body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    log_format multinode '$remote_addr "$request" $status up=$upstream_addr/$upstream_status $request_time';
    access_log ${prefix}/access.log multinode;

${upstreamBlock(portA, portB)}

    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        include ${proxyConf};
    }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const t = spawnSync(NGINX, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error('nginx -t:\n' + t.stderr);
  const proc = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited = null;
  const exit = new Promise((res) => proc.on('exit', (code, signal) => { exited = { code, signal }; res(exited); }));
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`nginx exited (${JSON.stringify(exited)}): ${stderr}\n${readFileSync(join(prefix, 'error.log'), 'utf8')}`);
    const r = await call('GET', `http://127.0.0.1:${port}/healthz`);
    if (r.status === 200) break;
    if (i > 200) throw new Error('nginx did not come up: ' + stderr);
    await sleep(25);
  }
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    accessLog: () => readFileSync(join(prefix, 'access.log'), 'utf8'),
    errorLog: () => readFileSync(join(prefix, 'error.log'), 'utf8'),
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    },
  };
}

// --- flows ---------------------------------------------------------------------------------
// SMS login + 信息完善 through a Client (cookies, CSRF); returns the account's details.
async function registerThrough(client, sms) {
  const phone = nextPhone(), idNumber = nextId(), password = nextPassword();
  let r = await client.post('/api/v1/auth/sms-code', { phone });
  assert.equal(r.status, 202, 'sms-code: ' + r.text);
  const code = await sms.code(phone);
  assert.ok(code, `an SMS to ${phone}`);
  r = await client.post('/api/v1/auth/sms-login', { phone, code });
  assert.equal(r.status, 200, 'sms-login: ' + r.text);
  assert.equal(r.body.status, 'profile_required', r.text);
  r = await client.post('/api/v1/auth/register', {
    registration_token: r.body.registration_token, name: '张三', id_number: idNumber,
    password, password_confirm: password, privacy_consent: true,
  });
  assert.equal(r.status, 201, 'register: ' + r.text);
  return { phone, idNumber, password, user: r.body.user };
}

function expectError(r, status, code, label = '') {
  const where = `${label} → ${r.status} ${r.text?.slice(0, 300) ?? r.error}`;
  assert.equal(r.status, status, where);
  assert.equal(r.body?.error?.code, code, where);
  assert.match(r.body.error.message, /[\u4e00-\u9fff]/, 'a Chinese message: ' + where);
}

describe('two nodes behind nginx on one PostgreSQL', { skip }, () => {
  let dataDir, prefix, A, B, nginx, sms, db;
  let bKilled = false, aStopped = false;
  let B2 = null, b2Stop = null; // B restarted, as systemd's Restart=on-failure would

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gonghui-multinode-'));
    prefix = mkdtempSync(join(tmpdir(), 'gonghui-nginx-'));
    chmodSync(prefix, 0o755); // nginx workers run as nobody
    const [nginxPort, portA, portB] = await Promise.all([freePort(), freePort(), freePort()]);
    origin = `http://127.0.0.1:${nginxPort}`;
    db = makePgDatabase();
    sms = new SmsPipe(join(dataDir, 'sms.jsonl'));
    // One key for both nodes, made before either starts (keygen refuses to overwrite).
    const k = spawnSync(binary, ['keygen'], { env: { ...process.env, GONGHUI_DATA_DIR: dataDir }, encoding: 'utf8' });
    if (k.status !== 0) throw new Error('keygen: ' + k.stderr);
    const env = { GONGHUI_BASE_URL: origin, GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' };
    // Both at once: migrations and seeding must serialise on the database's advisory locks.
    const started = await Promise.allSettled([
      startServer({ db, dataDir, port: portA, env }),
      startServer({ db, dataDir, port: portB, env }),
    ]);
    [A, B] = started.map((p) => (p.status === 'fulfilled' ? p.value : null));
    for (const p of started) if (p.status === 'rejected') throw p.reason;
    nginx = await startNginx(prefix, nginxPort, portA, portB);
  });

  after(async () => {
    const errors = [];
    sms?.resume();
    await nginx?.stop().catch((e) => errors.push(e));
    if (B && !bKilled) await B.stop().catch((e) => errors.push(e));
    if (B2 && !b2Stop) await B2.stop().catch((e) => errors.push(e));
    if (A && !aStopped) await A.stop().catch((e) => errors.push(e));
    sms?.close();
    if (!errors.length) {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (prefix) rmSync(prefix, { recursive: true, force: true });
    } else {
      console.log(`# kept ${dataDir} and ${prefix} for inspection`);
      throw errors[0];
    }
  });

  test('the shipped production gonghui.conf (TLS, redirect, upstream) passes nginx -t', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonghui-nginx-t-'));
    try {
      const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
        '-subj', '/CN=gonghui.example.cn', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
      assert.equal(cert.status, 0, 'openssl: ' + cert.stderr);
      const site = readFileSync(siteConf, 'utf8')
        .replace(/\/etc\/nginx\/tls\/[^;]*fullchain\.pem/, join(dir, 'cert.pem'))
        .replace(/\/etc\/nginx\/tls\/[^;]*privkey\.pem/, join(dir, 'key.pem'))
        .replace('include gonghui-proxy.conf;', `include ${proxyConf};`)
        .replaceAll('/var/log/nginx/', dir + '/');
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    include ${dir}/site.conf;\n}\n`);
      const r = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
      assert.equal(r.status, 0, 'nginx -t:\n' + r.stderr);
      assert.doesNotMatch(r.stderr, /\[(warn|emerg)\]/, r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a session made on node A carries on at node B (sessions live in the database)', async () => {
    const c = new Client(A.url, { origin });
    const acct = await registerThrough(c, sms);
    assert.ok(c.cookies.get('gh_session') && c.csrf, 'a session cookie and a CSRF token from A');
    // A second session of the same account, also on A.
    const other = new Client(A.url, { origin });
    let r = await other.post('/api/v1/auth/password-login', { username: acct.phone, password: acct.password });
    assert.equal(r.status, 200, 'password login on A: ' + r.text);

    c.base = B.url;
    r = await c.get('/api/v1/account');
    assert.equal(r.status, 200, 'GET /account on B: ' + r.text);
    assert.equal(r.body.user.id, acct.user.id);
    assert.equal(r.body.user.phone, maskPhone(acct.phone));
    r = await c.get('/api/v1/session');
    assert.equal(r.body.authenticated, true, r.text);
    assert.equal(r.body.csrf_token, c.csrf, 'B knows the CSRF token issued by A');

    const pw2 = nextPassword();
    const change = { old_password: acct.password, new_password: pw2, new_password_confirm: pw2 };
    expectError(await c.post('/api/v1/account/password', change, { headers: { 'X-CSRF-Token': 'x'.repeat(43) } }), 403, 'csrf', 'a wrong CSRF token on B');
    r = await c.post('/api/v1/account/password', change);
    assert.equal(r.status, 200, 'change the password on B: ' + r.text);

    // The change, made on B, ended the other session (made on A), checked on A.
    expectError(await other.get('/api/v1/account'), 401, 'unauthenticated', 'the other session on A');
    r = await c.get('/api/v1/account');
    assert.equal(r.status, 200, 'the changing session goes on: ' + r.text);
    c.base = A.url;
    assert.equal((await c.get('/api/v1/account')).status, 200, 'and goes on at A too');
    r = await new Client(A.url, { origin }).post('/api/v1/auth/password-login', { username: acct.idNumber, password: pw2 });
    assert.equal(r.status, 200, 'the new password on A: ' + r.text);
    expectError(await new Client(B.url, { origin }).post('/api/v1/auth/password-login', { username: acct.phone, password: acct.password }), 401, 'invalid_credentials', 'the old password on B');
  });

  test('limits are shared: resend interval, wrong codes and login lockout count across nodes', async () => {
    const ca = new Client(A.url, { origin }), cb = new Client(B.url, { origin });
    const phone = nextPhone();
    let r = await ca.post('/api/v1/auth/sms-code', { phone });
    assert.equal(r.status, 202, 'send through A: ' + r.text);
    const code = await sms.code(phone);
    assert.ok(code, 'the code arrived');
    r = await cb.post('/api/v1/auth/sms-code', { phone });
    expectError(r, 429, 'rate_limited', 'resend through B within 60 s');
    assert.ok(r.body.error.retry_after >= 1 && r.body.error.retry_after <= 60, 'retry_after: ' + r.text);

    for (let i = 0; i < 5; i++) {
      const wrong = String((Number(code) + 1 + i) % 1e6).padStart(6, '0');
      expectError(await (i % 2 ? cb : ca).post('/api/v1/auth/sms-login', { phone, code: wrong }), 400, 'code_invalid', `wrong code ${i + 1} through ${i % 2 ? 'B' : 'A'}`);
    }
    expectError(await cb.post('/api/v1/auth/sms-login', { phone, code }), 400, 'code_invalid', 'the right code after five wrong tries on two nodes');

    const acct = await registerThrough(new Client(A.url, { origin }), sms);
    for (let i = 0; i < 5; i++) {
      r = await (i % 2 ? cb : ca).post('/api/v1/auth/password-login', { username: acct.phone, password: acct.password + 'x' });
      if (i < 4) expectError(r, 401, 'invalid_credentials', `wrong password ${i + 1} through ${i % 2 ? 'B' : 'A'}`);
      else expectError(r, 423, 'account_locked', 'the fifth wrong password locks the account');
    }
    for (const [name, c] of [['A', ca], ['B', cb]]) {
      r = await c.post('/api/v1/auth/password-login', { username: acct.phone, password: acct.password });
      expectError(r, 423, 'account_locked', `the right password through ${name}`);
      assert.ok(r.body.error.retry_after > 800, 'locked for about 15 minutes: ' + r.text);
    }
  });

  test('a staff login\'s two steps on two nodes: the challenge, its wrong codes and the send limits are shared', async () => {
    // Two staff accounts, added with the CLI against the shared database.
    const addStaff = (phone) => {
      const r = spawnSync(binary, ['user', 'add', '--role', 'reviewer', '--phone', phone, '--name', '王审核', '--org', '350203'], {
        env: A.env, input: 'Passw0rdXyz1\n', encoding: 'utf8',
      });
      assert.equal(r.status, 0, 'user add: ' + r.stderr);
      return { phone, password: 'Passw0rdXyz1' };
    };
    const ca = new Client(A.url, { origin }), cb = new Client(B.url, { origin });
    const VERIFY = '/api/v1/admin/auth/login/verify', RESEND = '/api/v1/admin/auth/login/resend';

    // The password on A; wrong codes alternate between the nodes: the fifth ends the challenge.
    const s1 = addStaff(nextPhone());
    let r = await ca.post('/api/v1/admin/auth/login', s1);
    assert.equal(r.status, 200, 'password step on A: ' + r.text);
    const c1 = r.body.challenge;
    const code1 = await sms.code(s1.phone);
    assert.ok(code1, 'the staff login code arrived');
    for (let i = 0; i < 4; i++) {
      const wrong = String((Number(code1) + 1 + i) % 1e6).padStart(6, '0');
      expectError(await (i % 2 ? ca : cb).post(VERIFY, { challenge: c1, code: wrong }), 400, 'code_invalid', `wrong code ${i + 1} through ${i % 2 ? 'A' : 'B'}`);
    }
    expectError(await cb.post(VERIFY, { challenge: c1, code: '000000' === code1 ? '000001' : '000000' }), 400, 'challenge_expired', 'the fifth wrong code, on B');
    expectError(await ca.post(VERIFY, { challenge: c1, code: code1 }), 400, 'challenge_expired', 'the right code on A afterwards');

    // Another: the password on A, a resend on B within the minute is refused (the phone's
    // limits are shared), the code works on B and the session on A; then it is used up.
    const s2 = addStaff(nextPhone());
    r = await ca.post('/api/v1/admin/auth/login', s2);
    assert.equal(r.status, 200, r.text);
    const c2 = r.body.challenge;
    const code2 = await sms.code(s2.phone);
    expectError(await cb.post(RESEND, { challenge: c2 }), 429, 'rate_limited', 'resend through B within 60 s');
    r = await cb.post(VERIFY, { challenge: c2, code: code2 });
    assert.equal(r.status, 200, 'verify on B: ' + r.text);
    assert.equal(r.body.staff.phone, maskPhone(s2.phone));
    cb.base = A.url;
    assert.equal((await cb.get('/api/v1/admin/session')).body.authenticated, true, 'the session goes on at A');
    expectError(await ca.post(VERIFY, { challenge: c2, code: code2 }), 400, 'challenge_expired', 'used on B, replayed on A');
    assert.equal(psql(db, `SELECT COUNT(*) FROM staff_challenge WHERE used = 0 AND staff_id IN (SELECT id FROM staff WHERE phone IN ('${s1.phone}', '${s2.phone}'))`)[0][0], '0');
  });

  test('through nginx, the client address is the one nginx saw (X-Forwarded-For of the shipped config)', async () => {
    const addr = nextAddress();
    // Round robin spreads these over both nodes; the per-address cap still counts them all.
    for (let i = 0; i < 20; i++) {
      const r = await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }, { localAddress: addr });
      assert.equal(r.status, 202, `send ${i + 1} from ${addr}: ${r.text ?? r.error}`);
    }
    expectError(await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }, { localAddress: addr }), 429, 'rate_limited', 'the 21st from one address');
    expectError(await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }, { localAddress: addr, headers: { 'X-Forwarded-For': '203.0.113.9' } }), 429, 'rate_limited', 'a forged X-Forwarded-For does not help');
    const r = await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }, { localAddress: nextAddress() });
    assert.equal(r.status, 202, 'another address has its own cap: ' + r.text);
    const ups = new Set([...nginx.accessLog().matchAll(/"POST \/api\/v1\/auth\/sms-code[^"]*" \d+ up=([\d.:]+)\//g)].map((m) => m[1]));
    assert.deepEqual([...ups].sort(), [`127.0.0.1:${A.port}`, `127.0.0.1:${B.port}`].sort(), 'nginx used both nodes');
  });

  test('nginx passes appeal-sized bodies and answers oversized ones in the API error shape', async () => {
    // Over nginx's client_max_body_size (14m): nginx's own 413, as JSON.
    expectError(await call('POST', nginx.url + '/api/v1/auth/sms-code', Buffer.alloc(15 << 20, 0x20), { localAddress: nextAddress() }), 413, 'body_too_large', '15 MiB');
    // An appeal with two photos may be up to 14 MiB (API_BODY_UPLOAD): nginx lets 13 MiB
    // through (buffered to its temporary files), and the node answers.
    const r = await call('POST', nginx.url + '/api/v1/recover/appeal', Buffer.alloc(13 << 20, 0x20), { localAddress: nextAddress() });
    expectError(r, 400, 'invalid_json', 'a 13 MiB appeal body reaches the node');
    // Under nginx's limit but over the app's JSON cap (16 KiB): the node's 413 passes through.
    expectError(await call('POST', nginx.url + '/api/v1/auth/sms-code', Buffer.alloc(64 << 10, 0x20), { localAddress: nextAddress() }), 413, 'body_too_large', '64 KiB');
  });

  test('concurrent writes while node B is SIGKILLed: every acknowledged write holds', async (t) => {
    const RUN_MS = 8000, KILL_AT_MS = 4000;
    const smsAcked = new Map(); // phone → how acknowledged
    const phonesTried = new Set();
    const regs = []; // acknowledged registrations
    const violations = [];
    const tally = {};
    const count = (what, r) => {
      const k = `${what} ${r.status || r.error}`;
      tally[k] = (tally[k] || 0) + 1;
    };
    const violation = (what, r) => violations.push(`${what}: ${r.status} ${r.text?.slice(0, 200) ?? r.error}`);
    const post = (path, body, addr) => call('POST', nginx.url + path, body, { localAddress: addr || nextAddress() });
    let logins = 0, codesLate = 0;
    const started = Date.now(), deadline = started + RUN_MS;

    async function sendCode(phone, url = nginx.url) {
      phonesTried.add(phone);
      const r = await call('POST', url + '/api/v1/auth/sms-code', { phone }, { localAddress: nextAddress() });
      count('sms-code', r);
      if (r.status === 202) smsAcked.set(phone, url === nginx.url ? 'nginx' : 'B direct');
      else if (!unacknowledged(r)) violation('sms-code ' + phone, r);
      return r.status === 202;
    }

    async function registrations() {
      while (Date.now() < deadline) {
        const phone = nextPhone(), addr = nextAddress();
        if (!(await sendCode(phone))) continue;
        // A code the dead node claimed but never wrote arrives only after the lease: move on.
        const code = await sms.code(phone, 3000);
        if (!code) { codesLate++; continue; }
        let r = await post('/api/v1/auth/sms-login', { phone, code }, addr);
        count('sms-login', r);
        if (r.status !== 200 || r.body?.status !== 'profile_required') {
          if (!unacknowledged(r)) violation('sms-login ' + phone, r);
          continue;
        }
        const idNumber = nextId(), password = nextPassword();
        r = await post('/api/v1/auth/register', {
          registration_token: r.body.registration_token, name: '李四', id_number: idNumber,
          password, password_confirm: password, privacy_consent: true, client: 'app',
        }, addr);
        count('register', r);
        if (r.status === 201) {
          const g = { phone, idNumber, password, id: r.body.user.id, token: r.body.token };
          regs.push(g);
          await submitJoin(g, addr);
        } else if (!unacknowledged(r)) violation('register ' + phone, r);
      }
    }

    // 网上入会 submissions (bearer clients): consent, then a submit that may be retried with
    // the same request id on another node; an acknowledged submit must exist exactly once.
    async function submitJoin(g, addr) {
      const auth = { Authorization: `Bearer ${g.token}` };
      const c = await call('POST', nginx.url + '/api/v1/join/consent', { version: '2026-11' },
        { localAddress: addr, headers: auth });
      count('consent', c);
      if (c.status !== 201) {
        if (!unacknowledged(c)) violation('consent ' + g.phone, c);
        return;
      }
      const body = {
        kind: 'join', consent_id: c.body.consent_id, request_id: `mn-${g.id}-join`, submit: true,
        data: { residence: '厦门市思明区', employment: 'none', work_district: '350203', work_street: '350203001' },
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        const r = await call('POST', nginx.url + '/api/v1/applications', body, { localAddress: addr, headers: auth });
        count('submit', r);
        if (r.status === 201 || r.status === 200) {
          g.application = r.body.application.id;
          return;
        }
        if (!unacknowledged(r)) {
          violation('submit ' + g.phone, r);
          return;
        }
      }
    }

    async function passwordLogins() {
      while (Date.now() < deadline) {
        if (!regs.length) { await sleep(50); continue; }
        const g = regs[Math.floor(Math.random() * regs.length)];
        const username = Math.random() < 0.5 ? g.phone : g.idNumber;
        const r = await post('/api/v1/auth/password-login', { username, password: g.password });
        count('password-login', r);
        if (r.status === 200) {
          logins++;
          if (r.body.user.id !== g.id) violation(`login as ${username} gave another account`, r);
        } else if (!unacknowledged(r)) violation('password-login ' + username, r);
      }
    }

    async function codeSends() {
      while (Date.now() < deadline) await sendCode(nextPhone());
    }

    // Midway: the test stops reading the SMS pipe, so that senders block in write() with
    // claimed messages in hand; sends straight at B give B's sender work. As soon as B's
    // sender is blocked, B is SIGKILLed: what it had claimed stays claimed for the 60-second
    // lease, undelivered. Then the test reads again.
    let bBlocked = false, killEpoch = 0;
    async function killB() {
      await sleep(KILL_AT_MS);
      sms.pause();
      const direct = [];
      try {
        for (const t0 = Date.now(); !bBlocked && Date.now() - t0 < 10000;) {
          direct.push(sendCode(nextPhone(), B.url), sendCode(nextPhone(), B.url));
          await sleep(10);
          bBlocked = senderBlockedOnPipe(B.proc.pid, sms.path);
        }
        bKilled = true;
        const { signal } = await B.kill();
        killEpoch = Math.ceil(Date.now() / 1000);
        assert.equal(signal, 'SIGKILL', 'B died of SIGKILL');
      } finally {
        sms.resume();
      }
      await Promise.all(direct);
    }

    await Promise.all([
      ...Array.from({ length: 4 }, registrations),
      ...Array.from({ length: 2 }, passwordLogins),
      ...Array.from({ length: 2 }, codeSends),
      killB(),
    ]);
    const loopMs = Date.now() - started;

    // The survivor serves everything through nginx: B is marked down and requests that could
    // not reach it go to A.
    for (let i = 0; i < 10; i++) {
      const r = await call('GET', nginx.url + '/readyz');
      assert.equal(r.status, 200, `GET /readyz through nginx after the kill: ${r.text ?? r.error}`);
    }
    for (let i = 0; i < 10; i++) {
      const phone = nextPhone();
      assert.ok(await sendCode(phone), `POST sms-code ${i + 1} through nginx after the kill: ${JSON.stringify(tally)}`);
    }
    const survivor = await post('/api/v1/auth/password-login', { username: regs[0]?.phone, password: regs[0]?.password });
    assert.equal(survivor.status, 200, 'a password login through nginx after the kill: ' + survivor.text);

    // What B had claimed waits for the lease. Once the survivor has finished its own batch,
    // the only undelivered messages left are B's, claimed into the future, and not in the pipe.
    assert.ok(bBlocked, "B's sender was blocked writing to the SMS pipe when B was killed");
    // B's claims end by killEpoch + 60; any claim the survivor makes now ends later than that.
    let held = [], others = [];
    for (let i = 0; i < 100; i++) {
      const rows = psql(db, 'SELECT id, claimed_until FROM outbox WHERE sent_at IS NULL ORDER BY id');
      held = rows.filter(([, until]) => Number(until) > Date.now() / 1000 && Number(until) <= killEpoch + 60);
      others = rows.filter((r) => !held.includes(r));
      if (!others.length) break;
      await sleep(100);
    }
    sms.poll();
    const heldIds = held.map(([id]) => Number(id));
    assert.deepEqual(others, [], 'the survivor delivered everything not claimed by B');
    assert.ok(heldIds.length >= 1, 'B died holding claimed, undelivered messages');
    const early = sms.all.filter((m) => heldIds.includes(m.id)).map((m) => m.id);
    assert.deepEqual(early, [], 'nobody delivered a message while B\'s lease on it lasted');

    await A.advance(120);
    let unsent;
    for (let i = 0; i < 100; i++) {
      unsent = Number(psql(db, 'SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL')[0][0]);
      if (unsent === 0) break;
      await sleep(100);
    }
    assert.equal(unsent, 0, 'after the lease the survivor delivered every outbox message');
    await sleep(50);
    sms.poll();
    for (const id of heldIds) assert.equal(sms.all.filter((m) => m.id === id).length, 1, `message ${id}, held by B, delivered once`);

    t.diagnostic(`${loopMs} ms of load; B killed at ~${KILL_AT_MS} ms; outcomes ${JSON.stringify(tally)}`);
    t.diagnostic(`acknowledged: ${smsAcked.size} SMS sends, ${regs.length} registrations, ${regs.filter((g) => g.application).length} join submissions, ${logins} password logins; ` +
      `${codesLate} codes late; ${heldIds.length} messages held by B's lease at the kill, delivered by A after it`);

    assert.deepEqual(violations, [], 'no acknowledged flow broke');
    assert.ok(regs.length >= 5 && smsAcked.size >= 20, `enough work was done: ${regs.length} registrations, ${smsAcked.size} sends`);

    // Every acknowledged send: exactly one SMS to that phone; no outbox id twice.
    const ids = new Map();
    for (const m of sms.all) ids.set(m.id, (ids.get(m.id) || 0) + 1);
    const twice = [...ids].filter(([, n]) => n > 1).map(([id]) => id);
    assert.deepEqual(twice, [], 'no outbox message was written to sms.jsonl twice');
    const wrongCount = [];
    for (const [phone, how] of smsAcked) {
      const n = sms.byPhone.get(phone)?.length || 0;
      if (n !== 1) wrongCount.push(`${phone} (${how}): ${n}`);
    }
    assert.deepEqual(wrongCount, [], 'each acknowledged send produced exactly one SMS');
    for (const phone of phonesTried) assert.ok((sms.byPhone.get(phone)?.length || 0) <= 1, `at most one SMS to ${phone}`);

    // Every acknowledged registration logs in with its password, as that same account.
    assert.equal(new Set(regs.map((g) => g.id)).size, regs.length, 'acknowledged registrations are distinct accounts');
    assert.equal(new Set(regs.map((g) => g.phone)).size, regs.length, 'with distinct phones');
    for (let i = 0; i < regs.length; i += 8) {
      await Promise.all(regs.slice(i, i + 8).map(async (g) => {
        const r = await post('/api/v1/auth/password-login', { username: g.phone, password: g.password });
        assert.equal(r.status, 200, `login of acknowledged ${g.phone}: ${r.text ?? r.error}`);
        assert.equal(r.body.user.id, g.id);
        assert.equal(r.body.user.phone, maskPhone(g.phone));
        assert.equal(r.body.user.id_number, maskId(g.idNumber));
      }));
    }
    // Every acknowledged submission is there once, as submitted, routed to the street union.
    const submitted = regs.filter((g) => g.application);
    assert.ok(submitted.length >= 3, `enough submissions: ${submitted.length}`);
    const apps = psql(db, `SELECT worker_id, COUNT(*), MIN(status) FROM application WHERE kind = 'join' GROUP BY worker_id`);
    const perWorker = new Map(apps.map(([w, n, st]) => [Number(w), [Number(n), st]]));
    for (const g of submitted) {
      assert.deepEqual(perWorker.get(g.id), [1, 'submitted'], `worker ${g.id}: one submitted join application`);
    }
    const dupApps = apps.filter(([, n]) => Number(n) > 1);
    assert.deepEqual(dupApps, [], 'no worker has two join applications');
    const dupPhones = psql(db, 'SELECT phone FROM worker GROUP BY phone HAVING COUNT(*) > 1');
    assert.deepEqual(dupPhones, [], 'one account per phone');
    const rows = psql(db, `SELECT id, phone FROM worker WHERE id IN (${regs.map((g) => g.id).join(',')})`);
    const byId = new Map(rows.map(([id, phone]) => [Number(id), phone]));
    for (const g of regs) assert.equal(byId.get(g.id), g.phone, `worker ${g.id} has the phone it registered with`);
  });

  test('a restarted node rejoins: nginx sends it requests again after fail_timeout', async (t) => {
    const seen = nginx.accessLog().length;
    B2 = await startServer({ db, dataDir, port: B.port, env: { GONGHUI_BASE_URL: origin, GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
    // nginx left B alone after its failures (max_fails=1 fail_timeout=10s); then it tries again.
    const started = Date.now();
    let back = false;
    while (!back && Date.now() - started < 15000) {
      const r = await call('GET', nginx.url + '/readyz');
      assert.equal(r.status, 200, `GET /readyz through nginx: ${r.text ?? r.error}`);
      back = nginx.accessLog().slice(seen).includes(`up=127.0.0.1:${B.port}/200`);
      if (!back) await sleep(100);
    }
    assert.ok(back, 'nginx used the restarted node within 15 s');
    t.diagnostic(`nginx sent requests to the restarted node after ${Date.now() - started} ms`);
  });

  test('a node stopped with SIGTERM (systemctl stop/restart) under load exits cleanly and loses no request', {
}, async (t) => {
    const tally = {};
    const deadline = Date.now() + 3000;
    const lost = [];
    const loops = Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        const r = await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }, { localAddress: nextAddress() });
        tally[r.status || r.error] = (tally[r.status || r.error] || 0) + 1;
        if (r.status !== 202) lost.push(`${r.status || r.error} ${r.text?.slice(0, 80) ?? ''}`);
      }
    });
    await sleep(1000);
    const t0 = Date.now();
    b2Stop = B2.stop().then(() => 'ok', (e) => e);
    const stopped = await b2Stop;
    const stopMs = Date.now() - t0;
    await Promise.all(loops);
    const why = stopped === 'ok' ? 'cleanly' : (stopped.message.match(/server exit [^\n]*/) || [''])[0] + ' ' +
      ((stopped.message.match(/Fatal error[^\n]*/) || [''])[0]);
    t.diagnostic(`B stopped with SIGTERM in ${stopMs} ms (${why}); outcomes through nginx ${JSON.stringify(tally)}`);
    assert.equal(stopped, 'ok', 'B exits cleanly on SIGTERM under load');
    assert.ok(stopMs < 25000, `B stopped within TimeoutStopSec (${stopMs} ms)`);
    assert.deepEqual(lost, [], 'every request through nginx succeeded while B stopped');
  });

  test('the survivor stops cleanly, and nginx then answers the API in its error shape', async () => {
    aStopped = true;
    await A.stop(); // SIGTERM; throws on a non-zero exit or a sanitizer report
    expectError(await call('POST', nginx.url + '/api/v1/auth/sms-code', { phone: nextPhone() }), 503, 'unavailable', 'no node left');
    assert.equal((await call('GET', nginx.url + '/api/v1/session')).status, 503);
  });
});
