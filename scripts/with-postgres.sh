#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster: created as the postgres user in a
# temporary directory (UTF-8, C.UTF-8 ctype), listening on a free loopback port, removed
# afterwards. The command sees GONGHUI_TEST_PG=postgres://postgres@127.0.0.1:PORT/
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/gonghui-pg.XXXXXX)
chown postgres "$dir"
chmod 700 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { (cd "$dir" && runuser -u postgres -- "$@"); }
cleanup() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c shared_buffers=128MB" start >/dev/null
export GONGHUI_TEST_PG="postgres://postgres@127.0.0.1:$port/"
echo "PostgreSQL test cluster on port $port"
"$@"
