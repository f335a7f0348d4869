#!/usr/bin/env bash
# bench/recover-timing.sh — do response times tell who is registered? (SPEC §3: the pages after
# 【忘记密码】→【下一步】 are the same whether or not the username exists; password login answers
# an unknown user like a wrong password.)
#
# Measures, against the release build with the default Argon2 cost (m = 19 MiB, t = 2):
#   1. POST /api/v1/recover/start       known usernames (phone, ID number, verified e-mail)
#                                       vs usernames that match nobody — each with a fresh captcha
#   2. POST /api/v1/auth/password-login known usernames (phone, ID number) with a wrong password
#                                       vs unknown usernames — both answer 401
# BENCH_SAMPLES samples per side (default 200), known and unknown interleaved in random order
# within each pair, after a warm-up; one keep-alive connection, one request at a time.
# Reports median, p90, mean and min side by side, the median difference, and a Mann–Whitney U
# test (|z| < 2: no detectable difference). Output: a table on stdout and
# bench/results/recover-timing.json.
#
# Usage:
#   make build                        # the script builds nothing: it runs build/release/gonghui
#   bench/recover-timing.sh           # SQLite in a temporary directory
#   BENCH_SAMPLES=500 bench/recover-timing.sh
#   GONGHUI_BIN=… bench/recover-timing.sh        # another binary
#   GONGHUI_DB=postgres://…/emptydb bench/recover-timing.sh   # an EMPTY PostgreSQL database
#                                                             # (a fresh field key is written)
# The server runs in GONGHUI_MODE=test (captcha answers on disk, the movable clock: the clock is
# moved an hour on between batches so that the per-address caps — 100 captchas and 100 failed
# logins an hour — and the 5-failure lockout never answer instead of the code under test).
# Needs node (≥ 20) and python3. Stop other work on the machine first: timings are small.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${GONGHUI_BIN:-$ROOT/build/release/gonghui}
SAMPLES=${BENCH_SAMPLES:-200}
OUT=$ROOT/bench/results/recover-timing.json

BENCH_NAME=recover-timing
source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing: run 'make build' first"
command -v node >/dev/null || die "node is not installed"
[[ $SAMPLES =~ ^[0-9]+$ && $SAMPLES -ge 20 && $SAMPLES -le 5000 ]] || die "BENCH_SAMPLES must be 20..5000"
newer=$(find "$ROOT/src" -newer "$BIN" -name '*.[ch]' | head -3)
[[ -z $newer ]] || echo "recover-timing: warning: $BIN is older than $(echo "$newer" | tr '\n' ' ')— run 'make build'" >&2

TMP=$(mktemp -d /tmp/gonghui-recover-timing.XXXXXX)
GH_PID=
cleanup() {
	local rc=$?
	stop_pid "$GH_PID" TERM
	finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$TMP/data
mkdir -m 700 "$DATA"
DB_URL=${GONGHUI_DB:-sqlite:$DATA/gonghui.db}
case $DB_URL in
sqlite:*) ENGINE=sqlite ;;
postgres://* | postgresql://*) ENGINE=postgres ;;
*) die "GONGHUI_DB must start with sqlite: or postgres://" ;;
esac

# The default Argon2 cost: whatever the caller's environment says about it is dropped.
unset GONGHUI_CONFIG GONGHUI_KEY_FILE GONGHUI_ARGON2_OPS GONGHUI_ARGON2_MEM_KIB GONGHUI_TRUSTED_PROXIES
export GONGHUI_MODE=test GONGHUI_LISTEN=127.0.0.1:$PORT GONGHUI_DATA_DIR=$DATA GONGHUI_DB=$DB_URL \
	GONGHUI_ACCESS_LOG=off GONGHUI_WEB_DIR=$ROOT/web/dist GONGHUI_ASSETS_DIR=$ROOT/data \
	GONGHUI_DEMO_UNITS=40 GONGHUI_SMS_PROVIDER=dev GONGHUI_MAIL_PROVIDER=dev
"$BIN" keygen >/dev/null
"$BIN" serve >"$TMP/gonghui.log" 2>&1 &
GH_PID=$!
up=
for _ in $(seq 1 300); do
	if node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then up=1; break; fi
	kill -0 "$GH_PID" 2>/dev/null || die "the server exited"
	sleep 0.1
done
[[ -n $up ]] || die "gonghui did not answer /healthz within 30 s"

cat >"$TMP/measure.mjs" <<'EOF'
// Registers the known accounts, then times the two endpoints, known vs unknown, interleaved.
import { readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';

const [url, dataDir, samples, out, meta] = [process.env.URL, process.env.DATA, Number(process.env.SAMPLES), process.env.OUT, JSON.parse(process.env.META)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const origin = { Origin: url };

async function post(path, body, headers = {}) {
  const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...origin, ...headers }, body: JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text, cookies: r.headers.getSetCookie() };
}
const advance = (s) => post('/api/v1/test/clock', { advance: s });

