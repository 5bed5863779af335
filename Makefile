# Campaign Manager: `make dev` runs the whole stack, `make test` runs every check and test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
UVENV := source scripts/uv-env.sh &&
UV := $(UVENV) uv
RUN := $(UV) run --frozen
PROTO_OUT := packages/shared/src/campaign_shared/grpc/generated
PROTO_FILES := campaign/rules/v1/rules_engine.proto

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: provision
provision: ## install what is missing (uv, PostGIS, Redis, Node packages, Chromium)
	scripts/provision.sh

.PHONY: frontend-build
frontend-build: ## build the SPA into packages/frontend/dist
	cd packages/frontend && npm run build --silent

.PHONY: dev
dev: provision frontend-build ## run the whole stack (services, migrations, frontend) until Ctrl-C
	$(RUN) python scripts/devstack.py up

.PHONY: proto
proto: ## regenerate the gRPC code from proto/
	rm -rf $(PROTO_OUT) && mkdir -p $(PROTO_OUT)
	$(RUN) python -m grpc_tools.protoc -I proto --python_betterproto2_out=$(PROTO_OUT) \
	  --python_betterproto2_opt=client_generation=async,server_generation=async $(PROTO_FILES)

.PHONY: proto-check
proto-check: ## fail if the generated gRPC code is stale
	tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	$(RUN) python -m grpc_tools.protoc -I proto --python_betterproto2_out=$$tmp \
	  --python_betterproto2_opt=client_generation=async,server_generation=async $(PROTO_FILES) >/dev/null && \
	diff -r -q $$tmp $(PROTO_OUT) || { echo "generated gRPC code is stale: run 'make proto'"; exit 1; }

.PHONY: schema
schema: ## export the GraphQL SDL to schema.graphql
	$(RUN) python scripts/export_schema.py

.PHONY: lint
lint: ## ruff (lint + format check), mypy, lock and generated-code checks
	$(UV) lock --check
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy packages/shared/src packages/api/src packages/rules_engine/src packages/scheduler/src
	$(MAKE) --no-print-directory proto-check
	$(RUN) python scripts/export_schema.py --check

.PHONY: test-python
test-python: ## every Python test (starts its own stack on free ports)
	$(RUN) pytest $(PYTEST_ARGS)

.PHONY: test-frontend
test-frontend: ## frontend type check and unit tests
	cd packages/frontend && npm run typecheck --silent && npm test --silent

.PHONY: test
test: provision ## everything CI runs: lint, type check, Python tests, frontend tests
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory frontend-build
	$(MAKE) --no-print-directory test-frontend
	$(MAKE) --no-print-directory test-python

.PHONY: bench
bench: ## run every benchmark (results in benchmarks/results/)
	@bash scripts/provision.sh python postgres redis wrk
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(RUN) python $$b; done

.PHONY: format
format: ## apply ruff formatting and safe fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: clean
clean: ## remove local state of the dev stack and caches
	rm -rf .dev .test .pytest_cache .mypy_cache .ruff_cache packages/frontend/dist
