#!/usr/bin/env bash
# bench/http.sh — HTTP benchmark of gonghui against nginx on this machine (SPEC §8).
#
#   1. GET /healthz                 ≥ 1.2 × nginx serving a 15-byte static file
#   2. GET /api/v1/account and GET /api/v1/affairs (我的办事) with a session cookie ≥ 0.5 × nginx
#   3. POST /api/v1/auth/password-login ≥ 0.8 × the Argon2 bound (cores ÷ one hash's time, timed
#      by build/release/argon2-time with the server's own password_verify)
#   4. peak RSS (VmHWM) under 256 concurrent connections ≤ 256 MiB
#
# Needs build/release/gonghui and build/release/argon2-time (`make build`), nginx, wrk, curl, jq.
# Environment:
#   BENCH_SECONDS   seconds per wrk run (default 10)
#   BENCH_RUNS      alternating nginx/gonghui pairs per ratio (default 3; the median is taken)
#   GONGHUI_DB      default: SQLite in a temporary directory. For PostgreSQL pass an EMPTY
#                   database (postgres://…): the run writes a fresh field key, and a database
#                   written with another key is refused by the server.
#   GONGHUI_ARGON2_OPS / GONGHUI_ARGON2_MEM_KIB   passed through; the bound uses the same cost.
# Output: a table on stdout and bench/results/http-<engine>.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/release/gonghui
TIMER=$ROOT/build/release/argon2-time
SECS=${BENCH_SECONDS:-10}
RUNS=${BENCH_RUNS:-3}
THREADS=2          # wrk threads
CONNS=64           # wrk keep-alive connections for the ratios
LOGIN_CONNS=${BENCH_LOGIN_CONNECTIONS:-16}
MEM_CONNS=256
ARGON_OPS=${GONGHUI_ARGON2_OPS:-2}
ARGON_MEM=${GONGHUI_ARGON2_MEM_KIB:-19456}
CORES=$(nproc)

source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing: run 'make build' first"
[[ -x $TIMER ]] || die "$TIMER is missing: run 'make build' first"
for tool in nginx wrk curl jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 && $SECS -le 600 ]] || die "BENCH_SECONDS must be 1..600"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 && $RUNS -le 15 ]] || die "BENCH_RUNS must be 1..15"
[[ $(id -u) == 0 ]] || die "run as root (nginx is started with its own prefix and config)"

TMP=$(mktemp -d /tmp/gonghui-bench.XXXXXX)
chmod 755 "$TMP" # nginx workers run as nobody and must reach html/
GH_PID=
NGINX_PID=

cleanup() {
	local rc=$?
	stop_pid "$GH_PID" TERM
	stop_pid "$NGINX_PID" QUIT # the master stops its workers
	finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- nginx
start_nginx

# ---------------------------------------------------------------- gonghui
GH_PORT=$(free_port)
DATA=$TMP/data
mkdir -p "$TMP/web"
if [[ -n ${GONGHUI_DB:-} ]]; then
	DB_URL=$GONGHUI_DB
else
	DB_URL=sqlite:$DATA/gonghui.db
fi
case $DB_URL in
	sqlite:*) ENGINE=sqlite ;;
	postgres://* | postgresql://*) ENGINE=postgres ;;
	*) die "GONGHUI_DB must start with sqlite: or postgres://" ;;
esac
PER_ADDRESS=1024 # above the 256 connections of the memory run (the default cap is 256)
export GONGHUI_MODE=dev GONGHUI_LISTEN=127.0.0.1:$GH_PORT GONGHUI_DATA_DIR=$DATA \
	GONGHUI_DB=$DB_URL GONGHUI_ACCESS_LOG=off GONGHUI_WEB_DIR=$TMP/web \
	GONGHUI_ASSETS_DIR=$ROOT/data GONGHUI_PER_ADDRESS_CONNECTIONS=$PER_ADDRESS
unset GONGHUI_CONFIG GONGHUI_KEY_FILE
GH=http://127.0.0.1:$GH_PORT
(cd "$TMP" && "$BIN" keygen >/dev/null)
start_gonghui
curl -fsS -o /dev/null "$GH/readyz" || die "gonghui /readyz is not ready"


# ---------------------------------------------------------------- a logged-in worker