// --- test data ---------------------------------------------------------------------------------
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber() {
  const y = 1960 + randomInt(40), m = 1 + randomInt(12), d = 1 + randomInt(28);
  const body = '350203' + y + String(m).padStart(2, '0') + String(d).padStart(2, '0') + String(randomInt(1000)).padStart(3, '0');
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * W[i], 0) % 11];
}
const phone = () => '13' + String(randomInt(1e9)).padStart(9, '0');

function lines(file) {
  const p = join(dataDir, file);
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}
async function smsCode(to, n) {
  for (let i = 0; i < 400; i++) {
    const m = lines('sms.jsonl').filter((x) => x.to === to);
    if (m.length >= n) return m[n - 1].text.match(/\d{6}/)[0];
    await sleep(25);
  }
  throw new Error('no SMS to ' + to);
}
async function mailToken(address) {
  const dir = join(dataDir, 'mail');
  for (let i = 0; i < 400; i++) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir)) {
        const t = readFileSync(join(dir, f), 'utf8');
        if (t.includes(`\r\nTo: ${address}\r\n`)) return t.match(/#token=([A-Za-z0-9_-]+)/)[1];
      }
    }
    await sleep(25);
  }
  throw new Error('no mail to ' + address);
}

async function registerWorker(i) {
  const p = phone(), id = idNumber(), password = 'Bench' + randomInt(1e8) + 'x', email = `bench${i}-${randomInt(1e9)}@example.com`;
  let r = await post('/api/v1/auth/sms-code', { phone: p, purpose: 'login' });
  if (r.status !== 202) throw new Error('sms-code ' + r.text);
  r = await post('/api/v1/auth/sms-login', { phone: p, code: await smsCode(p, 1) });
  r = await post('/api/v1/auth/register', { registration_token: r.body.registration_token, name: '测试', id_number: id, password, password_confirm: password, privacy_consent: true });
  if (r.status !== 201) throw new Error('register ' + r.text);
  const cookie = r.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = r.body.csrf_token;
  r = await post('/api/v1/account/email', { email, password }, { Cookie: cookie, 'X-CSRF-Token': csrf });
  if (r.status !== 202) throw new Error('email ' + r.text);
  r = await post('/api/v1/account/email/verify', { token: await mailToken(email) });
  if (r.status !== 200) throw new Error('verify ' + r.text);
  return { phone: p, id, password, email };
}

const known = [];
for (let i = 0; i < 4; i++) known.push(await registerWorker(i));

// --- the two requests under test -------------------------------------------------------------
let captchas = 0, failures = 0;
async function captcha() {
  if (++captchas % 90 === 0) await advance(3601);          // 100 captchas an hour per address
  const r = await post('/api/v1/captcha', {});
  if (r.status !== 201) throw new Error('captcha ' + r.text);
  const id = r.body.captcha_id;
  const answer = lines('captcha.jsonl').findLast((x) => x.id === id).answer;
  return { captcha_id: id, captcha: answer };
}

async function timed(path, body, expect) {
  const t0 = process.hrtime.bigint();
  const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...origin }, body });
  const text = await r.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) throw new Error(`${path}: ${r.status} ${text}`);
  return ms;
}

const kinds = { recover: ['phone', 'id', 'email'], login: ['phone', 'id'] };
function username(side, kind, i) {
  if (side === 'known') { const w = known[i % known.length]; return kind === 'id' ? w.id : w[kind]; }
  return kind === 'phone' ? phone() : kind === 'id' ? idNumber() : `nobody${randomInt(1e9)}@example.com`;
}

async function recoverStart(side, i) {
  const kind = kinds.recover[i % 3];
  const body = JSON.stringify({ username: username(side, kind, Math.floor(i / 3)), ...(await captcha()) });
  return [kind, await timed('/api/v1/recover/start', body, 200)];
}

// Known accounts: at most 4 wrong passwords in a row each (5 lock the account), then a right
// one (untimed) clears the count. The clock moves an hour on before the address's cap of 100.
const wrongInARow = new Map();
async function passwordLogin(side, i) {
  if (++failures % 90 === 0) await advance(3601);
  const kind = kinds.login[i % 2];
  const w = known[Math.floor(i / 2) % known.length];
  const user = side === 'known' ? (kind === 'id' ? w.id : w.phone) : username('unknown', kind, i);
  if (side === 'known') {
    const n = (wrongInARow.get(w.phone) || 0) + 1;
    if (n > 4) {
      const r = await post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
      if (r.status !== 200) throw new Error('reset login ' + r.text);
      wrongInARow.set(w.phone, 1);
    } else wrongInARow.set(w.phone, n);
  }
  return [kind, await timed('/api/v1/auth/password-login', JSON.stringify({ username: user, password: 'Wrong' + randomInt(1e9) + 'pw' }), 401)];
}

