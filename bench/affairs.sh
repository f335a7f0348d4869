#!/usr/bin/env bash
# bench/affairs.sh — a worker's 我的办事 list at a city's scale, against nginx (SPEC §8).
#
#   1 000 000 units, 1 000 000 members and 1 000 000 applications in one database; a logged-in
#   worker with ten applications reads GET /api/v1/affairs?tab=all under wrk (2 threads, 64
#   keep-alive connections), alternating with nginx serving a 15-byte file: the median ratio
#   of the runs must be ≥ 0.5.
#
# Needs build/release/gonghui (`make build`), nginx, wrk, curl, jq and python3; run as root
# (nginx runs from a temporary prefix with its own config; /etc/nginx is never touched).
# Environment:
#   BENCH_UNITS, BENCH_MEMBERS, BENCH_APPLICATIONS   rows to generate (default 1000000 each)
#   BENCH_SECONDS   seconds per wrk run (default 10)
#   BENCH_RUNS      alternating nginx/gonghui pairs (default 3; the median ratio is taken)
#   BENCH_SEED      generator seed (default 1)
#   GONGHUI_DB      default: SQLite in a temporary directory. For PostgreSQL pass an EMPTY
#                   database (postgres://…): the run writes a fresh field key.
# Output: a table on stdout and bench/results/affairs-<engine>.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/release/gonghui
UNITS=${BENCH_UNITS:-1000000}
MEMBERS=${BENCH_MEMBERS:-1000000}
APPLICATIONS=${BENCH_APPLICATIONS:-1000000}
SECS=${BENCH_SECONDS:-10}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-1}
THREADS=2
CONNS=64
CORES=$(nproc)
PATH_UNDER_TEST="/api/v1/affairs?tab=all"

source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing: run 'make build' first"
for tool in nginx wrk curl jq python3; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in "$UNITS" "$MEMBERS" "$APPLICATIONS"; do
	[[ $n =~ ^[0-9]+$ && $n -le 1000000 ]] || die "BENCH_UNITS/MEMBERS/APPLICATIONS must be 0..1000000"
done
((MEMBERS >= 1)) || die "BENCH_MEMBERS must be at least 1 (the worker who logs in)"
[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 && $SECS -le 600 ]] || die "BENCH_SECONDS must be 1..600"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 && $RUNS -le 15 ]] || die "BENCH_RUNS must be 1..15"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a number"
[[ $(id -u) == 0 ]] || die "run as root (nginx is started with its own prefix and config)"

TMP=$(mktemp -d /tmp/gonghui-affairs.XXXXXX)
chmod 755 "$TMP" # nginx workers run as nobody and must reach html/
GH_PID=
BULK_PID=
NGINX_PID=

cleanup() {
	local rc=$?
	stop_pid "$BULK_PID" TERM
	stop_pid "$GH_PID" TERM
	stop_pid "$NGINX_PID" QUIT # the master stops its workers
	finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- data
DATA=$TMP/data
mkdir -p "$DATA" "$TMP/web"
DB_URL=${GONGHUI_DB:-sqlite:$DATA/gonghui.db}
case $DB_URL in
	sqlite:*) ENGINE=sqlite ;;
	postgres://* | postgresql://*) ENGINE=postgres ;;
	*) die "GONGHUI_DB must start with sqlite: or postgres://" ;;
esac
GH_PORT=$(free_port)
export GONGHUI_MODE=dev GONGHUI_LISTEN=127.0.0.1:$GH_PORT GONGHUI_DATA_DIR=$DATA \
	GONGHUI_DB=$DB_URL GONGHUI_ACCESS_LOG=off GONGHUI_WEB_DIR=$TMP/web \
	GONGHUI_ASSETS_DIR=$ROOT/data
unset GONGHUI_CONFIG GONGHUI_KEY_FILE
GH=http://127.0.0.1:$GH_PORT
(cd "$TMP" && "$BIN" keygen >/dev/null)

echo "bench: generating $UNITS units, $MEMBERS members, $APPLICATIONS applications into $ENGINE" >&2
GEN_START=$(date +%s.%N)
(cd "$TMP" && exec "$BIN" bulk --units "$UNITS" --members "$MEMBERS" \
	--applications "$APPLICATIONS" --seed "$SEED") >"$TMP/bulk.out" 2>"$TMP/bulk.log" &
