# lib.sh — what the benchmark scripts share; sourced after they set ROOT, BIN and TMP.
# BENCH_NAME (default "bench") prefixes messages.

die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }

stop_pid() { # PID [SIGNAL]: the signal (TERM), wait up to 10 s, then KILL
	local pid=$1 sig=${2:-TERM}
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}

# The end of every script's cleanup: on failure the server log's last lines, then TMP goes.
finish() { # RC
	if [[ $1 -ne 0 && -f $TMP/gonghui.log ]]; then
		echo "--- last lines of the server log ---" >&2
		tail -n 20 "$TMP/gonghui.log" >&2
	fi
	rm -rf "$TMP"
	exit "$1"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx with 2 workers and access_log off serving a 15-byte file (the same body as /healthz):
# the reference of every ratio. Sets NGINX_PID and NGINX_URL; TMP must be 755 (workers run as
# nobody).
start_nginx() {
	local port ng=$TMP/nginx
	port=$(free_port)
	mkdir -p "$ng/html" "$ng/tmp" "$ng/logs"
	chmod 755 "$ng" "$ng/html"
	printf '{"status":"ok"}' >"$ng/html/ok.json"
	chmod 644 "$ng/html/ok.json"
	cat >"$ng/nginx.conf" <<CONF
worker_processes 2;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	default_type application/json;
	client_body_temp_path $ng/tmp/body;
	proxy_temp_path $ng/tmp/proxy;
	fastcgi_temp_path $ng/tmp/fastcgi;
	uwsgi_temp_path $ng/tmp/uwsgi;
	scgi_temp_path $ng/tmp/scgi;
	server {
		listen 127.0.0.1:$port;
		root $ng/html;
	}
}
CONF
	nginx -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log" -t -q || die "nginx config test failed"
	nginx -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log"
	for _ in $(seq 1 50); do [[ -s $ng/nginx.pid ]] && break; sleep 0.1; done
	NGINX_PID=$(cat "$ng/nginx.pid")
	NGINX_URL=http://127.0.0.1:$port/ok.json
	[[ $(curl -fsS "$NGINX_URL") == '{"status":"ok"}' ]] || die "nginx does not serve $NGINX_URL"
}

# `gonghui serve` in TMP (its environment already exported, GH its URL) until /healthz answers.
# Sets GH_PID.
start_gonghui() {
	(cd "$TMP" && exec "$BIN" serve) >"$TMP/gonghui.log" 2>&1 &
	GH_PID=$!
	for _ in $(seq 1 300); do
		kill -0 "$GH_PID" 2>/dev/null || die "gonghui exited during start-up"
		curl -fsS -o /dev/null "$GH/healthz" 2>/dev/null && return 0
		sleep 0.1
	done
	die "gonghui did not answer /healthz within 30 s"
}

post() { # PATH JSON → body on stdout, headers in $TMP/h
	curl -sS -D "$TMP/h" -H 'Content-Type: application/json' -H "Origin: $GH" \
		--data-binary "$2" "$GH$1"
}
status_of() { head -n1 "$TMP/h" | awk '{print $2}'; }

# Keep-alive check: libmicrohttpd closes the connection when a response is queued on the
# access handler's first call; that would make every wrk request a new connection.
keepalive_ok() { # URL [curl args]
	local url=$1; shift
	! curl -sS -o /dev/null -D - "$@" "$url" | tr -d '\r' | grep -qi '^connection: *close'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0) ? a / b : 0}'; }
nums() { jq -c -R 'split(" ") | map(select(length > 0) | tonumber)' <<<"$1"; }
busy() { # percent of all CPU time not idle over 2 s
	local a b
	read -ra a < <(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat); sleep 2
	read -ra b < <(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
	awk -v u=$((b[0] - a[0])) -v i=$((b[1] - a[1])) 'BEGIN {printf "%.0f", (u + i) ? 100 * u / (u + i) : 0}'
}