async function measure(fn) {
  for (let i = 0; i < 20; i++) { await fn('known', i); await fn('unknown', i); }   // warm-up
  const res = { known: [], unknown: [], byKind: {} };
  for (let i = 0; i < samples; i++) {
    const order = randomInt(2) ? ['known', 'unknown'] : ['unknown', 'known'];
    for (const side of order) {
      const [kind, ms] = await fn(side, i);
      res[side].push(ms);
      ((res.byKind[kind] ??= { known: [], unknown: [] })[side]).push(ms);
    }
  }
  return res;
}

// --- statistics --------------------------------------------------------------------------------
function q(sorted, p) {
  const i = (sorted.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}
function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const r3 = (x) => Math.round(x * 1000) / 1000;
  return { n: s.length, median_ms: r3(q(s, 0.5)), p90_ms: r3(q(s, 0.9)), mean_ms: r3(s.reduce((a, b) => a + b, 0) / s.length), min_ms: r3(s[0]), max_ms: r3(s.at(-1)) };
}
// Mann–Whitney U with the normal approximation (ties get mid-ranks).
function mannWhitney(a, b) {
  const all = [...a.map((v) => [v, 0]), ...b.map((v) => [v, 1])].sort((x, y) => x[0] - y[0]);
  const ranks = new Array(all.length);
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const ra = all.reduce((s, x, i) => s + (x[1] === 0 ? ranks[i] : 0), 0);
  const n1 = a.length, n2 = b.length;
  const u = ra - (n1 * (n1 + 1)) / 2;
  const z = (u - (n1 * n2) / 2) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return { u, z: Math.round(z * 100) / 100, p_known_slower: Math.round((u / (n1 * n2)) * 1000) / 1000 };
}
function compare(res) {
  const k = summary(res.known), u = summary(res.unknown);
  const mw = mannWhitney(res.known, res.unknown);
  return {
    known: k, unknown: u,
    median_difference_ms: Math.round((k.median_ms - u.median_ms) * 1000) / 1000,
    median_ratio: Math.round((k.median_ms / u.median_ms) * 1000) / 1000,
    p90_ratio: Math.round((k.p90_ms / u.p90_ms) * 1000) / 1000,
    mann_whitney: mw,
    alike: Math.abs(mw.z) < 2,
    by_username_kind: Object.fromEntries(Object.entries(res.byKind).map(([kind, r]) => {
      const a = summary(r.known), b = summary(r.unknown);
      return [kind, { n: a.n, known_median_ms: a.median_ms, unknown_median_ms: b.median_ms, known_p90_ms: a.p90_ms, unknown_p90_ms: b.p90_ms, mann_whitney_z: mannWhitney(r.known, r.unknown).z }];
    })),
  };
}

const recover = compare(await measure(recoverStart));
const login = compare(await measure(passwordLogin));
const result = {
  benchmark: 'recover-timing', ...meta, samples_per_side: samples,
  known_accounts: known.length,
  usernames: { 'recover/start': 'phone, ID number, verified e-mail in turn', 'auth/password-login': 'phone, ID number in turn; a wrong password' },
  'POST /api/v1/recover/start': recover,
  'POST /api/v1/auth/password-login': login,
};
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

const row = (label, s) => `  ${label.padEnd(9)} ${String(s.median_ms).padStart(9)} ${String(s.p90_ms).padStart(9)} ${String(s.mean_ms).padStart(9)} ${String(s.min_ms).padStart(9)}`;
for (const [name, c] of [['POST /api/v1/recover/start', recover], ['POST /api/v1/auth/password-login', login]]) {
  console.log(`\n${name}  (${samples} samples each, ms)`);
  console.log('            median       p90      mean       min');
  console.log(row('known', c.known));
  console.log(row('unknown', c.unknown));
  console.log(`  median difference ${c.median_difference_ms} ms (ratio ${c.median_ratio}), p90 ratio ${c.p90_ratio}; Mann–Whitney z = ${c.mann_whitney.z} → ${c.alike ? 'alike' : 'DIFFERENT'}`);
  for (const [kind, k] of Object.entries(c.by_username_kind)) {
    console.log(`    by ${kind.padEnd(5)} median ${k.known_median_ms} vs ${k.unknown_median_ms}, p90 ${k.known_p90_ms} vs ${k.unknown_p90_ms} (n = ${k.n}, z = ${k.mann_whitney_z})`);
  }
}
console.log('\nwritten to ' + out);
EOF

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- src 2>/dev/null | head -1)
META=$(printf '{"date":"%s","commit":"%s%s","engine":"%s","binary":"%s","argon2":"default (m = 19 MiB, t = 2, p = 1)","cores":%s,"cpu":"%s"}' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$COMMIT" "${DIRTY:+ (src modified)}" "$ENGINE" "${BIN#"$ROOT"/}" "$(nproc)" \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/"/\\"/g')")
mkdir -p "$(dirname "$OUT")"
URL=http://127.0.0.1:$PORT DATA=$DATA SAMPLES=$SAMPLES OUT=$OUT META=$META node "$TMP/measure.mjs"
