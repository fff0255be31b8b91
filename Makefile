# The two commands: `make e2e` runs the suites against the embedded fixture editor (or BASE_URL) in headless
# Chromium; `make test` runs every test. Both install what is missing from Debian when run as root, or stop
# with one line saying what to install. `make help` lists everything.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO      ?= go
GINKGO  := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
OUT     ?= $(CURDIR)/out
PROCS   ?= 2

# Variables a user may set on the command line; anything else is a typo that would silently change nothing.
KNOWN_VARS := BASE_URL LABEL_FILTER FOCUS GINKGO_FLAGS HEADED SLOWMO PAUSE_ON_FAILURE E2E_TRACE PROCS OUT E2E_SHARD E2E_OUTPUT_DIR E2E_KEEP_ARTIFACTS E2E_SPEC_TIMEOUT E2E_ASSERT_TIMEOUT \
	E2E_ACTION_TIMEOUT E2E_NAVIGATION_TIMEOUT E2E_INSECURE E2E_POOL_SIZE E2E_FILMSTRIP E2E_PROTOCOL_TRACE \
	CHROME_BIN E2E_BROWSER_URL E2E_LAUNCHER_URL E2E_PROFILE_ROOT E2E_WARM_PATH SOAK_RUNS SOAK_STRESS BENCH_ROUNDS GO ADDR VERSION \
	HEADLESS DURATION
# Asked of each variable rather than read from make's command line, which splits FOCUS="user's email" in two.
UNKNOWN_VARS := $(filter-out $(KNOWN_VARS),$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v))))
ifneq ($(strip $(UNKNOWN_VARS)),)
$(error unknown variable(s) $(UNKNOWN_VARS); the README's "Variables" section lists the ones make knows)
endif

# need_debian COMMAND,PACKAGES: install PACKAGES from Debian when COMMAND is missing and we are root.
define need_debian
@command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "make: installing $(2) from Debian"; \
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); } >/dev/null || exit 2; \
  else echo "make: $(1) is missing: install it with 'sudo apt-get install $(2)'" >&2; exit 2; fi; }
endef

# The variables `make help` lists, one line each; every name in KNOWN_VARS has a line here.
#> BASE_URL             the deployment to test (default: the embedded fixture editor, served for the run)
#> LABEL_FILTER         only specs whose labels match, e.g. LABEL_FILTER='smoke && !slow'
#> FOCUS                only specs whose names match this regular expression, e.g. FOCUS="user's email"
#> GINKGO_FLAGS         more flags for Ginkgo, e.g. GINKGO_FLAGS='--seed=42 -v --flake-attempts=2 --focus-file=x.go'
#> HEADED               1: show the browser window (needs a display)
#> SLOWMO               milliseconds to wait before each action, with the mouse pointer drawn on the page
#> PAUSE_ON_FAILURE     1: keep a failed spec's page open, print its DevTools URL, wait for Enter (terminals only, never CI)
#> E2E_TRACE            failing (default), on or off: which specs keep a step-by-step trace for the report
#> PROCS                parallel Ginkgo processes (2; 1 with PAUSE_ON_FAILURE)
#> OUT                  where every target writes (out/); make e2e writes to $(OUT)/e2e
#> E2E_OUTPUT_DIR       make e2e's reports and failure artifacts (out/e2e)
#> E2E_KEEP_ARTIFACTS   1: keep screenshots, traces and HARs of passing specs too
#> E2E_SHARD            i/n: run one of n deterministic parts of the suite
#> E2E_SPEC_TIMEOUT     each spec's time limit (30s)
#> E2E_ASSERT_TIMEOUT   how long Eventually waits (5s)
#> E2E_ACTION_TIMEOUT   how long an action waits for its checks (5s)
#> E2E_NAVIGATION_TIMEOUT  how long a navigation waits for the load event (15s)
#> E2E_INSECURE         1: accept the target's invalid TLS certificate
#> E2E_POOL_SIZE        isolated sessions prepared ahead per process (1)
#> E2E_FILMSTRIP        0: no screencast (and so no frames in traces)
#> E2E_PROTOCOL_TRACE   0: no DevTools protocol trace
#> CHROME_BIN           the Chromium or Chrome to launch (/usr/bin/chromium)
#> E2E_BROWSER_URL      a DevTools endpoint to connect to instead of launching
#> E2E_LAUNCHER_URL     a rod launcher service that launches the browser remotely
#> E2E_PROFILE_ROOT     where launched browsers keep their profiles ($TMPDIR/e2e-harness)
#> E2E_WARM_PATH        a page of the target that prepared sessions load ahead
#> SOAK_RUNS            make soak: how many runs (50)
#> SOAK_STRESS          make soak: load the cores with stress-ng while it runs
#> BENCH_ROUNDS         make bench: rounds per side (5)
#> GO                   the go command (go)
#> ADDR, VERSION        make serve: the address (127.0.0.1:8080) and the version the fixture reports (dev)
#> HEADLESS, DURATION   make record: 1 records without a window; stop after this long (2m)