BULK_PID=$!
wait "$BULK_PID" || { tail -n 20 "$TMP/bulk.log" >&2; die "gonghui bulk failed"; }
BULK_PID=
GEN_S=$(awk -v a="$GEN_START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
LOGIN_LINE=$(grep '^login ' "$TMP/bulk.out" || true)
PHONE=$(sed -n 's/^login phone=\([0-9]*\) .*/\1/p' <<<"$LOGIN_LINE")
WANT_APPS=$(sed -n 's/.* applications=\([0-9]*\).*/\1/p' <<<"$LOGIN_LINE")
[[ -n $PHONE ]] || die "gonghui bulk printed no login: $(cat "$TMP/bulk.out")"
echo "bench: generated in $GEN_S s: $(grep -o 'done in .*' "$TMP/bulk.log")" >&2

# ---------------------------------------------------------------- nginx
start_nginx

# ---------------------------------------------------------------- gonghui and login
start_gonghui

body=$(post /api/v1/auth/sms-code "{\"phone\":\"$PHONE\"}")
[[ $(status_of) == 202 ]] || die "sms-code: $(status_of) $body"
code=
for _ in $(seq 1 100); do
	if [[ -f $DATA/sms.jsonl ]]; then
		code=$(jq -r --arg p "$PHONE" 'select(.to == $p) | .text' "$DATA/sms.jsonl" |
			grep -oE '[0-9]{6}' | tail -n1 || true)
		[[ -n $code ]] && break
	fi
	sleep 0.1
done
[[ -n $code ]] || die "no SMS code for $PHONE in $DATA/sms.jsonl"
body=$(post /api/v1/auth/sms-login "{\"phone\":\"$PHONE\",\"code\":\"$code\"}")
[[ $(status_of) == 200 && $(jq -r .status <<<"$body") == ok ]] ||
	die "sms-login of bulk worker $PHONE: $(status_of) $body"
SESSION=$(tr -d '\r' <"$TMP/h" | sed -n 's/^[Ss]et-[Cc]ookie: *gh_session=\([^;]*\).*/\1/p' | head -n1)
[[ -n $SESSION ]] || die "sms-login set no gh_session cookie"
COOKIE="Cookie: gh_session=$SESSION"
affairs=$(curl -fsS -H "$COOKIE" "$GH$PATH_UNDER_TEST") || die "GET $PATH_UNDER_TEST failed"
ITEMS=$(jq '.items | length' <<<"$affairs")
TOTAL=$(jq .total <<<"$affairs")
BYTES=$(printf '%s' "$affairs" | wc -c)
[[ $TOTAL == "$WANT_APPS" && $ITEMS -ge 1 ]] ||
	die "the bench worker should have $WANT_APPS applications: $(head -c 300 <<<"$affairs")"

keepalive_ok "$GH$PATH_UNDER_TEST" -H "$COOKIE" || die "$PATH_UNDER_TEST answers Connection: close"
keepalive_ok "$NGINX_URL" || die "nginx answers Connection: close"

# ---------------------------------------------------------------- wrk
run_wrk() { # NAME URL [wrk args] → "rps non2xx errors p99_ms" on stdout
	local name=$1 url=$2; shift 2
	local out=$TMP/wrk-$name.txt
	wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --timeout 10s --latency "$@" "$url" >"$out" 2>&1 ||
		die "wrk failed: $(cat "$out")"
	awk '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { non = $NF }
		/Socket errors:/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
		/^ +99%/ { p99 = ms($2) }
		END { if (rps == "") exit 1; printf "%s %d %d %.2f\n", rps, non, err, p99 }' "$out" ||
		die "no Requests/sec in wrk output: $(cat "$out")"
}

WARNINGS=()
check_clean() { # NAME "rps non2xx errors p99"
	local n e
	read -r _ n e _ <<<"$2"
	if [[ $n != 0 || $e != 0 ]]; then
		WARNINGS+=("$1: $n non-2xx responses, $e socket errors")
		echo "bench: warning: $1: $n non-2xx responses, $e socket errors" >&2
	fi
}
BUSY_BEFORE=$(busy)
if ((BUSY_BEFORE > 10)); then
	WARNINGS+=("the machine was ${BUSY_BEFORE}% busy before the run: figures are unreliable")
	echo "bench: warning: the machine is ${BUSY_BEFORE}% busy with other work" >&2
fi
echo "bench: $PATH_UNDER_TEST ($ITEMS of $TOTAL applications, $BYTES bytes) against nginx, wrk -t$THREADS -c$CONNS, ${SECS}s, $RUNS alternating runs" >&2
NG_RPS="" GH_RPS="" RATIOS="" GH_P99="" NG_P99=""
for i in $(seq 1 "$RUNS"); do
	ng=$(run_wrk "nginx-$i" "$NGINX_URL")
	check_clean "nginx run $i" "$ng"
	gh=$(run_wrk "gonghui-$i" "$GH$PATH_UNDER_TEST" -H "$COOKIE")
	check_clean "affairs run $i" "$gh"
	read -r ng_rps _ _ ng_p99 <<<"$ng"
	read -r gh_rps _ _ gh_p99 <<<"$gh"
	r=$(div "$gh_rps" "$ng_rps")
	printf '  run %d: nginx %10.0f req/s   gonghui %10.0f req/s (p99 %s ms)   ratio %s\n' \
		"$i" "$ng_rps" "$gh_rps" "$gh_p99" "$r" >&2
	NG_RPS+="$ng_rps " GH_RPS+="$gh_rps " RATIOS+="$r " GH_P99+="$gh_p99 " NG_P99+="$ng_p99 "
done
RATIO=$(median <<<"$RATIOS")
VERDICT=$(awk -v r="$RATIO" 'BEGIN {print (r >= 0.5) ? "pass" : "FAIL"}')
BUSY_AFTER=$(busy)
((BUSY_AFTER <= 10)) || WARNINGS+=("the machine was ${BUSY_AFTER}% busy after the run: figures are unreliable")

# ---------------------------------------------------------------- report
echo
echo "我的办事 list — engine $ENGINE, $UNITS units, $MEMBERS members, $APPLICATIONS applications, $CORES cores"
printf '%-36s %12s %12s %8s %8s  %s\n' measure gonghui nginx ratio target result
printf '%-36s %12.0f %12.0f %8s %8s  %s\n' "GET $PATH_UNDER_TEST (req/s)" \
	"$(median <<<"$GH_RPS")" "$(median <<<"$NG_RPS")" "$RATIO" "≥ 0.5" "$VERDICT"
printf '%-36s %12s %12s\n' "p99 latency under load (ms)" "$(median <<<"$GH_P99")" "$(median <<<"$NG_P99")"
echo "generation: $GEN_S s; response: $ITEMS items of $TOTAL, $BYTES bytes; nginx: 2 workers, 15-byte file"
for w in "${WARNINGS[@]}"; do echo "warning: $w"; done

mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/affairs-$ENGINE.json
jq -n \
	--arg engine "$ENGINE" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg version "$("$BIN" --version 2>/dev/null | head -n1)" \
	--arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--arg path "$PATH_UNDER_TEST" --argjson cores "$CORES" \
	--argjson units "$UNITS" --argjson members "$MEMBERS" --argjson apps "$APPLICATIONS" \
	--argjson gen_s "$GEN_S" --argjson items "$ITEMS" --argjson total "$TOTAL" --argjson bytes "$BYTES" \
	--argjson seconds "$SECS" --argjson runs "$RUNS" --argjson threads "$THREADS" --argjson conns "$CONNS" \
	--argjson ng "$(nums "$NG_RPS")" --argjson gh "$(nums "$GH_RPS")" --argjson ratios "$(nums "$RATIOS")" \
	--argjson gh_p99 "$(nums "$GH_P99")" --argjson ng_p99 "$(nums "$NG_P99")" \
	--argjson ratio "$RATIO" --arg verdict "$VERDICT" \
	--argjson busy_before "$BUSY_BEFORE" --argjson busy_after "$BUSY_AFTER" \
	--args '{
	engine: $engine, at: $at, version: $version, commit: $commit, cores: $cores,
	data: {units: $units, members: $members, applications: $apps, generate_seconds: $gen_s},
	machine_busy_percent: {before: $busy_before, after: $busy_after},
	wrk: {threads: $threads, connections: $conns, seconds: $seconds, runs: $runs},
	affairs_read: {path: $path, items: $items, total: $total, response_bytes: $bytes,
		nginx_rps: $ng, gonghui_rps: $gh, ratios: $ratios, median_ratio: $ratio,
		gonghui_p99_ms: $gh_p99, nginx_p99_ms: $ng_p99, target: 0.5, result: $verdict},
	warnings: $ARGS.positional}' "${WARNINGS[@]}" >"$OUT"
echo "wrote ${OUT#"$ROOT"/}"
