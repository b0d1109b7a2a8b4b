# Mobileplane — `make help` lists the targets. Everything a machine needs is installed by these targets,
# idempotently: a pinned Node and Yarn (dev/toolchain), Go-built Kubernetes binaries (dev/cluster), Chromium.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

include versions.env
CACHE_ROOT ?= $(or $(MOBILEPLANE_CACHE_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mobileplane)
NODE_DIR := $(CACHE_ROOT)/node/v$(NODE_VERSION)
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

$(STAMP): $(NODE_DIR)/bin/yarn $(WORKSPACE_MANIFESTS)
	yarn install
	@touch $@

.PHONY: chromium
chromium: ## Install Debian's Chromium for browser tests (never a downloaded browser)
	@command -v /usr/bin/chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## ---- local control plane -----------------------------------------------------------------------------------
.PHONY: cluster-binaries cluster-up cluster-down cluster-status cluster-env
cluster-binaries: ## Build etcd, Kubernetes and kwok from the Go module proxy (cached by version)
	@bash dev/cluster/build-binaries.sh
cluster-up: ## Start the local control plane (no-op when running)
	@bash dev/cluster/cluster.sh up
cluster-down: ## Stop the local control plane and remove its state
	@bash dev/cluster/cluster.sh down
cluster-status: ## Show the control plane's processes and nodes
	@bash dev/cluster/cluster.sh status
cluster-env: ## Print exports for KUBECONFIG and kubectl: eval "$$(make -s cluster-env)"
	@bash dev/cluster/cluster.sh env

## ---- checks ------------------------------------------------------------------------------------------------
.PHONY: lint typecheck test test-unit test-portal test-integration test-e2e format
lint: install ## ESLint and Prettier
	yarn lint
	yarn format:check
typecheck: install ## TypeScript, all packages
	yarn typecheck
test-unit: install ## Unit tests (no services)
	yarn vitest run --project unit
test-portal: install ## Backstage plugin tests (backstage-cli, Jest)
	CI=true yarn workspaces foreach --all --include '@mobileplane/backstage-*' run test
test-integration: install ## Integration tests against the machine's PostgreSQL and Redis
	yarn vitest run --project integration --passWithNoTests
test-e2e: install cluster-binaries ## End-to-end tests on the local control plane
	yarn vitest run --project e2e
test: lint typecheck test-unit test-portal test-integration test-e2e ## Everything CI runs: lint, typecheck, unit, portal, integration and e2e tests
format: install ## Rewrite files with Prettier
	yarn format

## ---- run ---------------------------------------------------------------------------------------------------
.PHONY: demo
demo: install cluster-up ## Bring up the local control plane and show its nodes
	@eval "$$(bash dev/cluster/cluster.sh env)"; echo; kubectl get nodes -o wide; echo; \
	 echo "The control plane stays up: eval \"\$$(make -s cluster-env)\" to use kubectl, make cluster-down to stop it."
