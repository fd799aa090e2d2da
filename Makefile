# The test command CI runs (.ci/run) and the README documents.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test lint bench fuzz build

# The HTML report's browser test runs axe-core from here; .ci/run installs
# it (npm install --prefix .ci axe-core). Set it to use another copy.
export TARGETBOT_AXE_JS ?= $(CURDIR)/.ci/node_modules/axe-core/axe.min.js

# A skipped browser test leaves a line in TARGETBOT_SKIP_NOTES, printed
# once after the tests: go test does not show skips.
test: lint
	@notes=$$(mktemp); TARGETBOT_SKIP_NOTES=$$notes go test -race -count=1 ./...; rc=$$?; \
	  sort -u $$notes; rm -f $$notes; exit $$rc

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

# The version is the nearest tag, commits since it and the commit
# (git describe), so a source build says which source it is.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

build:
	go build -ldflags "-X main.Version=$(VERSION)" -o targetbot ./cmd/targetbot

# Benchmarks behind docs/PERFORMANCE.md. ServeRatios runs targetbot's serve
# handler, the limit server (cmd/targetbot/internal/limit) and the floor
# (the limit with targetbot's write, metrics and log line) in one run; set
# TARGETBOT_BENCH_BOLT to the Bolt peer's node_modules to include it.
bench:
	go test -run='^$$' -bench=. -benchmem -benchtime=2000x ./store/... ./commands
	go test -run='^$$' -bench=Report -benchmem -benchtime=3x ./commands/report
	go test -run='^$$' -bench=. -benchmem -benchtime=10x ./reminders/...
	go test -run='^$$' -bench=ServeRatios -benchtime=20000x ./cmd/targetbot
	go test -run='^$$' -bench=Growth -benchtime=1x -timeout=60m ./store/dump

# A short run of every fuzz target.
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$(go list ./...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; go test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg || exit 1; \
	  done; \
	done
