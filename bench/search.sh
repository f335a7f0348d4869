#!/usr/bin/env bash
# bench/search.sh — unit search latency at a city's scale (SPEC §2, §8).
#
#   GET /api/v1/units?q=… with 1-, 2-, 3- and 4-character queries taken from real unit names,
#   sequential requests on one keep-alive connection of a logged-in worker:
#   p99 ≤ 50 ms for 1 character, ≤ 20 ms for 2–4 characters, at 1 000 000 units.
#
# Needs build/release/gonghui (`make build`), curl, jq, node, python3, and sqlite3 or psql.
# Environment:
#   BENCH_UNITS       units to generate (default 1000000)
#   BENCH_QUERIES     distinct queries per length (default 300)
#   BENCH_PAGE_SIZE   page_size of each search (default 10, as the sites ask)
#   BENCH_SEED        seed of the generator and of the query sample (default 1)
#   GONGHUI_DB        default: SQLite in a temporary directory. For PostgreSQL pass an EMPTY
#                     database (postgres://…): the run writes a fresh field key.
# Output: a table on stdout and bench/results/search-<engine>.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/release/gonghui
UNITS=${BENCH_UNITS:-1000000}
QUERIES=${BENCH_QUERIES:-300}
PAGE_SIZE=${BENCH_PAGE_SIZE:-10}
SEED=${BENCH_SEED:-1}
WARMUP=200 # unmeasured searches first: the server's caches and the OS page cache fill up
CORES=$(nproc)

source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing: run 'make build' first"
for tool in curl jq node python3; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $UNITS =~ ^[0-9]+$ && $UNITS -ge 1000 && $UNITS -le 1000000 ]] || die "BENCH_UNITS must be 1000..1000000"
[[ $QUERIES =~ ^[0-9]+$ && $QUERIES -ge 10 && $QUERIES -le 5000 ]] || die "BENCH_QUERIES must be 10..5000"
[[ $PAGE_SIZE =~ ^[0-9]+$ && $PAGE_SIZE -ge 1 && $PAGE_SIZE -le 50 ]] || die "BENCH_PAGE_SIZE must be 1..50"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a number"

TMP=$(mktemp -d /tmp/gonghui-search.XXXXXX)
GH_PID=
BULK_PID=

cleanup() {
	local rc=$?
	stop_pid "$BULK_PID"
	stop_pid "$GH_PID"
	finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- data
DATA=$TMP/data
mkdir -p "$DATA" "$TMP/web"
DB_URL=${GONGHUI_DB:-sqlite:$DATA/gonghui.db}
case $DB_URL in
	sqlite:*) ENGINE=sqlite; command -v sqlite3 >/dev/null || die "sqlite3 is not installed" ;;
	postgres://* | postgresql://*) ENGINE=postgres; command -v psql >/dev/null || die "psql is not installed" ;;
	*) die "GONGHUI_DB must start with sqlite: or postgres://" ;;
esac
GH_PORT=$(free_port)
export GONGHUI_MODE=dev GONGHUI_LISTEN=127.0.0.1:$GH_PORT GONGHUI_DATA_DIR=$DATA \
	GONGHUI_DB=$DB_URL GONGHUI_ACCESS_LOG=off GONGHUI_WEB_DIR=$TMP/web \
	GONGHUI_ASSETS_DIR=$ROOT/data
unset GONGHUI_CONFIG GONGHUI_KEY_FILE
GH=http://127.0.0.1:$GH_PORT
(cd "$TMP" && "$BIN" keygen >/dev/null)

sql() { # QUERY → rows on stdout, tab-separated
	if [[ $ENGINE == sqlite ]]; then
		sqlite3 -readonly -separator $'\t' "${DB_URL#sqlite:}" "$1"
	else
		psql -qAtX -F $'\t' "$DB_URL" -c "$1"
	fi
}

echo "bench: generating $UNITS units (and one worker to log in) into $ENGINE" >&2
GEN_START=$(date +%s.%N)
(cd "$TMP" && exec "$BIN" bulk --units "$UNITS" --members 1 --applications 0 --seed "$SEED") \
	>"$TMP/bulk.out" 2>"$TMP/bulk.log" &