id_number() { # a valid GB 11643 number: Xiamen Siming, born 1990-mm-dd, random sequence
	local base w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) c=10X98765432 sum=0 i
	base=$(printf '35020319900%d%02d%03d' $((RANDOM % 9 + 1)) $((RANDOM % 28 + 1)) $((RANDOM % 1000)))
	for i in $(seq 0 16); do sum=$((sum + ${base:i:1} * ${w[i]})); done
	echo "$base${c:sum%11:1}"
}

PHONE=139$(shuf -i 10000000-99999999 -n 1)
PASSWORD=Bench2026pass
body=$(post /api/v1/auth/sms-code "{\"phone\":\"$PHONE\",\"purpose\":\"login\"}")
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
[[ $(status_of) == 200 ]] || die "sms-login: $(status_of) $body"
reg=$(jq -r '.registration_token // empty' <<<"$body")
[[ -n $reg ]] || die "sms-login did not ask for the profile: $body"
body=$(post /api/v1/auth/register "$(jq -nc --arg t "$reg" --arg id "$(id_number)" \
	--arg pw "$PASSWORD" '{registration_token:$t,name:"张三",id_number:$id,password:$pw,
	password_confirm:$pw,privacy_consent:true}')")
[[ $(status_of) == 201 ]] || die "register: $(status_of) $body"
SESSION=$(tr -d '\r' <"$TMP/h" | sed -n 's/^[Ss]et-[Cc]ookie: *gh_session=\([^;]*\).*/\1/p' | head -n1)
[[ -n $SESSION ]] || die "register set no gh_session cookie"
COOKIE="Cookie: gh_session=$SESSION"
account=$(curl -fsS -H "$COOKIE" "$GH/api/v1/account") || die "GET /api/v1/account failed"
[[ $(jq -r '.user.name' <<<"$account") == 张三 ]] || die "unexpected account: $account"
CSRF=$(jq -r '.csrf_token // empty' <<<"$body")
# One draft 网上入会 application, so that 我的办事 lists something. Best effort: an empty list is
# still a valid (lighter) read, and the run says which one it measured.
post_auth() { # PATH JSON → body on stdout, headers in $TMP/h
	curl -sS -D "$TMP/h" -H 'Content-Type: application/json' -H "Origin: $GH" -H "$COOKIE" \
		-H "X-CSRF-Token: $CSRF" --data-binary "$2" "$GH$1"
}
AFFAIRS_ITEMS=0
version=$(curl -fsS "$GH/api/v1/join/agreement" | jq -r '.version // empty') || version=
if [[ -n $version ]]; then
	consent=$(post_auth /api/v1/join/consent "$(jq -nc --arg v "$version" '{version:$v}')" |
		jq -r '.consent_id // empty') || consent=
	if [[ -n $consent ]]; then
		post_auth /api/v1/applications "$(jq -nc --argjson c "$consent" \
			--arg rid "$(cat /proc/sys/kernel/random/uuid)" '{kind:"join",consent_id:$c,
			request_id:$rid,data:{residence:"福建省厦门市思明区"},submit:false}')" >/dev/null || true
	fi
fi
affairs=$(curl -fsS -H "$COOKIE" "$GH/api/v1/affairs") || die "GET /api/v1/affairs failed"
AFFAIRS_ITEMS=$(jq '.items | length' <<<"$affairs") || die "unexpected affairs answer: $affairs"
((AFFAIRS_ITEMS > 0)) || echo "bench: note: the 我的办事 list is empty (no draft could be made)" >&2
keepalive_ok "$GH/healthz" || die "/healthz answers Connection: close"
keepalive_ok "$GH/api/v1/account" -H "$COOKIE" || die "/api/v1/account answers Connection: close"
keepalive_ok "$GH/api/v1/affairs" -H "$COOKIE" || die "/api/v1/affairs answers Connection: close"
keepalive_ok "$NGINX_URL" || die "nginx answers Connection: close"

# ---------------------------------------------------------------- wrk
# On PostgreSQL the database server is part of what is measured: its postmaster (found by the
# loopback port of GONGHUI_DB) and its backends count as our own work.
PG_PORT=
if [[ $ENGINE == postgres && $DB_URL =~ @(127\.0\.0\.1|localhost|\[::1\]):([0-9]+)(/|$) ]]; then
	PG_PORT=${BASH_REMATCH[2]}
