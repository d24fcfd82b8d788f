# Parley: `make dev` runs the product locally, `make test` runs every test.
# Both install what they need first (scripts/setup.sh) and rebuild only what changed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

WRANGLER := node_modules/.bin/wrangler
DEV_STATE := .wrangler/state
DEV_KEY_FILE := .wrangler/dev-api-key
DEV_PASSWORD_FILE := .wrangler/dev-admin-password
PORT ?= 8787

SHARED_SRC := $(shell find shared/src -type f) shared/Cargo.toml Cargo.toml Cargo.lock
WIDGET_OUT := www/widget/widget_bg.wasm
FACADE_OUT := www/loader.js
FILES_OUT := www/widget/files.js
BOT_OUT := www/widget/bot.js
UPLOT_OUT := www/vendor/uplot.js www/vendor/uplot.css
CSAT_OUT := www/widget/csat.js
INBOX_OUT := www/inbox.js
INBOX_SW_OUT := www/inbox-sw.js
WORKER_OUT := edge/build/index_bg.wasm

.PHONY: dev test setup setup-browser build lint unit e2e bench deploy clean

## dev: install, build, migrate + seed local D1, run the worker on 127.0.0.1:$(PORT)
dev: setup build
	@CI=1 $(WRANGLER) d1 migrations apply DB --local --persist-to $(DEV_STATE) >/dev/null
	@mkdir -p .wrangler; [ -s $(DEV_KEY_FILE) ] || node -e 'console.log("pk_" + require("crypto").randomBytes(24).toString("hex"))' > $(DEV_KEY_FILE)
	@[ -s $(DEV_PASSWORD_FILE) ] || node -e 'console.log(require("crypto").randomBytes(9).toString("base64url"))' > $(DEV_PASSWORD_FILE)
	@[ -s .dev.vars ] || node -e 'console.log("REPLY_SIGNING_SECRET=" + require("crypto").randomBytes(32).toString("hex"))' > .dev.vars
	@grep -q '^SETUP_TOKEN=' .dev.vars || node -e 'console.log("SETUP_TOKEN=" + require("crypto").randomBytes(16).toString("hex"))' >> .dev.vars
	@grep -q '^SECRETS_KEY=' .dev.vars || node -e 'console.log("SECRETS_KEY=" + require("crypto").randomBytes(32).toString("hex"))' >> .dev.vars
	@node scripts/seed.mjs --persist-to $(DEV_STATE) --key "$$(cat $(DEV_KEY_FILE))" --password "$$(cat $(DEV_PASSWORD_FILE))"
	@echo ""
	@echo "  Parley is running with a demo site (id s_demo, the Juniper & Pine tea shop):"
	@echo "    demo shop with the chat widget   http://127.0.0.1:$(PORT)/"
	@echo "    agent inbox                      http://127.0.0.1:$(PORT)/inbox.html"
	@echo "    sign in as the primary admin     admin@juniperandpine.example / $$(cat $(DEV_PASSWORD_FILE))"
	@echo "    API key (automations)            $$(cat $(DEV_KEY_FILE))"
	@echo "    demo mailbox                     support@juniper.inbound.example.com"
	@echo ""
	$(WRANGLER) dev --ip 127.0.0.1 --port $(PORT) --persist-to $(DEV_STATE) --show-interactive-dev-session=false --test-scheduled

## test: install, build, host unit tests, then HTTP/email/browser tests against wrangler dev
test: setup-browser build unit e2e

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

build: $(FACADE_OUT) $(FILES_OUT) $(BOT_OUT) $(CSAT_OUT) $(UPLOT_OUT) $(INBOX_OUT) $(INBOX_SW_OUT) $(WIDGET_OUT) $(WORKER_OUT)

