// Mail over real SMTP (GONGHUI_MAIL_PROVIDER=smtp, libcurl): a local aiosmtpd server stores what
// it receives in a maildir. Binding an e-mail and the e-mail way of 忘记密码 run end to end through
// it; with the SMTP server down the outbox retries with backoff (5 s, 10 s, …) and delivers each
// message once when it is back; nothing secret reaches the log or stays in the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { dbQuery, expectError, freshPassword, register, sleep } from './helpers.mjs';

// Debian's python3-aiosmtpd lives with the system Python (another python3 may come first on PATH).
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => p === 'python3' || existsSync(p));
const MAIL_FROM = 'noreply@gonghui.example';

let srv, smtp, smtpPort, maildir, maildirRoot;
const secrets = new Set();

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

async function startSmtp() {
  const proc = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((res) => proc.on('exit', res));
  proc.exited = exited;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error('aiosmtpd exited: ' + err);
    if (await portOpen(smtpPort)) return proc;
    if (i > 200) throw new Error('aiosmtpd did not start: ' + err);
    await sleep(50);
  }
}

async function stopSmtp() {
  if (!smtp) return;
  const p = smtp;
  smtp = null;
  p.kill('SIGTERM');
  await p.exited;
}

before(async () => {
  smtpPort = await freePort();
  // mailbox.Maildir makes new/, cur/ and tmp/ only when it creates the directory itself.
  maildirRoot = mkdtempSync(join(tmpdir(), 'gonghui-smtp-'));
  maildir = join(maildirRoot, 'Maildir');
  smtp = await startSmtp();
  srv = await startServer({ env: {
    GONGHUI_MAIL_PROVIDER: 'smtp', GONGHUI_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, GONGHUI_MAIL_FROM: MAIL_FROM,
  } });
});

after(async () => {
  await stopSmtp();
  rmSync(maildirRoot, { recursive: true, force: true });
  if (srv) await srv.stop();
});

// --- the maildir -----------------------------------------------------------------------------------
function delivered() {
  const dir = join(maildir, 'new');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => {
    const raw = readFileSync(join(dir, f), 'utf8');
    const [head, ...rest] = raw.split(/\r?\n\r?\n/);
    const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) || [])[1]?.trim();
    return { file: f, raw, head, body: rest.join('\n\n'), header };
  });
}
const to = (address) => delivered().filter((m) => m.header('To') === address);

async function waitForDelivery(address, count, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = to(address);
    if (m.length >= count) return m;
    if (Date.now() > until) throw new Error(`${count} message(s) to ${address} expected, got ${m.length}`);
    await sleep(50);
  }
}

function tokenOf(mail, page) {
  const m = mail.body.match(new RegExp(`${srv.url.replace(/[.:/]/g, '\\$&')}/${page}#token=([A-Za-z0-9_-]{43,})`));
  assert.ok(m, `a ${page} link with the token in the fragment:\n${mail.raw}`);
  assert.doesNotMatch(mail.raw, /[?&]token=/);
  secrets.add(m[1]);
  return m[1];
}

function subject(mail) {
  const m = mail.header('Subject').match(/^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/i);
  assert.ok(m, 'an encoded UTF-8 subject: ' + mail.header('Subject'));
  return Buffer.from(m[1], 'base64').toString('utf8');
}

function captchaAnswer(id) {
  const lines = readFileSync(join(srv.dataDir, 'captcha.jsonl'), 'utf8').split('\n').filter(Boolean);
  return JSON.parse(lines.findLast((l) => JSON.parse(l).id === id)).answer;
}

async function askResetLink(username) {
  const c = new Client(srv.url);
  const cap = await c.post('/api/v1/captcha', {});
  let r = await c.post('/api/v1/recover/start', { username, captcha_id: cap.body.captcha_id, captcha: captchaAnswer(cap.body.captcha_id) });
  assert.equal(r.status, 200, r.text);
  secrets.add(r.body.recovery_token);
  r = await c.post('/api/v1/recover/email', { recovery_token: r.body.recovery_token });
  return r;
}

// Waits for a log line; returns its match.
async function waitForLog(re, timeoutMs = 8000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = srv.log().match(re);
    if (m) return m;
    if (Date.now() > until) throw new Error(`no log line ${re}:\n${srv.log().slice(-2000)}`);
    await sleep(50);
  }
}

let w;
const email = `smtp-${Date.now().toString(36)}@example.com`;

test('binding an e-mail over SMTP: the message arrives and its link verifies the address', async () => {
  w = await register(srv);
  secrets.add(w.password);
  const r = await w.client.post('/api/v1/account/email', { email, password: w.password });
  assert.equal(r.status, 202, r.text);
  const [mail] = await waitForDelivery(email, 1);
  assert.equal(mail.header('From'), MAIL_FROM);
  assert.equal(mail.header('X-MailFrom'), MAIL_FROM, 'the envelope sender');
  assert.equal(mail.header('X-RcptTo'), email, 'the envelope recipient');
  assert.match(mail.header('Message-ID'), /^<outbox-\d+@gonghui\.example>$/);
  assert.match(mail.header('Content-Type'), /text\/plain; charset="?utf-8"?/i);
  assert.equal(subject(mail), '请验证您的邮箱地址');
  assert.match(mail.body, /24小时/);
  const token = tokenOf(mail, 'pc/verify-email');
  const v = await new Client(srv.url).post('/api/v1/account/email/verify', { token });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.email, email);
  assert.equal((await w.client.get('/api/v1/account')).body.user.email, email);
});