BULK_PID=$!
wait "$BULK_PID" || { tail -n 20 "$TMP/bulk.log" >&2; die "gonghui bulk failed"; }
BULK_PID=
GEN_S=$(awk -v a="$GEN_START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
PHONE=$(sed -n 's/^login phone=\([0-9]*\) .*/\1/p' "$TMP/bulk.out")
[[ -n $PHONE ]] || die "gonghui bulk printed no login: $(cat "$TMP/bulk.out")"
GRAMS=$(sql "SELECT COUNT(*) FROM unit_gram")
echo "bench: generated in $GEN_S s ($GRAMS search grams)" >&2

# ---------------------------------------------------------------- server and login
start_gonghui

login() { # PHONE → the gh_session cookie value on stdout (SMS code flow)
	local phone=$1 body code=
	body=$(post /api/v1/auth/sms-code "{\"phone\":\"$phone\"}")
	[[ $(status_of) == 202 ]] || die "sms-code: $(status_of) $body"
	for _ in $(seq 1 100); do
		if [[ -f $DATA/sms.jsonl ]]; then
			code=$(jq -r --arg p "$phone" 'select(.to == $p) | .text' "$DATA/sms.jsonl" |
				grep -oE '[0-9]{6}' | tail -n1 || true)
			[[ -n $code ]] && break
		fi
		sleep 0.1
	done
	[[ -n $code ]] || die "no SMS code for $phone in $DATA/sms.jsonl"
	body=$(post /api/v1/auth/sms-login "{\"phone\":\"$phone\",\"code\":\"$code\"}")
	[[ $(status_of) == 200 && $(jq -r .status <<<"$body") == ok ]] ||
		die "sms-login of bulk worker $phone: $(status_of) $body"
	tr -d '\r' <"$TMP/h" | sed -n 's/^[Ss]et-[Cc]ookie: *gh_session=\([^;]*\).*/\1/p' | head -n1
}
SESSION=$(login "$PHONE")
[[ -n $SESSION ]] || die "sms-login set no gh_session cookie"

# ---------------------------------------------------------------- queries
# Names of randomly chosen units; the measuring script cuts the queries out of them.
sql "SELECT name FROM unit WHERE id IN (SELECT id FROM unit ORDER BY random() LIMIT 20000)" \
	>"$TMP/names.txt"
[[ $(wc -l <"$TMP/names.txt") -ge 1000 ]] || die "too few unit names to sample"

cat >"$TMP/measure.mjs" <<'EOF'
// Draws distinct 1–4 character queries from unit names, then times one search each,
// sequentially on one keep-alive connection (fetch keeps it alive), lengths interleaved.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [base, cookie, namesFile, perLength, pageSize, seed, warmup, out] = process.argv.slice(2);
let state = BigInt(seed) * 0x9E3779B97F4A7C15n + 1n;
const rand = (n) => { // xorshift64*
	state ^= state >> 12n; state ^= (state << 25n) & 0xFFFFFFFFFFFFFFFFn; state ^= state >> 27n;
	return Number(((state * 2685821657736338717n) & 0xFFFFFFFFFFFFFFFFn) % BigInt(n));
};
const names = readFileSync(namesFile, 'utf8').split('\n').filter(Boolean).map((s) => [...s]);
const draw = (len, count, avoid) => {
	const set = new Set();
	for (let tries = 0; set.size < count && tries < count * 400; tries++) {
		const name = names[rand(names.length)];
		if (name.length < len) continue;
		const q = name.slice(rand(name.length - len + 1)).slice(0, len).join('');
		if (/[（）()]/.test(q) || avoid.has(q)) continue;
		set.add(q);
	}
	return [...set];
};
const lengths = [1, 2, 3, 4];
const queries = Object.fromEntries(lengths.map((l) => [l, draw(l, Number(perLength), new Set())]));
const warm = draw(3, Number(warmup), new Set(queries[3]));

async function search(q) {
	const url = `${base}/api/v1/units?q=${encodeURIComponent(q)}&page_size=${pageSize}`;
	const t0 = performance.now();
	const res = await fetch(url, { headers: { cookie } });
	const body = await res.text();
	const ms = performance.now() - t0;
	let total = -1;
	try { total = JSON.parse(body).total; } catch { /* counted as a failure below */ }
	return { ms, status: res.status, total };
}

for (const q of warm) await search(q);
const jobs = lengths.flatMap((l) => queries[l].map((q) => ({ l, q })));
for (let i = jobs.length - 1; i > 0; i--) { // interleave lengths
	const j = rand(i + 1);
	[jobs[i], jobs[j]] = [jobs[j], jobs[i]];
}
const results = Object.fromEntries(lengths.map((l) => [l, []]));
let failures = 0;
for (const { l, q } of jobs) {
	const r = await search(q);
	if (r.status !== 200 || !(r.total >= 1)) failures++; // every query comes from a real name
	results[l].push({ q, ms: r.ms, total: r.total });
}
const pct = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = { failures, lengths: {} };
for (const l of lengths) {
	const rs = results[l];
	const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
	const round = (x) => Math.round(x * 100) / 100;
	summary.lengths[l] = {
		queries: rs.length,
		p50_ms: round(pct(ms, 50)), p90_ms: round(pct(ms, 90)), p99_ms: round(pct(ms, 99)),
		max_ms: round(ms[ms.length - 1]),
		mean_ms: round(ms.reduce((a, b) => a + b, 0) / ms.length),
		capped_share: round(rs.filter((r) => r.total >= 1000).length / rs.length),
		slowest: [...rs].sort((a, b) => b.ms - a.ms).slice(0, 5)
			.map((r) => ({ q: r.q, ms: round(r.ms), total: r.total })),
	};
}
writeFileSync(out, JSON.stringify(summary));
EOF

BUSY_BEFORE=$(busy)
WARNINGS=()
if ((BUSY_BEFORE > 10)); then
	WARNINGS+=("the machine was ${BUSY_BEFORE}% busy before the run: latencies are unreliable")
	echo "bench: warning: the machine is ${BUSY_BEFORE}% busy with other work" >&2
fi
echo "bench: $QUERIES queries per length, page_size $PAGE_SIZE, after $WARMUP warm-up searches" >&2
node "$TMP/measure.mjs" "$GH" "gh_session=$SESSION" "$TMP/names.txt" "$QUERIES" "$PAGE_SIZE" \
	"$SEED" "$WARMUP" "$TMP/summary.json" || die "the measuring script failed"
FAILURES=$(jq .failures "$TMP/summary.json")
((FAILURES == 0)) || WARNINGS+=("$FAILURES searches failed or found nothing")

# ---------------------------------------------------------------- report
echo
echo "unit search — engine $ENGINE, $UNITS units, $CORES cores, page_size $PAGE_SIZE, sequential"
printf '%-7s %8s %9s %9s %9s %9s %9s  %s\n' length queries p50_ms p90_ms p99_ms max_ms target result
for l in 1 2 3 4; do
	target=20; ((l == 1)) && target=50
	jq -r --arg l "$l" --argjson t "$target" '.lengths[$l] |
		[$l, .queries, .p50_ms, .p90_ms, .p99_ms, .max_ms, "≤ \($t)",
		 (if .p99_ms <= $t then "pass" else "FAIL" end)] | @tsv' "$TMP/summary.json"
done | while IFS=$'\t' read -r l n p50 p90 p99 max t v; do
	printf '%-7s %8s %9s %9s %9s %9s %9s  %s\n' "$l" "$n" "$p50" "$p90" "$p99" "$max" "$t" "$v"
done
echo "slowest: $(jq -r '[.lengths[] | .slowest[0] | "\(.q) \(.ms) ms"] | join(", ")' "$TMP/summary.json")"
for w in "${WARNINGS[@]}"; do echo "warning: $w"; done

mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/search-$ENGINE.json
jq -n --slurpfile s "$TMP/summary.json" \
	--arg engine "$ENGINE" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg version "$("$BIN" --version 2>/dev/null | head -n1)" \
	--arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--argjson cores "$CORES" --argjson units "$UNITS" --argjson grams "$GRAMS" \
	--argjson gen_s "$GEN_S" --argjson page_size "$PAGE_SIZE" --argjson warmup "$WARMUP" \
	--argjson busy "$BUSY_BEFORE" --argjson seed "$SEED" \
	--args '{
	engine: $engine, at: $at, version: $version, commit: $commit, cores: $cores,
	units: $units, unit_grams: $grams, generate_seconds: $gen_s, seed: $seed,
	page_size: $page_size, warmup_searches: $warmup, machine_busy_percent_before: $busy,
	targets_ms: {"1": 50, "2": 20, "3": 20, "4": 20},
	lengths: ($s[0].lengths | with_entries(.value += {target_ms: (if .key == "1" then 50 else 20 end),
		result: (if .value.p99_ms <= (if .key == "1" then 50 else 20 end) then "pass" else "FAIL" end)})),
	failures: $s[0].failures, warnings: $ARGS.positional}' "${WARNINGS[@]}" >"$OUT"
echo "wrote ${OUT#"$ROOT"/}"