# The inbox's script as the page loads it: its modules (www/inbox/*.js, the
# sources tsc checks) bundled and minified into one file, which keeps a
# phone's first load within 50 KB brotli (tests/mobile.test.mjs); uPlot stays
# a module of its own, imported only when Reports opens.
$(INBOX_OUT): $(wildcard www/inbox/*.js) www/inbox/constants.js
	node_modules/.bin/esbuild www/inbox/main.js --bundle --minify --format=esm --charset=utf8 --log-level=warning --outfile=$@

# The inbox's service worker: scripts/inbox-sw.js with the static shell's file
# list and a version hash of their bytes, so a deploy that changes the shell
# replaces the cached one. The installed app's icons are committed, made by
# scripts/inbox-icons.mjs.
$(INBOX_SW_OUT): scripts/inbox-sw.js scripts/build-inbox-sw.mjs www/inbox.html www/inbox.css www/favicon.svg www/inbox.webmanifest www/icons/inbox-192.png $(INBOX_OUT)
	node scripts/build-inbox-sw.mjs

# uPlot (npm, pinned in package.json), the Reports view's charts: served as a
# static module that www/inbox/report-charts.js imports only when Reports opens
# (never on the inbox's first load), with its stylesheet beside it.
www/vendor/uplot.js: node_modules/uplot/dist/uPlot.esm.js
	node_modules/.bin/esbuild $< --minify --format=esm --log-level=warning --outfile=$@
www/vendor/uplot.css: node_modules/uplot/dist/uPlot.min.css
	@mkdir -p www/vendor; cp $< $@

$(WIDGET_OUT): $(SHARED_SRC) $(shell find widget/src -type f) widget/build.rs widget/Cargo.toml scripts/build-widget.sh scripts/rename-widget-glue.mjs
	scripts/build-widget.sh

# The facade the snippet loads: widget/facade.js, minified (UTF-8 as written:
# the worker serves it as text/javascript; charset=utf-8). It imports nothing:
# its constants are literal copies that shared's typescript tests check.
$(FACADE_OUT): widget/facade.js
	node_modules/.bin/esbuild widget/facade.js --minify --charset=utf8 --log-level=warning --outfile=$@

# The widget's files module, loaded only when a visitor sends or opens a file,
# with the constants it imports (www/inbox/constants.js, generated from shared) bundled in.
$(FILES_OUT): widget/files.js www/inbox/constants.js
	node_modules/.bin/esbuild widget/files.js --bundle --minify --format=esm --log-level=warning --outfile=$@

# The bot module (proactive bubbles and the chatbot flow's buttons), loaded only for a site whose config
# needs it, with its constants bundled in like the files module's.
$(BOT_OUT): widget/bot.js widget/bubble.js widget/flow.js www/inbox/constants.js
	node_modules/.bin/esbuild widget/bot.js --bundle --minify --format=esm --log-level=warning --outfile=$@

# The rating module, loaded only when the widget says a resolved conversation asks for a rating.
$(CSAT_OUT): widget/csat.js www/inbox/constants.js
	node_modules/.bin/esbuild widget/csat.js --bundle --minify --format=esm --log-level=warning --outfile=$@

$(WORKER_OUT): $(SHARED_SRC) $(shell find edge/src -type f) edge/Cargo.toml
	cd edge && WASM_BINDGEN_BIN="$$(command -v wasm-bindgen)" ESBUILD_BIN="$(CURDIR)/node_modules/.bin/esbuild" worker-build --release
	@touch $@

# Style and docs are checked like tests: formatting, every clippy warning
# (host targets for shared and the widget's tests; wasm32 for the worker and
# the widget as shipped) and rustdoc's, private items included.
lint:
	cargo fmt --all --check
	cargo clippy -p shared -p widget --all-targets --all-features -- -D warnings
	cargo clippy -p edge -p widget --target wasm32-unknown-unknown -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items -p shared --all-features
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items -p edge -p widget --target wasm32-unknown-unknown

unit: lint
	cargo test -p shared --features mail,serde,push
	cargo test -p widget
	node_modules/.bin/tsc -p tsconfig.inbox.json

e2e:
	node tests/run.mjs

## bench: the inbound path's compute phases and ms/MB on the host, then widget weight, API latencies, the widget on a host page,
## live pushes, list and search at 100,000 conversations, ratios to the floor workers (bench/floors/), and Lighthouse 12's
## main-thread time for the snippet against an empty loader (npm lighthouse, Debian's Chromium), on fresh local workers;
## its drivers are bench/*.mjs (one part: node tests/run.mjs --bench bench/widget.mjs)
bench: setup-browser build
	cargo run --release -q -p shared --features mail --example mail_bench
	node tests/run.mjs --bench

## deploy: apply migrations to the real D1 and deploy (see README)
deploy: setup build
	$(WRANGLER) d1 migrations apply DB --remote
	$(WRANGLER) deploy

clean:
	rm -rf target edge/build www/widget www/vendor www/loader.js .wrangler