test('the e-mail way over SMTP: the reset link arrives and resets the password', async () => {
  const r = await askResetLink(email);
  assert.equal(r.status, 202, r.text);
  const mails = await waitForDelivery(email, 2);
  const mail = mails.find((m) => subject(m) === '重置您的登录密码');
  assert.ok(mail, 'the reset mail');
  assert.match(mail.body, /30分钟/);
  const token = tokenOf(mail, 'pc/reset');
  const pw = freshPassword();
  secrets.add(pw);
  const ok = await new Client(srv.url).post('/api/v1/recover/email/reset', { token, new_password: pw, new_password_confirm: pw });
  assert.equal(ok.status, 200, ok.text);
  const login = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: pw });
  assert.equal(login.status, 200, login.text);
  w.password = pw;
  // Sent mail keeps no body in the outbox (the link was in it).
  const rows = dbQuery(srv, "SELECT sent_at IS NOT NULL, body FROM outbox WHERE channel = 'mail'");
  assert.equal(rows.length, 2);
  for (const [sent, body] of rows) {
    assert.ok(sent === '1' || sent === 't', 'sent');
    assert.equal(body ?? '', '', 'the body is wiped once sent');
  }
});

test('SMTP down: retried with backoff, delivered once when it is back; the user may ask again meanwhile', async () => {
  await stopSmtp();
  await srv.advance(61);                                    // the 60 s interval per address
  const r = await askResetLink(email);
  assert.equal(r.status, 202, 'the request does not wait for the mail: ' + r.text);
  const first = await waitForLog(/outbox message (\d+) \(mail\) not delivered: (.*); attempt 1\b/);
  const id1 = first[1];
  assert.match(first[2], /smtp: /);
  const attempt = (id, n) => new RegExp(`outbox message ${id} \\(mail\\) not delivered: .*; attempt ${n}\\b`);
  // First retry after 5 s (of the test clock), the next after 10 s more.
  await sleep(1500);
  assert.doesNotMatch(srv.log(), attempt(id1, 2), 'no retry before 5 s');
  await srv.advance(6);
  await waitForLog(attempt(id1, 2));
  await srv.advance(5);
  await sleep(1500);
  assert.doesNotMatch(srv.log(), attempt(id1, 3), 'the second retry waits 10 s');
  await srv.advance(6);
  await waitForLog(attempt(id1, 3));
  // Meanwhile the user asks again: accepted, queued as well.
  await srv.advance(61);
  const again = await askResetLink(email);
  assert.equal(again.status, 202, again.text);
  const second = await waitForLog(new RegExp(`outbox message (?!${id1}\\b)(\\d+) \\(mail\\) not delivered: .*; attempt 1\\b`));
  const id2 = second[1];
  assert.equal(to(email).length, 2, 'nothing arrived while the server was down');
  // The SMTP server is back on the same port; the retries come due.
  smtp = await startSmtp();
  await srv.advance(180);
  const mails = await waitForDelivery(email, 4);
  await srv.advance(3600);                                  // any further retry would be due now
  await sleep(2500);
  const ids = to(email).map((m) => m.header('Message-ID'));
  assert.equal(ids.length, 4, 'each message once: ' + ids.join(' '));
  assert.equal(new Set(ids).size, 4);
  assert.ok(ids.includes(`<outbox-${id1}@gonghui.example>`) && ids.includes(`<outbox-${id2}@gonghui.example>`));
  // Either link works, once (the first has the 30 minutes since it was asked for: advance less).
  const late = mails.find((m) => m.header('Message-ID') === `<outbox-${id2}@gonghui.example>`);
  const tokenLate = tokenOf(late, 'pc/reset');
  const early = mails.find((m) => m.header('Message-ID') === `<outbox-${id1}@gonghui.example>`);
  tokenOf(early, 'pc/reset');
  // The test clock moved by an hour above: both links are dead by now, so ask once more.
  const fresh = await askResetLink(email);
  assert.equal(fresh.status, 202);
  const last = (await waitForDelivery(email, 5)).find((m) => !ids.includes(m.header('Message-ID')));
  const token = tokenOf(last, 'pc/reset');
  expectError(await new Client(srv.url).post('/api/v1/recover/email/reset', { token: tokenLate, new_password: 'Later2026ab', new_password_confirm: 'Later2026ab' }), 400, 'token_expired', 'token');
  const pw = freshPassword();
  secrets.add(pw);
  const ok = await new Client(srv.url).post('/api/v1/recover/email/reset', { token, new_password: pw, new_password_confirm: pw });
  assert.equal(ok.status, 200, ok.text);
  // The outbox rows are marked sent, with their bodies gone; the failures were recorded.
  const rows = dbQuery(srv, `SELECT sent_at IS NOT NULL, body, attempts FROM outbox WHERE id IN (${id1}, ${id2}) ORDER BY id`);
  assert.equal(rows.length, 2);
  for (const [sent, body] of rows) {
    assert.ok(sent === '1' || sent === 't');
    assert.equal(body ?? '', '');
  }
  assert.ok(Number(rows[0][2]) >= 4, 'the first message took several attempts: ' + rows[0][2]);
});

test('the log says what failed but holds no token, password, link or address', async () => {
  const log = srv.log();
  assert.match(log, /not delivered: smtp: /);
  for (const s of secrets) assert.ok(!log.includes(s), `a secret in the log: ${s.slice(0, 6)}…`);
  assert.doesNotMatch(log, /#token=|token=[A-Za-z0-9_-]{20}/);
  assert.ok(!log.includes(email), 'no e-mail address in the log');
  assert.doesNotMatch(log, /重置|验证您的邮箱/, 'no message text in the log');
});
