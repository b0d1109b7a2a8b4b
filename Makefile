# Mobileplane — `make help` lists the targets. Everything a machine needs is installed by these targets,
# idempotently: a pinned Node and Yarn (dev/toolchain), Go-built Kubernetes binaries (dev/cluster), Chromium.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

include versions.env
CACHE_ROOT ?= $(or $(MOBILEPLANE_CACHE_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mobileplane)
NODE_DIR := $(CACHE_ROOT)/node/v$(NODE_VERSION)
RUNTIME_SECRETS := $(CACHE_ROOT)/runtime/demo-secrets.env
export PATH := $(NODE_DIR)/bin:$(PATH)
# Native addons (better-sqlite3 and friends) build offline against the pinned Node's headers.
export npm_config_nodedir := $(NODE_DIR)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export GOTOOLCHAIN := local

STAMP := node_modules/.mobileplane-install.stamp
WORKSPACE_MANIFESTS := package.json .yarnrc.yml $(wildcard yarn.lock) $(wildcard */package.json */*/package.json */*/*/package.json)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

## ---- toolchain -------------------------------------------------------------------------------------------
.PHONY: toolchain
toolchain: $(NODE_DIR)/bin/yarn ## Install the pinned Node and Yarn (cached)

$(NODE_DIR)/bin/yarn: versions.env dev/toolchain/ensure-node.sh
	@bash dev/toolchain/ensure-node.sh >/dev/null
	@touch $@

.PHONY: install
install: $(STAMP) ## Install the workspace's packages (yarn install, skipped when nothing changed)

$(STAMP): $(NODE_DIR)/bin/yarn $(WORKSPACE_MANIFESTS) | native-toolchain
	yarn install
	@touch $@

.PHONY: native-toolchain
native-toolchain: ## Install the C++ toolchain native addons build with (node-gyp: make, g++, python3) when missing
	@command -v g++ >/dev/null && command -v make >/dev/null && command -v python3 >/dev/null || { \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential python3 >/dev/null; }

# Targets that need PostgreSQL or Redis outside the test runs (demo pieces) start their recipe with $(services_env):
# MOBILEPLANE_TEST_POSTGRES_URL and MOBILEPLANE_TEST_REDIS_URL then name ones that answer (private ones keep running
# until make services-down), so nothing assumes a server on 127.0.0.1:5432 or :6379.
define services_env
eval "$$(bash dev/services/services.sh env)"
endef
.PHONY: services services-down
services: install ## Print exports for PostgreSQL and Redis (the machine's if they answer, else private ones): eval "$$(make -s services)"
	@bash dev/services/services.sh env
services-down: ## Stop the private PostgreSQL and Redis that dev/services started (never the machine's)
	@bash dev/services/services.sh stop

.PHONY: chromium
chromium: ## Install Debian's Chromium for browser tests (never a downloaded browser)
	@command -v /usr/bin/chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## ---- local control plane -----------------------------------------------------------------------------------
.PHONY: cluster-binaries cluster-up cluster-down cluster-status cluster-env
cluster-binaries: ## Build etcd, Kubernetes and kwok from the Go module proxy (cached by version)
	@bash dev/cluster/build-binaries.sh
.PHONY: testservers
testservers: ## Build the servers integration tests start (SeaweedFS's weed for the S3 driver) from the Go module proxy (cached by version)
	@bash dev/testservers/build-weed.sh >/dev/null
cluster-up: ## Start the local cluster: control plane, kwok nodes and the real worker node (no-op when running)
	@bash dev/cluster/cluster.sh up
cluster-down: ## Stop the local cluster and remove everything it made (containers, mounts, bridge, iptables rules)
	@bash dev/cluster/cluster.sh down
cluster-status: ## Show the cluster's processes, nodes and the pods on the real worker node
	@bash dev/cluster/cluster.sh status
.PHONY: images
images: toolchain ## Build mobileplane/runtime and mobileplane/operator images without Docker; import them into the worker node
	@bash dev/images/build-project-images.sh
cluster-env: ## Print exports for KUBECONFIG and kubectl: eval "$$(make -s cluster-env)"
	@bash dev/cluster/cluster.sh env

## ---- checks ------------------------------------------------------------------------------------------------
.PHONY: lint typecheck test test-unit test-portal test-integration test-services test-e2e test-cluster-lifecycle format
lint: install ## ESLint and Prettier
	yarn lint
	yarn format:check
typecheck: install ## TypeScript, all packages
	yarn typecheck
test-unit: install ## Unit tests (no services)
	yarn vitest run --project unit
test-portal: install ## Backstage plugin tests (backstage-cli, Jest)
	CI=true yarn workspaces foreach --all --include '@mobileplane/backstage-*' run test
test-integration: install testservers ## Integration tests on PostgreSQL and Redis: the machine's if they answer, else private ones (dev/services)
	bash dev/services/services.sh run -- yarn vitest run --project integration
test-services: install ## Fresh-machine check: with PostgreSQL and Redis pointed at a dead port, suites pass on private ones
	bash dev/services/check-private-services.sh
test-e2e: install cluster-binaries images chromium ## End-to-end tests on the local cluster (real worker node included)
	yarn vitest run --project e2e
test-cluster-lifecycle: cluster-binaries ## The local cluster comes up and down twice, survives kill -9, and leaves nothing behind
	@bash dev/node/lifecycle-check.sh
test: lint typecheck test-unit test-portal test-integration test-services test-e2e test-cluster-lifecycle ## Everything CI runs: lint, typecheck, unit, portal, integration, e2e and cluster lifecycle tests
format: install ## Rewrite files with Prettier
	yarn format

## ---- run ---------------------------------------------------------------------------------------------------
.PHONY: demo
DEMO_API_PORT ?= 18080
DEMO_STATE := $(CACHE_ROOT)/demo
demo: install cluster-up demo-operator demo-runtime demo-portal ## Control plane, CRDs, operator, examples/ Ready, the api component answering, and the portal
	@echo; echo "Everything stays up: eval \"\$$(make -s cluster-env)\" for kubectl; make demo-stop and make cluster-down stop it."
.PHONY: demo-runtime demo-stop
demo-runtime: install $(RUNTIME_SECRETS) ## Start the api component on embedded defaults (PGlite) in the background and call it
	@mkdir -p $(DEMO_STATE); \
	 if [ -f $(DEMO_STATE)/api.pid ] && kill -0 "$$(cat $(DEMO_STATE)/api.pid)" 2>/dev/null; then echo "api component already running (pid $$(cat $(DEMO_STATE)/api.pid))"; \
	 else nohup $(MAKE) -s runtime COMPONENT=api PORT=$(DEMO_API_PORT) >$(DEMO_STATE)/api.log 2>&1 & echo $$! >$(DEMO_STATE)/api.pid; fi; \
	 for i in $$(seq 1 60); do curl -fsS http://127.0.0.1:$(DEMO_API_PORT)/readyz >/dev/null 2>&1 && break; sleep 0.5; done; \
	 curl -fsS http://127.0.0.1:$(DEMO_API_PORT)/readyz >/dev/null || { echo "api component did not become ready:"; tail -20 $(DEMO_STATE)/api.log; exit 1; }; \
	 echo; echo "api component on http://127.0.0.1:$(DEMO_API_PORT) (log $(DEMO_STATE)/api.log):"; \
	 echo '$$ curl -X POST /v1/collections/notes/documents -d {"title":"Hello from make demo"}'; \
	 curl -sS -X POST -H 'content-type: application/json' -H "Idempotency-Key: demo-$$(date +%s%N)" \
	   -d '{"title":"Hello from make demo","pinned":true}' http://127.0.0.1:$(DEMO_API_PORT)/v1/collections/notes/documents; echo; \
	 echo '$$ curl /v1/collections/notes/documents?limit=2'; \
	 curl -sS "http://127.0.0.1:$(DEMO_API_PORT)/v1/collections/notes/documents?limit=2"; echo
demo-stop: demo-operator-stop demo-portal-stop ## Stop the operator, the api component and the portal that make demo started
	@if [ -f $(DEMO_STATE)/api.pid ]; then pkill -TERM -P "$$(cat $(DEMO_STATE)/api.pid)" 2>/dev/null || true; kill -TERM "$$(cat $(DEMO_STATE)/api.pid)" 2>/dev/null || true; rm -f $(DEMO_STATE)/api.pid; fi

## ---- runtime -----------------------------------------------------------------------------------------------
COMPONENT ?= api
PORT ?= 8080
RUNTIME_CONFIG ?= runtime/config/demo.json
.PHONY: runtime
runtime: install $(RUNTIME_SECRETS) ## Run one runtime component in the foreground on embedded defaults (PGlite, no Redis): make runtime COMPONENT=api
	@set -a; . $(RUNTIME_SECRETS); set +a; \
	 PORT=$(PORT) MOBILEPLANE_CONFIG_FILE=$(RUNTIME_CONFIG) MOBILEPLANE_AUTH_CONFIG_FILE=$${MOBILEPLANE_AUTH_CONFIG_FILE:-runtime/config/demo-auth.json} \
	 AUTH_ISSUER=$${AUTH_ISSUER:-http://127.0.0.1:$(PORT)} AUTH_AUDIENCE=$${AUTH_AUDIENCE:-mobileplane-demo} exec node runtime/src/main.ts --component=$(COMPONENT)
# Demo secrets (auth's pepper, encryption key, cookie secret): random per machine, never in the repository.
$(RUNTIME_SECRETS):
	@mkdir -p $(dir $@); umask 077; { for v in AUTH_PASSWORD_PEPPER AUTH_ENCRYPTION_KEY AUTH_COOKIE_SECRET; do \
	   echo "$$v=$$(openssl rand -base64 32)"; done; } >$@
.PHONY: bench-runtime
bench-runtime: install ## Benchmark the api component against Parse Server and a bare node:http+pg baseline (writes docs/benchmarks.md)
	bash dev/services/services.sh run -- node runtime/test/bench/bench-runtime.ts
.PHONY: bench-auth
bench-auth: install ## Auth token issuance and verification per second on one core vs bare argon2id and ES256 (writes docs/benchmarks.md)
	node runtime/test/bench/bench-auth.ts
.PHONY: bench-workers
bench-workers: install ## Jobs per second through the runtime's queue vs pg-boss's and graphile-worker's bare loops (writes docs/benchmarks.md)
	bash dev/services/services.sh run -- node runtime/test/bench/bench-workers.ts
.PHONY: bench-push
bench-push: install ## Pushes per second to strict local FCM/APNs HTTP/2 endpoints, provider and whole fan-out (writes docs/benchmarks.md)
	bash dev/services/services.sh run -- node runtime/test/bench/bench-push.ts
.PHONY: bench-storage
bench-storage: install testservers ## Presigned upload round trips per second against SeaweedFS, vs bare PutObject (writes docs/benchmarks.md)
	bash dev/services/services.sh run -- node runtime/test/bench/bench-storage.ts
.PHONY: bench-flags
bench-flags: install ## Bulk flag evaluations (50 flags) in process and over OFREP vs flagd-core's bare resolveAll (writes docs/benchmarks.md)
	node runtime/test/bench/bench-flags.ts
.PHONY: bench
bench: bench-runtime bench-auth bench-workers bench-push bench-storage bench-flags bench-operator ## Every benchmark (results in docs/benchmarks.md)

## ---- operator ----------------------------------------------------------------------------------------------
# `make operator` runs against $KUBECONFIG when set, else the local control plane. OPERATOR_FLAGS adds flags
# (operator/controller/src/operator/operator-options.ts lists them), e.g. OPERATOR_FLAGS=--log-level=debug.
OPERATOR_HTTP ?= 127.0.0.1:9440
OPERATOR_FLAGS ?=
OPERATOR_STATE := $(CACHE_ROOT)/operator
# The demo's backends tolerate the kwok nodes' taint: until the operator-to-runtime contract issue lands, what
# the operator renders cannot start on the real worker node (the auth component has no issuer or secrets yet).
DEMO_OPERATOR_FLAGS ?= --pod-tolerations=kwok.x-k8s.io/node=fake:NoSchedule
define operator_env
KC="$${KUBECONFIG:-}"; eval "$$(bash dev/cluster/cluster.sh env)"; if [ -n "$$KC" ]; then export KUBECONFIG="$$KC"; fi
endef
.PHONY: crds-install operator demo-operator demo-operator-stop
crds-install: install ## Install or update the mobileplane.io CRDs (charts/mobileplane/crds) in $KUBECONFIG's cluster
	@$(operator_env); \
	 kubectl apply --server-side --force-conflicts --field-manager=mobileplane-operator -f charts/mobileplane/crds/ && \
	 kubectl wait --for=condition=Established --timeout=60s crd/mobilebackends.mobileplane.io crd/mobileenvironments.mobileplane.io
operator: crds-install ## Install/update the CRDs, then run the operator in the foreground against $KUBECONFIG (no leader election)
	@$(operator_env); \
	 exec node operator/controller/src/main.ts --leader-elect=false --http-bind-address=$(OPERATOR_HTTP) $(OPERATOR_FLAGS)
demo-operator: cluster-up crds-install ## Run the operator in the background, apply examples/ and wait until every MobileBackend is Ready
	@$(operator_env); mkdir -p $(OPERATOR_STATE); \
	 if [ -f $(OPERATOR_STATE)/pid ] && kill -0 "$$(cat $(OPERATOR_STATE)/pid)" 2>/dev/null; then echo "operator already running (pid $$(cat $(OPERATOR_STATE)/pid))"; \
	 else nohup node operator/controller/src/main.ts --leader-elect=false --http-bind-address=$(OPERATOR_HTTP) $(DEMO_OPERATOR_FLAGS) $(OPERATOR_FLAGS) >$(OPERATOR_STATE)/operator.log 2>&1 & echo $$! >$(OPERATOR_STATE)/pid; \
	      echo "operator started (pid $$(cat $(OPERATOR_STATE)/pid), log $(OPERATOR_STATE)/operator.log)"; fi; \
	 kubectl apply -f examples/mobileenvironment-dev.yaml -f examples/mobileenvironment-prod.yaml; \
	 kubectl wait --for=condition=Ready menv --all --timeout=120s; \
	 kubectl apply -n rides-dev -f examples/mobilebackend-mvp.yaml; \
	 kubectl apply -n rides-prod -f examples/mobilebackend-ride-hailing.yaml; \
	 kubectl apply -n rides-prod -f examples/featureflagset-rides.yaml; \
	 kubectl wait -n rides-prod --for=condition=Accepted ffs/rides-app --timeout=60s; kubectl get ffs -A; echo; \
	 kubectl wait -A --for=condition=Ready mb --all --timeout=180s; echo; kubectl get mb -A; echo; kubectl get menv
demo-operator-stop: ## Stop the operator demo-operator started (graceful: releases work, exits)
	@if [ -f $(OPERATOR_STATE)/pid ]; then kill -TERM "$$(cat $(OPERATOR_STATE)/pid)" 2>/dev/null || true; rm -f $(OPERATOR_STATE)/pid; fi
.PHONY: bench-operator
bench-operator: cluster-up ## Benchmark the operator's scale curve: 100, 500, 2,000 MobileBackends vs kubectl apply (BENCH_SIZES=100,500 for fewer; writes docs/benchmarks.md)
	node operator/controller/test/bench/bench-operator.ts

## ---- portal ------------------------------------------------------------------------------------------------
# The minimal Backstage app and backend (portal/packages) hosting the Mobileplane plugins: guest sign-in, the
# catalog and scaffolder state in the machine's PostgreSQL (database $(PORTAL_DATABASE), decision 0601), the
# custom resources in $KUBECONFIG's cluster (the local control plane by default). The app is built once and
# rebuilt only when its sources change.
PORTAL_PORT ?= 7007
PORTAL_DATABASE ?= mobileplane_portal
PORTAL_STATE := $(CACHE_ROOT)/portal
PORTAL_APP := portal/packages/app/dist/index.html
PORTAL_APP_SOURCES := portal/app-config.yaml $(shell find portal/packages/app/src portal/packages/app/public portal/plugins/mobileplane/src portal/plugins/mobileplane-common/src -type f 2>/dev/null)
PORTAL_BACKEND := cd portal/packages/backend && PORTAL_PORT=$(PORTAL_PORT) PORTAL_DATABASE=$(PORTAL_DATABASE) NODE_ENV=production \
	node --require @backstage/cli-node/config/nodeTransform.cjs src/index.ts --config ../../app-config.yaml
.PHONY: portal portal-build demo-portal demo-portal-stop test-portal-e2e
portal-build: $(PORTAL_APP) ## Build the portal's app (production bundle; skipped when its sources did not change)
$(PORTAL_APP): $(STAMP) $(PORTAL_APP_SOURCES)
	cd portal/packages/app && PORTAL_PORT=$(PORTAL_PORT) yarn backstage-cli package build --config ../../app-config.yaml
	@touch $@
portal: install cluster-up crds-install portal-build ## The Backstage portal in the foreground on http://127.0.0.1:7007 against $KUBECONFIG (guest sign-in)
	@$(operator_env); echo "portal on http://127.0.0.1:$(PORTAL_PORT) (cluster: $$KUBECONFIG)"; $(PORTAL_BACKEND)
demo-portal: install cluster-up crds-install portal-build ## Start the portal in the background and print its URL
	@$(operator_env); mkdir -p $(PORTAL_STATE); \
	 if [ -f $(PORTAL_STATE)/pid ] && kill -0 "$$(cat $(PORTAL_STATE)/pid)" 2>/dev/null; then echo "portal already running (pid $$(cat $(PORTAL_STATE)/pid))"; \
	 else ( $(PORTAL_BACKEND) ) >$(PORTAL_STATE)/portal.log 2>&1 & echo $$! >$(PORTAL_STATE)/pid; fi; \
	 for i in $$(seq 1 120); do curl -fsS http://127.0.0.1:$(PORTAL_PORT)/api/mobileplane/health >/dev/null 2>&1 && break; sleep 0.5; done; \
	 curl -fsS http://127.0.0.1:$(PORTAL_PORT)/api/mobileplane/health >/dev/null || { echo "portal did not start:"; tail -20 $(PORTAL_STATE)/portal.log; exit 1; }; \
	 echo; echo "Portal on http://127.0.0.1:$(PORTAL_PORT)/mobileplane (sign in as guest; log $(PORTAL_STATE)/portal.log)"
demo-portal-stop: ## Stop the portal demo-portal started
	@if [ -f $(PORTAL_STATE)/pid ]; then pkill -TERM -P "$$(cat $(PORTAL_STATE)/pid)" 2>/dev/null || true; kill -TERM "$$(cat $(PORTAL_STATE)/pid)" 2>/dev/null || true; rm -f $(PORTAL_STATE)/pid; fi
test-portal-e2e: install cluster-binaries chromium ## The portal's REST API and Playwright suites on the local control plane (screenshots in portal/packages/app/test-results/e2e)
	yarn vitest run --project e2e portal/packages/app