fi
pg_pids() {
	[[ -n $PG_PORT ]] || return 0
	local master
	master=$(ss -Hltnp "sport = :$PG_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
	[[ -n $master ]] && echo "$master" $(pgrep -P "$master")
	return 0
}
# CPU ticks (1/100 s) spent by the whole machine, and by our own server and nginx processes.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
own_ticks() {
	local p sum=0 t
	for p in "$GH_PID" "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null) $(pg_pids); do
		t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}
# run_wrk NAME CONNS URL [wrk args] → "rps non2xx errors other%" on stdout; full output kept.
# other% is the share of all CPUs used by anything but wrk, nginx and gonghui during the run:
# above a few percent the run was disturbed by other work on the machine.
run_wrk() {
	local name=$1 conns=$2 url=$3; shift 3
	local out=$TMP/wrk-$name.txt rps non2xx errs m0 o0 m1 o1 w other
	local all0 all1
	read -r m0 all0 < <(machine_ticks); o0=$(own_ticks)
	(
		wrk -t"$THREADS" -c"$conns" -d"${SECS}s" --timeout 10s "$@" "$url" || exit 1
		times >"$out.times" # no pipe: a piped `times` runs in a fork that has no children
	) >"$out" 2>&1 || {
		grep -q 'INFO signal' "$TMP/gonghui.log" 2>/dev/null &&
			die "gonghui was stopped by a signal from outside during the run ($name)"
		kill -0 "$GH_PID" 2>/dev/null || die "gonghui died during the run ($name)"
		die "wrk failed: $(cat "$out")"
	}
	read -r m1 all1 < <(machine_ticks); o1=$(own_ticks)
	w=$(awk '{for (i = 1; i <= 2; i++) {split($i, t, /[ms]/); s += t[1] * 60 + t[2]}} END {printf "%d", s * 100}' <(tail -n1 "$out.times"))
	other=$(awk -v d=$((m1 - m0 - (o1 - o0) - w)) -v all=$((all1 - all0)) \
		'BEGIN {v = all > 0 ? 100 * d / all : 0; printf "%.0f", v < 0 ? 0 : v}')
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
	[[ -n $rps ]] || die "no Requests/sec in wrk output: $(cat "$out")"
	echo "$rps ${non2xx:-0} ${errs:-0} $other"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }
verdict() { if "$@"; then echo pass; else echo FAIL; fi; }
PROBLEMS=()
OTHER_MAX=0
check_clean() { # NAME "rps non2xx errors other%"
	local n e o
	read -r _ n e o <<<"$2"
	if [[ $n != 0 || $e != 0 ]]; then
		PROBLEMS+=("$1: $n non-2xx responses, $e socket errors")
		echo "bench: warning: $1: $n non-2xx responses, $e socket errors" >&2
	fi
	((o > OTHER_MAX)) && OTHER_MAX=$o
	if ((o > 5)); then
		PROBLEMS+=("$1: other processes used $o% of the CPUs during the run")
		echo "bench: warning: $1: other processes used $o% of the CPUs during the run" >&2
	fi
	return 0
}

# Alternates nginx and gonghui RUNS times; sets <prefix>_NGINX, _GH, _RATIOS (space lists)
ratio_runs() { # PREFIX URL [wrk args]
	local prefix=$1 url=$2 i ng gh r; shift 2
	local ngs="" ghs="" ratios=""
	for i in $(seq 1 "$RUNS"); do
		ng=$(run_wrk "$prefix-nginx-$i" "$CONNS" "$NGINX_URL")
		check_clean "nginx run $i" "$ng"
		gh=$(run_wrk "$prefix-gonghui-$i" "$CONNS" "$url" "$@")
		check_clean "$prefix run $i" "$gh"
		r=$(div "${gh%% *}" "${ng%% *}")
		printf '  run %d: nginx %10.0f req/s   gonghui %10.0f req/s   ratio %s   (other work: %s%%, %s%%)\n' \
			"$i" "${ng%% *}" "${gh%% *}" "$r" "${ng##* }" "${gh##* }" >&2
		ngs+="${ng%% *} "; ghs+="${gh%% *} "; ratios+="$r "
	done
	printf -v "${prefix}_NGINX" '%s' "$ngs"
	printf -v "${prefix}_GH" '%s' "$ghs"
	printf -v "${prefix}_RATIOS" '%s' "$ratios"
}

# Other work on the machine skews every figure. Each wrk run measures how much CPU went to
# anything but wrk, nginx and gonghui (and PostgreSQL) while it ran, and warns above 5 %; the
# idle check before and after is kept for the record.
BUSY_BEFORE=$(busy)
((BUSY_BEFORE > 10)) && echo "bench: note: the machine is ${BUSY_BEFORE}% busy with other work" >&2

echo "gonghui HTTP benchmark: engine $ENGINE, $CORES cores, wrk -t$THREADS -c$CONNS, ${SECS}s per run, $RUNS alternating runs" >&2
echo "1. /healthz against nginx" >&2
ratio_runs health "$GH/healthz"
echo "2. GET /api/v1/account (worker session cookie) against nginx" >&2
ratio_runs account "$GH/api/v1/account" -H "$COOKIE"
echo "3. GET /api/v1/affairs (我的办事, $AFFAIRS_ITEMS item(s)) against nginx" >&2
ratio_runs affairs "$GH/api/v1/affairs" -H "$COOKIE"
HEALTH_RATIO=$(median <<<"$health_RATIOS")
ACCOUNT_RATIO=$(median <<<"$account_RATIOS")
AFFAIRS_RATIO=$(median <<<"$affairs_RATIOS")

echo "4. peak RSS under $MEM_CONNS connections" >&2
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$GH_PID/status"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$GH_PID/status"; }
HWM_BEFORE=$(hwm)
mem_h=$(run_wrk mem-healthz "$MEM_CONNS" "$GH/healthz")
check_clean "healthz at $MEM_CONNS connections" "$mem_h"
mem_a=$(run_wrk mem-account "$MEM_CONNS" "$GH/api/v1/account" -H "$COOKIE")
check_clean "account at $MEM_CONNS connections" "$mem_a"
mem_f=$(run_wrk mem-affairs "$MEM_CONNS" "$GH/api/v1/affairs" -H "$COOKIE")
check_clean "affairs at $MEM_CONNS connections" "$mem_f"
HWM_MEM=$(hwm)
RSS_AFTER_MEM=$(rss)
printf '  healthz %.0f, account %.0f, affairs %.0f req/s at %d connections; VmHWM %d KiB\n' \
	"${mem_h%% *}" "${mem_a%% *}" "${mem_f%% *}" "$MEM_CONNS" "$HWM_MEM" >&2

