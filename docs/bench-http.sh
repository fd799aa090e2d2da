#!/usr/bin/env bash
# The end-to-end comparison behind docs/PERFORMANCE.md: signed Slack slash
# commands against targetbot's serve handler, the limit server
# (cmd/targetbot/internal/limit), the floor (the limit with targetbot's
# write, metrics and log line) and, when its packages are installed, the
# Bolt peer (cmd/targetbot/testdata/boltpeer), in one run on one private
# Redis on loopback TCP. It prints the ratios and every server's figures.
#
# Usage: bash docs/bench-http.sh            (needs redis-server)
#        BOLT=/tmp/boltpeer/node_modules bash docs/bench-http.sh
#        COMMANDS=40000 COUNT=3 bash docs/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BOLT:-}" ]; then
  export TARGETBOT_BENCH_BOLT="$BOLT"
fi
go test -run '^$' -bench '^BenchmarkServeRatios$' -benchtime "${COMMANDS:-20000}x" -count "${COUNT:-1}" ./cmd/targetbot 2>&1 |
  grep -E '^(Benchmark|cpu:)' | sed 's/\t */\n  /g'
