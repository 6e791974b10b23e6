#!/usr/bin/env bash
# Load on loopback: start `yusuan serve` (release build, fresh SQLite file, or the database
# given as $1), sign in, send 100 concurrent uploads of the corpus documents, report throughput
# and latency, stop the server. Not a test: numbers go to BENCHMARKS.md.
#
#   scripts/load.sh                                       # SQLite
#   scripts/load.sh postgres://postgres@127.0.0.1/yusuan_load
#   CONCURRENCY=200 scripts/load.sh
#   ATTACKERS=1 CONCURRENCY=200 scripts/load.sh            # with slow, anonymous and oversized clients
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus}"
CONCURRENCY="${CONCURRENCY:-100}"
cargo build --release -q -p yusuan
cargo build --release -q -p yusuan-web --example load
work="$(mktemp -d)"
trap 'if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
db="${1:-$work/yusuan.sqlite3}"
password="load-$(date +%s%N)"
YUSUAN_PASSWORD="$password" target/release/yusuan user add "load$$" --role bureau --database "$db"
target/release/yusuan serve --database "$db" --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 1 100); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
base="$(grep -o 'http://[^/]*' "$work/serve.out")"
echo "server: $base ($(nproc) cores), database: $db"
target/release/examples/load --base "$base" --user "load$$" --password "$password" \
  --concurrency "$CONCURRENCY" ${ATTACKERS:+--attackers} "$CORPUS"/*.pdf "$CORPUS"/*.txt
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"