echo "5. password login against the Argon2 bound" >&2
# The timer is built with the server from the same library: it times the server's own
# password_verify (its Argon2id, block function and per-thread memory). The fastest of 9
# checks: other work on the machine only ever adds time, and a higher bound is the stricter
# target. The median is kept in the JSON.
read -r HASH_S HASH_MEDIAN_S < <("$TIMER" "$ARGON_OPS" "$ARGON_MEM" 9)
[[ -n $HASH_S ]] || die "the Argon2 timer failed"
ARGON_BLOCK=$("$TIMER" --block)
BOUND=$(awk -v c="$CORES" -v t="$HASH_S" 'BEGIN {printf "%.2f", c / t}')
# For reading the result, not for the verdict: what $CORES threads of one process reach when
# they do nothing but check passwords (no HTTP, no database, no load generator), and the time
# of one check with libsodium's crypto_pwhash_str_verify, which the server used before.
POOL_RATE=$("$TIMER" "$ARGON_OPS" "$ARGON_MEM" 30 "$CORES")
read -r SODIUM_HASH_S _ < <("$TIMER" --with libsodium "$ARGON_OPS" "$ARGON_MEM" 9)
cat >"$TMP/login.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"username":"$PHONE","password":"$PASSWORD"}'
wrk.headers["Content-Type"] = "application/json"
EOF
# One connection first: the server's own time per login, hash included.
SAVE_THREADS=$THREADS; THREADS=1
single=$(run_wrk login-single 1 "$GH/api/v1/auth/password-login" -s "$TMP/login.lua")
THREADS=$SAVE_THREADS
check_clean "password login (1 connection)" "$single"
login=$(run_wrk login "$LOGIN_CONNS" "$GH/api/v1/auth/password-login" -s "$TMP/login.lua")
check_clean "password login ($LOGIN_CONNS connections)" "$login"
LOGIN_RPS=${login%% *}
LOGIN_RATIO=$(div "$LOGIN_RPS" "$BOUND")
LOGIN_POOL_RATIO=$(div "$LOGIN_RPS" "$POOL_RATE")
HWM_END=$(hwm)
BUSY_AFTER=$(busy) # the server is idle now: anything left is other work
printf '  one hash %.1f ms -> bound %s logins/s on %d cores (%d hashing threads alone: %s/s); 1 connection %.1f/s; %d connections %.1f/s\n' \
	"$(awk -v t="$HASH_S" 'BEGIN {print t * 1000}')" "$BOUND" "$CORES" "$CORES" "$POOL_RATE" \
	"${single%% *}" "$LOGIN_CONNS" "$LOGIN_RPS" >&2

