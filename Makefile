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
KNOWN_VARS := BASE_URL LABEL_FILTER FOCUS PROCS OUT E2E_SHARD E2E_OUTPUT_DIR E2E_KEEP_ARTIFACTS E2E_SPEC_TIMEOUT E2E_ASSERT_TIMEOUT \
	E2E_ACTION_TIMEOUT E2E_NAVIGATION_TIMEOUT E2E_INSECURE E2E_POOL_SIZE E2E_FILMSTRIP E2E_PROTOCOL_TRACE \
	CHROME_BIN E2E_BROWSER_URL E2E_LAUNCHER_URL E2E_PROFILE_ROOT E2E_WARM_PATH SOAK_RUNS BENCH_ROUNDS GO ADDR VERSION \
	HEADLESS DURATION
UNKNOWN_VARS := $(filter-out $(KNOWN_VARS),$(foreach v,$(-*-command-variables-*-),$(firstword $(subst =, ,$(v)))))
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

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

.PHONY: deps-chromium
deps-chromium: ## install Debian's Chromium if it is missing (unless CHROME_BIN or E2E_BROWSER_URL is set)
	$(if $(CHROME_BIN)$(E2E_BROWSER_URL)$(E2E_LAUNCHER_URL),,$(call need_debian,chromium,chromium fonts-liberation))

.PHONY: deps-alertmanager
deps-alertmanager: ## install Debian's prometheus-alertmanager if it is missing (tests, smoke-demo)
	$(call need_debian,prometheus-alertmanager,prometheus-alertmanager)

.PHONY: preflight
preflight: deps-chromium
	@$(GO) run ./cmd/e2e-check

.PHONY: e2e
e2e: preflight ## run the suites against the fixture editor (or BASE_URL) in headless Chromium
	@out=$${E2E_OUTPUT_DIR:-$(OUT)/e2e}; E2E_OUTPUT_DIR=$$out $(GINKGO) -p --procs=$(PROCS) --randomize-all --timeout=20m \
		$(if $(LABEL_FILTER),--label-filter='$(LABEL_FILTER)') $(if $(FOCUS),--focus='$(FOCUS)') \
		./suites/editor || status=$$?; \
	echo "e2e report: $$out/report.html"; exit $${status:-0}

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
soak: deps-chromium ## the full editor suite SOAK_RUNS times (50), randomised, in parallel, with both cores loaded
	$(call need_debian,stress-ng,stress-ng)
	$(GO) run ./cmd/soak --runs $(or $(SOAK_RUNS),50) --procs $(PROCS) --out $(OUT)/soak

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
