// Starts a real gonghui server for a test file: its own data directory, key, database
// (SQLite by default; PostgreSQL when GONGHUI_TEST_PG names a server) and free port.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = process.env.GONGHUI_BIN || join(repoRoot, 'build/test/gonghui');

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// A fresh PostgreSQL database on the test cluster, or null on SQLite runs.
export function makePgDatabase() {
  const base = process.env.GONGHUI_TEST_PG;
  if (!base) return null;
  const name = 'gh_' + randomBytes(6).toString('hex');
  const r = spawnSync('psql', [base + 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('createdb failed: ' + r.stderr);
  return base + name;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer(opts = {}) {
  const dataDir = opts.dataDir || mkdtempSync(join(tmpdir(), 'gonghui-test-'));
  const port = opts.port || (await freePort());
  const db = opts.db || makePgDatabase() || `sqlite:${join(dataDir, 'gonghui.db')}`;
  const env = {
    ...process.env,
    GONGHUI_MODE: 'test',
    GONGHUI_LISTEN: `127.0.0.1:${port}`,
    GONGHUI_DATA_DIR: dataDir,
    GONGHUI_DB: db,
    GONGHUI_WEB_DIR: join(repoRoot, 'web/dist'),
    GONGHUI_ASSETS_DIR: join(repoRoot, 'data'),
    GONGHUI_ARGON2_MEM_KIB: '64',
    GONGHUI_ARGON2_OPS: '1',
    GONGHUI_DEMO_UNITS: '40',
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=23',
    ...(opts.env || {}),
  };
  if (!existsSync(join(dataDir, 'field.key'))) {
    const k = spawnSync(binary, ['keygen'], { env, encoding: 'utf8' });
    if (k.status !== 0) throw new Error('keygen failed: ' + k.stderr);
  }
  const logPath = join(dataDir, 'server.log');
  const { openSync } = await import('node:fs');
  const log = openSync(logPath, 'a');
  const proc = spawn(binary, ['serve'], { env, stdio: ['ignore', log, log] });
  let exited = null;
  const exitPromise = new Promise((res) => proc.on('exit', (code, signal) => { exited = { code, signal }; res(exited); }));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}):\n` + readFileSync(logPath, 'utf8'));
    try {
      const r = await fetch(url + '/healthz');
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (i > 300) throw new Error('server did not start:\n' + readFileSync(logPath, 'utf8'));
    await sleep(50);
  }
  const seen = new Map();
  const srv = {
    url, port, dataDir, db, env, proc, logPath,
    log: () => readFileSync(logPath, 'utf8'),
    sms() {
      const p = join(dataDir, 'sms.jsonl');
      if (!existsSync(p)) return [];
      // The sender thread may be writing the last line right now: only whole lines count.
      const lines = readFileSync(p, 'utf8').split('\n');
      lines.pop();
      return lines.filter(Boolean).map((l) => JSON.parse(l));
    },
    // Resolves with the next SMS to phone not returned before (its whole text in .text).
    async waitForSmsMessage(phone, timeoutMs = 10000) {
      const from = seen.get(phone) || 0;
      const until = Date.now() + timeoutMs;
      for (;;) {
        const mine = srv.sms().filter((m) => m.to === phone);
        if (mine.length > from) {
          seen.set(phone, from + 1);
          return mine[from];
        }
        if (Date.now() > until) throw new Error(`no SMS to ${phone}`);
        await sleep(25);
      }
    },
    async waitForSms(phone, timeoutMs) {
      const m = await srv.waitForSmsMessage(phone, timeoutMs);
      const code = (m.text.match(/\d{6}/) || [])[0];
      if (!code) throw new Error('SMS without a code: ' + m.text);
      return code;
    },
    async advance(seconds) {
      const r = await fetch(url + '/api/v1/test/clock', { method: 'POST', body: JSON.stringify({ advance: seconds }) });
      if (!r.ok) throw new Error('clock: ' + r.status);
      return (await r.json()).now;
    },
    async stop({ keep = false } = {}) {
      if (!exited) proc.kill('SIGTERM');
      const { code, signal } = await exitPromise;
      const out = readFileSync(logPath, 'utf8');
      if (!keep && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0 || /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(out)) {
        throw new Error(`server exit ${code} ${signal}:\n${out.slice(-4000)}`);
      }
    },
    kill() { proc.kill('SIGKILL'); return exitPromise; },
  };
  return srv;
}