.PHONY: help
help: ## list the targets and the variables
	@echo "Targets:"
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'
	@echo; echo "Variables (make <target> NAME=value; the README's Variables section says more):"
	@sed -n 's/^#> /  /p' $(MAKEFILE_LIST)

.PHONY: deps-chromium
deps-chromium: ## install Debian's Chromium if it is missing (unless CHROME_BIN or E2E_BROWSER_URL is set)
	$(if $(CHROME_BIN)$(E2E_BROWSER_URL)$(E2E_LAUNCHER_URL),,$(call need_debian,chromium,chromium fonts-liberation))

.PHONY: deps-alertmanager
deps-alertmanager: ## install Debian's prometheus-alertmanager if it is missing (tests, smoke-demo)
	$(call need_debian,prometheus-alertmanager,prometheus-alertmanager)

# Built, not run with `go run`, which would turn every exit code into 1.
E2E_CHECK := $(OUT)/bin/e2e-check
E2E_DIR    = $${E2E_OUTPUT_DIR:-$(OUT)/e2e}

# shell_quote TEXT: TEXT as one shell word, whatever quotes it holds. Values are taken with $(value …), so a
# `$` in FOCUS reaches Ginkgo as typed instead of being expanded by make.
shell_quote = '$(subst ','\'',$(1))'

# run_editor_suite GINKGO-FLAGS: the editor suite under the Ginkgo CLI, then e2e-check's account of the run: each
# failed spec with its cause, the report, and the run's own exit code (1 failed, 2 could not start, 3 bad
# variable or no spec selected, 130 interrupted), which make prints as "Error N". PAUSE_ON_FAILURE runs one
# process, so that one person answers one paused spec at a time, and gives the run hours instead of 20 minutes.
define run_editor_suite
out=$(E2E_DIR); export E2E_OUTPUT_DIR="$$out" E2E_RUN_ID="$$(date +%s%N)-$$$$"; \
case "$${PAUSE_ON_FAILURE,,}" in 1|true|yes|on) par="--procs=1 --timeout=12h";; *) par="-p --procs=$(PROCS) --timeout=20m";; esac; \
$(GINKGO) $$par --randomize-all $(1) $(value GINKGO_FLAGS) ./suites/editor || status=$$?; \
$(E2E_CHECK) after "$$out" "$${status:-0}"
endef

.PHONY: e2e-check
e2e-check:
	@$(GO) build -o $(E2E_CHECK) ./cmd/e2e-check

.PHONY: preflight
preflight: deps-chromium e2e-check
	@$(E2E_CHECK)

.PHONY: e2e
e2e: preflight ## run the editor suite against the fixture editor (or BASE_URL) in headless Chromium
	@$(call run_editor_suite,$(if $(value LABEL_FILTER),--label-filter=$(call shell_quote,$(value LABEL_FILTER))) \
		$(if $(value FOCUS),--focus=$(call shell_quote,$(value FOCUS))))

