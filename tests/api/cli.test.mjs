// The gonghui command: --help, --version, migrate (idempotent), keygen (never overwrites),
// user add (validation, duplicates), backup (SQLite online copy), the field key check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, makePgDatabase, startServer } from '../lib/server.mjs';
import { staffClient } from '../lib/client.mjs';

function env(dir, db) {
  return {
    ...process.env,
    GONGHUI_MODE: 'test',
    GONGHUI_DATA_DIR: dir,
    GONGHUI_DB: db || `sqlite:${join(dir, 'gonghui.db')}`,
    GONGHUI_ARGON2_MEM_KIB: '64',
    GONGHUI_ARGON2_OPS: '1',
  };
}
const run = (args, e, input) => spawnSync(binary, args, { env: e, input, encoding: 'utf8' });

test('--help and --version', () => {
  const h = run(['--help'], process.env);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /user add --role ROLE/);
  const v = run(['--version'], process.env);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^gonghui \d+\.\d+\.\d+/);
  assert.equal(run(['frobnicate'], process.env).status, 2);
});

test('keygen writes a private key once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  const e = env(dir);
  assert.equal(run(['keygen'], e).status, 0);
  assert.equal(statSync(join(dir, 'field.key')).mode & 0o777, 0o600);
  const again = run(['keygen'], e);
  assert.notEqual(again.status, 0, 'an existing key is never overwritten');
  rmSync(dir, { recursive: true, force: true });
});

test('migrate is idempotent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  const e = env(dir, makePgDatabase());
  assert.equal(run(['migrate'], e).status, 0);
  const second = run(['migrate'], e);
  assert.equal(second.status, 0);
  assert.doesNotMatch(second.stderr, /applying migration/);
  rmSync(dir, { recursive: true, force: true });
});

test('user add validates and refuses duplicates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  const e = env(dir, makePgDatabase());
  run(['keygen'], e);
  // The union tree comes with the first start; migrate alone has no organisations yet.
  run(['migrate'], e);
  let r = run(['user', 'add', '--role', 'reviewer', '--phone', '13911112222', '--name', '审核员', '--org', '350203'], e, 'short\n');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /密码/);
  r = run(['user', 'add', '--role', 'king', '--phone', '13911112222', '--name', '审核员', '--org', '350203'], e, 'Gonghui2026x\n');
  assert.notEqual(r.status, 0);
  r = run(['user', 'add', '--role', 'reviewer', '--phone', '1391111222', '--name', '审核员', '--org', '350203'], e, 'Gonghui2026x\n');
  assert.notEqual(r.status, 0);
  rmSync(dir, { recursive: true, force: true });
});

test('staff added by the command can log in; duplicates are refused', async () => {
  const srv = await startServer();
  const add = (phone) => run(['user', 'add', '--role', 'reviewer', '--phone', phone, '--name', '李审核', '--org', '350203'], srv.env, 'Gonghui2026x\n');
  let r = add('13911113333');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /Gonghui2026x/);
  r = add('13911113333');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /exists/);
  r = run(['user', 'add', '--role', 'reviewer', '--phone', '13911114444', '--name', '李审核', '--org', 'NOPE'], srv.env, 'Gonghui2026x\n');
  assert.notEqual(r.status, 0);
  const { response: login } = await staffClient(srv, { phone: '13911113333', password: 'Gonghui2026x' });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.body.staff.role, 'reviewer');
  assert.equal(login.body.staff.org.name, '思明区总工会');
  await srv.stop();
});

test('backup copies a live SQLite database', { skip: !!process.env.GONGHUI_TEST_PG && 'SQLite only' }, async () => {
  const srv = await startServer();
  const target = join(srv.dataDir, 'backup.db');
  const r = run(['backup', target], srv.env);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(target));
  const check = spawnSync('sqlite3', [target, 'PRAGMA integrity_check; SELECT COUNT(*) FROM region;'], { encoding: 'utf8' });
  assert.match(check.stdout, /^ok\n6\d\n/);
  await srv.stop();
});

test('a node with another field key refuses to start', async () => {
  const srv = await startServer();
  await srv.stop({ keep: true });
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  const e = { ...srv.env, GONGHUI_KEY_FILE: join(dir, 'other.key') };
  assert.equal(run(['keygen'], e).status, 0);
  const r = spawnSync(binary, ['serve'], { env: e, encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does not match/);
  rmSync(dir, { recursive: true, force: true });
  rmSync(srv.dataDir, { recursive: true, force: true });
});

test('prod mode refuses the development providers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  const e = { ...env(dir), GONGHUI_MODE: 'prod' };
  const r = spawnSync(binary, ['serve'], { env: e, encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /development/);
  rmSync(dir, { recursive: true, force: true });
});
