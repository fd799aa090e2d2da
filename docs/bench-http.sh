#!/usr/bin/env bash
# Measures signed Slack slash commands end to end against Redis on
# loopback TCP, beside redis-benchmark on the same server in the same run.
# Usage: bash docs/bench-http.sh   (needs redis-server and redis-benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes --pidfile "$dir/pid" >/dev/null
trap 'kill "$(cat "$dir/pid")" 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5

echo "== redis-benchmark -t set -c 50 (loopback TCP, port $port)"
redis-benchmark -h 127.0.0.1 -p "$port" -t set -c 50 -n 200000 -q | tr "\r" "\n" | tail -n 2

echo "== targetbot: signed /slack/commands updates, end to end (HTTP + HMAC + parse + 1 Redis round trip + Block Kit)"
TARGETBOT_TEST_REDIS="redis://127.0.0.1:$port/0" \
  go test -run '^$' -bench BenchmarkSlackCommandsHTTP -benchtime "${BENCHTIME:-5s}" -count "${COUNT:-3}" ./cmd/targetbot 2>&1 | grep -E '^(Benchmark|cpu|goos)'