.PHONY: e2e-failed
e2e-failed: deps-chromium e2e-check ## rerun only the specs that failed in the last make e2e, with its seed and BASE_URL, filmstrip from the first paint
	@rerun=$$($(E2E_CHECK) last-failed $(E2E_DIR)) || exit $$?; [ -n "$$rerun" ] || exit 0; \
	export BASE_URL="$$(sed -n 2p <<<"$$rerun")" E2E_FILMSTRIP="$${E2E_FILMSTRIP:-on}"; \
	$(call run_editor_suite,--seed="$$(sed -n 1p <<<"$$rerun")" --focus="$$(sed -n 3p <<<"$$rerun")")

.PHONY: deps-grapesjs
deps-grapesjs: ## install GrapesJS from the npm registry (lockfile) for the third-party suite
	$(call need_debian,npm,npm)
	@test suites/grapesjs/node_modules/.package-lock.json -nt suites/grapesjs/package-lock.json || \
		npm ci --prefix suites/grapesjs --no-audit --no-fund --loglevel=error

.PHONY: grapesjs
grapesjs: preflight deps-grapesjs ## run the GrapesJS suite: our harness on an editor nobody here wrote
	@E2E_OUTPUT_DIR=$${E2E_OUTPUT_DIR:-$(OUT)/grapesjs} $(GINKGO) -p --procs=$(PROCS) --randomize-all --timeout=10m ./suites/grapesjs

STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: vet
vet: ## gofmt, go vet and staticcheck (staticcheck.conf allows Ginkgo's dot imports)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "make: gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(STATICCHECK) ./...

.PHONY: unit
unit: deps-chromium deps-alertmanager ## the Go tests of every package (harness tests drive a real Chromium)
	$(GO) test ./harness/... ./fixtures/... ./reports/... ./suites/e2e/... ./cmd/...

.PHONY: regressions
regressions: deps-chromium ## the regression gallery: does the suite catch each known bug, and does a JS-click test?
	$(GO) run ./cmd/regressions --out $(OUT)/regressions --procs $(PROCS)

.PHONY: test
test: vet unit e2e grapesjs regressions ## everything: vet, unit tests, the suites and the regression gallery

.PHONY: soak
soak: deps-chromium ## the full editor suite SOAK_RUNS times (50), randomised, in parallel, under SOAK_STRESS stress-ng CPU workers (2)
	$(call need_debian,stress-ng,stress-ng)
	$(GO) run ./cmd/soak --runs $(or $(SOAK_RUNS),50) --load $(or $(SOAK_STRESS),2) --procs $(PROCS) --out $(OUT)/soak

.PHONY: bench
bench: deps-chromium ## the harness and Playwright Test side by side on the same scenario (installs Playwright from the lockfile)
	$(call need_debian,npm,npm)
	@test bench/playwright/node_modules/.package-lock.json -nt bench/playwright/package-lock.json || \
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix bench/playwright --no-audit --no-fund --loglevel=error
	$(GO) run ./cmd/bench --rounds $(or $(BENCH_ROUNDS),5) --out $(OUT)/bench

.PHONY: smoke
smoke: ## build the post-deploy smoke runner into $(OUT)/bin/smoke (ship it with Chromium; no Go toolchain needed)
	CGO_ENABLED=0 $(GO) build -trimpath -o $(OUT)/bin/smoke ./cmd/smoke

.PHONY: smoke-demo
smoke-demo: deps-chromium deps-alertmanager ## the smoke runner against a healthy fixture, the incident's bug (one severity 1 alert in a local Alertmanager) and the fix
	@$(GO) run ./cmd/smoke-demo --out $(OUT)/smoke-demo

.PHONY: record
record: deps-chromium ## record a spec by doing it: BASE_URL=<url> [OUT=suites/editor/new_feature.go] [HEADLESS=1] [DURATION=2m]
	@$(GO) run ./cmd/record $(if $(BASE_URL),--base-url '$(BASE_URL)') $(if $(filter command line,$(origin OUT)),--out '$(OUT)') \
		$(if $(filter 1 true yes on,$(HEADLESS)),--headless) $(if $(DURATION),--duration '$(DURATION)')

.PHONY: serve
serve: ## serve the fixture editor on ADDR (127.0.0.1:8080)
	$(GO) run ./cmd/fixture-server --addr $(or $(ADDR),127.0.0.1:8080) --version $(or $(VERSION),dev)
