// What the database holds (read directly, SQLite or PostgreSQL): codes, session tokens and
// registration tokens only as hashes, ID numbers encrypted, passwords as Argon2id with the
// configured parameters (rehashed at login when they change), last-seen written at most once a
// minute, consent and audit records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { dbDump, dbQuery, freshId, freshPhone, register, sendCode, sleep } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

async function waitFor(pred, ms = 5000) {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(25);
  }
}

test('secrets are stored hashed or encrypted, never in clear', async () => {
  const idNumber = freshId({ endsWithX: true });
  const w = await register(srv, { idNumber: idNumber.slice(0, 17) + 'x' });
  const secrets = [w.password, w.client.cookies.get('gh_session')];
  const regCodes = srv.sms().filter((m) => m.to === w.phone).map((m) => m.text);
  // A bearer session, a live (unused) code and a registration token waiting to be used.
  const app = await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password, client: 'app' });
  secrets.push(app.body.token);
  const other = freshPhone();
  const c = new Client(srv.url);
  await sendCode(srv, c, other);
  const texts = [...regCodes, srv.sms().filter((m) => m.to === other).pop().text];
  const tokenPhone = freshPhone();
  const code2 = await sendCode(srv, c, tokenPhone);
  const reg = await c.post('/api/v1/auth/sms-login', { phone: tokenPhone, code: code2 });
  secrets.push(reg.body.registration_token);
  texts.push(srv.sms().filter((m) => m.to === tokenPhone).pop().text);
  // Let the sender mark the messages sent.
  await waitFor(() => dbQuery(srv, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")[0][0] === '0');
  const dump = dbDump(srv);
  for (const s of secrets) assert.ok(!dump.includes(s), `a secret in the database (${s.slice(0, 3)}…)`);
  for (const t of texts) assert.ok(!dump.includes(t), 'an SMS with a code left in the outbox');
  assert.ok(!dump.includes(idNumber) && !dump.includes(idNumber.toLowerCase()), 'the ID number in clear');
  assert.ok(!dump.includes(idNumber.slice(6, 17)), 'the middle of the ID number in clear');
  // The code column holds a 32-byte hash.
  const rows = dbQuery(srv, `SELECT length(code_hash) FROM sms_code WHERE phone = '${other}'`);
  assert.equal(rows[0][0], '32');
  // What the worker table shows of the ID number is the mask.
  const [[masked]] = dbQuery(srv, `SELECT id_masked FROM worker WHERE phone = '${w.phone}'`);
  assert.equal(masked, idNumber.slice(0, 4) + '**********' + idNumber.slice(14));
});

test('passwords are Argon2id with the configured parameters', async () => {
  const w = await register(srv);
  const [[hash]] = dbQuery(srv, `SELECT password_hash FROM worker WHERE phone = '${w.phone}'`);
  assert.match(hash, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
});

test('the default parameters are m = 19 MiB, t = 2, p = 1', async () => {
  const s = await startServer({ env: { GONGHUI_ARGON2_MEM_KIB: undefined, GONGHUI_ARGON2_OPS: undefined } });
  try {
    const w = await register(s);
    const [[hash]] = dbQuery(s, `SELECT password_hash FROM worker WHERE phone = '${w.phone}'`);
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  } finally {
    await s.stop();
  }
});

test('a login rehashes the password when the parameters change', async () => {
  const first = await startServer({ env: { GONGHUI_ARGON2_MEM_KIB: '64', GONGHUI_ARGON2_OPS: '1' } });
  const { dataDir, db } = first;
  let second;
  try {
    const w = await register(first);
    const [[h1]] = dbQuery(first, `SELECT password_hash FROM worker WHERE phone = '${w.phone}'`);
    assert.match(h1, /m=64,t=1,/);
    await first.stop({ keep: true });
    second = await startServer({ dataDir, db, env: { GONGHUI_ARGON2_MEM_KIB: '128', GONGHUI_ARGON2_OPS: '2' } });
    // A wrong password does not rehash.
    assert.equal((await new Client(second.url).post('/api/v1/auth/password-login', { username: w.phone, password: 'Wrong1pass' })).status, 401);
    assert.equal(dbQuery(second, `SELECT password_hash FROM worker WHERE phone = '${w.phone}'`)[0][0], h1);
    const r = await new Client(second.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
    assert.equal(r.status, 200, r.text);
    const [[h2]] = dbQuery(second, `SELECT password_hash FROM worker WHERE phone = '${w.phone}'`);
    assert.match(h2, /^\$argon2id\$v=19\$m=128,t=2,p=1\$/);
    assert.equal((await new Client(second.url).post('/api/v1/auth/password-login', { username: w.idNumber, password: w.password })).status, 200);
  } finally {
    if (second) await second.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('last-seen is written at most once a minute', async () => {
  const w = await register(srv);
  const id = w.user.id;
  // (No staff signs in on this server, so the subject id names the worker's one session.)
  const seen = () => Number(dbQuery(srv, `SELECT last_seen FROM session WHERE subject_id = ${id}`)[0][0]);
  const t0 = seen();
  await srv.advance(30);
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
  assert.equal(seen(), t0, 'not written after 30 s');
  await srv.advance(31);
  assert.equal((await w.client.get('/api/v1/account')).status, 200);
  const t1 = seen();
  assert.ok(t1 >= t0 + 61 && t1 <= t0 + 63, `written after 61 s: ${t0} → ${t1}`);
});

test('consent to the privacy notice and the audit log are recorded', async () => {
  const w = await register(srv);
  const id = w.user.id;
  const consent = dbQuery(srv, `SELECT document, version FROM consent WHERE subject_id = ${id}`);
  assert.deepEqual(consent, [['privacy', '2026-11']]);
  await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: 'Wrong1pass' });
  await new Client(srv.url).post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  await w.client.post('/api/v1/account/password', { old_password: w.password, new_password: 'Fresh2pass', new_password_confirm: 'Fresh2pass' });
  await w.client.post('/api/v1/auth/logout');
  const actions = dbQuery(srv, `SELECT action FROM audit_log WHERE actor_kind = 'worker' AND actor_id = ${id} ORDER BY id`).map((r) => r[0]);
  for (const a of ['account.register', 'login.failed', 'login.password', 'account.password', 'logout']) {
    assert.ok(actions.includes(a), `audit ${a} in ${actions}`);
  }
  const clients = dbQuery(srv, `SELECT DISTINCT client FROM audit_log WHERE actor_id = ${id} AND actor_kind = 'worker'`).map((r) => r[0]);
  assert.deepEqual(clients, ['127.0.0.1']);
});