# ---------------------------------------------------------------- report
HEALTH_V=$(verdict ge "$HEALTH_RATIO" 1.2)
ACCOUNT_V=$(verdict ge "$ACCOUNT_RATIO" 0.5)
AFFAIRS_V=$(verdict ge "$AFFAIRS_RATIO" 0.5)
LOGIN_V=$(verdict ge "$LOGIN_RATIO" 0.8)
HWM_MIB=$(awk -v k="$HWM_MEM" 'BEGIN {printf "%.1f", k / 1024}')
HWM_END_MIB=$(awk -v k="$HWM_END" 'BEGIN {printf "%.1f", k / 1024}')
MEM_V=$(verdict le "$HWM_MIB" 256)
mid() { median <<<"$1"; }

echo
echo "gonghui HTTP benchmark — engine $ENGINE, $CORES cores, ${SECS}s runs, median of $RUNS"
printf '%-34s %14s %14s %9s %9s  %s\n' measure gonghui reference ratio target result
printf '%-34s %14.0f %14.0f %9s %9s  %s\n' "GET /healthz (req/s)" "$(mid "$health_GH")" \
	"$(mid "$health_NGINX")" "$HEALTH_RATIO" "≥ 1.2" "$HEALTH_V"
printf '%-34s %14.0f %14.0f %9s %9s  %s\n' "GET /api/v1/account (req/s)" "$(mid "$account_GH")" \
	"$(mid "$account_NGINX")" "$ACCOUNT_RATIO" "≥ 0.5" "$ACCOUNT_V"
printf '%-34s %14.0f %14.0f %9s %9s  %s\n' "GET /api/v1/affairs (req/s)" "$(mid "$affairs_GH")" \
	"$(mid "$affairs_NGINX")" "$AFFAIRS_RATIO" "≥ 0.5" "$AFFAIRS_V"
printf '%-34s %14.1f %14.1f %9s %9s  %s\n' "password login (logins/s)" "$LOGIN_RPS" "$BOUND" \
	"$LOGIN_RATIO" "≥ 0.8" "$LOGIN_V"
printf '%-34s %14s %14s %9s %9s  %s\n' "peak RSS, $MEM_CONNS connections (MiB)" "$HWM_MIB" 256 \
	"$(div "$HWM_MIB" 256)" "≤ 1.0" "$MEM_V"
echo "reference: nginx 2 workers on a 15-byte file (medians of the runs); login bound = $CORES cores ÷ $(awk -v t="$HASH_S" 'BEGIN {printf "%.1f", t * 1000}') ms per Argon2id check (m=${ARGON_MEM} KiB, t=${ARGON_OPS}, p=1; the server's code, block function $ARGON_BLOCK; libsodium's check: $(awk -v t="$SODIUM_HASH_S" 'BEGIN {printf "%.1f", t * 1000}') ms)"
echo "password login ÷ what $CORES hashing threads of one process reach alone ($POOL_RATE/s): $LOGIN_POOL_RATIO (information, not a target)"
echo "peak RSS of the whole run, logins included: $HWM_END_MIB MiB; per-address connection cap raised to $PER_ADDRESS for the run"
echo "other work on the machine: at most $OTHER_MAX% of the CPUs during a run (idle check: $BUSY_BEFORE% before, $BUSY_AFTER% after)"
for p in "${PROBLEMS[@]}"; do echo "warning: $p"; done

mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/http-$ENGINE.json
jq -n \
	--arg engine "$ENGINE" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg version "$("$BIN" --version 2>/dev/null | head -n1)" \
	--arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--argjson cores "$CORES" --argjson seconds "$SECS" --argjson runs "$RUNS" \
	--argjson threads "$THREADS" --argjson conns "$CONNS" \
	--argjson h_ng "$(nums "$health_NGINX")" --argjson h_gh "$(nums "$health_GH")" \
	--argjson h_r "$(nums "$health_RATIOS")" --argjson h_m "$HEALTH_RATIO" --arg h_v "$HEALTH_V" \
	--argjson a_ng "$(nums "$account_NGINX")" --argjson a_gh "$(nums "$account_GH")" \
	--argjson a_r "$(nums "$account_RATIOS")" --argjson a_m "$ACCOUNT_RATIO" --arg a_v "$ACCOUNT_V" \
	--argjson f_ng "$(nums "$affairs_NGINX")" --argjson f_gh "$(nums "$affairs_GH")" \
	--argjson f_r "$(nums "$affairs_RATIOS")" --argjson f_m "$AFFAIRS_RATIO" --arg f_v "$AFFAIRS_V" \
	--argjson f_items "$AFFAIRS_ITEMS" --argjson m_f "${mem_f%% *}" \
	--argjson hash_s "$HASH_S" --argjson hash_med "$HASH_MEDIAN_S" --arg block "$ARGON_BLOCK" \
	--argjson sodium_s "$SODIUM_HASH_S" \
	--argjson pool_rate "$POOL_RATE" --argjson pool_ratio "$LOGIN_POOL_RATIO" \
	--argjson other_max "$OTHER_MAX" --argjson busy_before "$BUSY_BEFORE" --argjson busy_after "$BUSY_AFTER" --argjson bound "$BOUND" --argjson l_conns "$LOGIN_CONNS" \
	--argjson l_single "${single%% *}" --argjson l_rps "$LOGIN_RPS" --argjson l_r "$LOGIN_RATIO" \
	--arg l_v "$LOGIN_V" --argjson ops "$ARGON_OPS" --argjson memkib "$ARGON_MEM" \
	--argjson m_conns "$MEM_CONNS" --argjson m_h "${mem_h%% *}" --argjson m_a "${mem_a%% *}" \
	--argjson hwm_before "$HWM_BEFORE" --argjson hwm "$HWM_MEM" --argjson hwm_end "$HWM_END" \
	--argjson rss_after "$RSS_AFTER_MEM" --argjson per_addr "$PER_ADDRESS" --arg m_v "$MEM_V" \
	--args '{
	engine: $engine, at: $at, version: $version, commit: $commit, cores: $cores,
	machine_busy_percent: {before: $busy_before, after: $busy_after},
	other_work_max_cpu_percent_during_runs: $other_max,
	wrk: {threads: $threads, connections: $conns, seconds: $seconds, runs: $runs},
	healthz: {nginx_rps: $h_ng, gonghui_rps: $h_gh, ratios: $h_r, median_ratio: $h_m,
		target: 1.2, result: $h_v},
	account_read: {path: "/api/v1/account", nginx_rps: $a_ng, gonghui_rps: $a_gh, ratios: $a_r,
		median_ratio: $a_m, target: 0.5, result: $a_v},
	affairs_read: {path: "/api/v1/affairs", items: $f_items, nginx_rps: $f_ng, gonghui_rps: $f_gh,
		ratios: $f_r, median_ratio: $f_m, target: 0.5, result: $f_v},
	password_login: {argon2: {ops: $ops, mem_kib: $memkib, parallelism: 1, block_function: $block,
		libsodium_hash_seconds: $sodium_s},
		hash_seconds: $hash_s, hash_seconds_median: $hash_med, bound_rps: $bound, connections: $l_conns,
		single_connection_rps: $l_single, rps: $l_rps, ratio: $l_r, target: 0.8,
		result: $l_v, hash_pool_alone_rps: $pool_rate, ratio_to_hash_pool_alone: $pool_ratio},
	memory: {connections: $m_conns, per_address_connections: $per_addr,
		healthz_rps: $m_h, account_rps: $m_a, affairs_rps: $m_f, vmhwm_kib_before: $hwm_before,
		vmhwm_kib: $hwm, vmrss_kib_after: $rss_after, vmhwm_kib_end_of_run: $hwm_end,
		target_mib: 256, result: $m_v},
	warnings: $ARGS.positional}' "${PROBLEMS[@]}" >"$OUT"
echo "wrote ${OUT#"$ROOT"/}"
