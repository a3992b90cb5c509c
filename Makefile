# OpenZCC — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DB ?= var/openzcc.db
# The key that seals patient data: created by the first `make run`, next to the demo store.
PATIENT_KEY ?= $(dir $(DB))patient.key
EXTERNAL ?= $(abspath ../shared/external)
export OZCC_EXTERNAL_DIR := $(EXTERNAL)

RELEASE := build/release
ASAN := build/asan
FUZZ := build/fuzz

.PHONY: run test bench bench-smoke soak deploy-check fuzz deps build build-asan build-fuzz web lint openapi-lint tidy unit integration web-test fuzz-smoke e2e interop clean

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DOZCC_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE) -j$(JOBS) --target openzcc

build-asan: deps
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DOZCC_SANITIZE=ON -DOZCC_BENCH=ON >/dev/null
	@cmake --build $(ASAN) -j$(JOBS)

build-fuzz: deps
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOZCC_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ) -j$(JOBS)

web: deps
	@cd web && npm run build --silent

# Builds everything and serves the ZWN demo region with simulated live feeds.
run: build web
	@mkdir -p $(dir $(DB))
	@$(RELEASE)/openzcc region import data/regions/zwn.json --db $(DB)
	@$(RELEASE)/openzcc region import data/regions/demo-small.json --db $(DB)
	@[[ -e $(PATIENT_KEY) ]] || $(RELEASE)/openzcc patient-key generate $(PATIENT_KEY)
	@$(RELEASE)/openzcc serve --db $(DB) --listen $(LISTEN) --web web/dist --demo --patient-key $(PATIENT_KEY)

lint:
	@files=$$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h'); \
	  clang-format --dry-run --Werror $$files && echo "lint: clang-format clean ($$(echo $$files | wc -w) files)"

# docs/openapi.json through Redocly CLI and Spectral (tools/openapi-lint/).
openapi-lint: deps
	@scripts/openapi-lint.sh

# clang-tidy on the C++ sources changed since OZCC_TIDY_BASE (default: the last commit).
tidy: build-asan
	@scripts/tidy.sh $(ASAN)

unit: build-asan
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 $(CURDIR)/scripts/with-postgres.sh ctest -L unit --output-on-failure -j$(JOBS)

integration: build-asan
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 $(CURDIR)/scripts/with-postgres.sh ctest -L integration --output-on-failure -j$(JOBS)

web-test: deps
	@cd web && npm run typecheck --silent && npm run lint --silent && npm run test --silent

# 15 s per target, replaying tests/fuzz/regressions/ first.
fuzz-smoke: build-fuzz
	@scripts/fuzz.sh $(FUZZ) 15

e2e: build-asan web
	@cd web && OZCC_BIN=$(abspath $(ASAN))/openzcc npm run e2e --silent

# Generic FHIR client libraries (fhir-kit-client, @medplum/core) against the real server, on SQLite
# and on a throwaway PostgreSQL (tests/interop/README.md).
interop: build-asan
	@cd tests/interop && OZCC_BIN=$(abspath $(ASAN))/openzcc $(CURDIR)/scripts/with-postgres.sh npm test --silent

# ctest runs under a throwaway PostgreSQL (scripts/with-postgres.sh) so the
# PostgreSQL store tests run too; nothing needs to be running beforehand.
test: deps lint build-asan
	@scripts/openapi-lint.sh
	@scripts/tidy.sh $(ASAN)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 $(CURDIR)/scripts/with-postgres.sh ctest --output-on-failure -j$(JOBS)
	@$(MAKE) --no-print-directory web-test
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory interop
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory deploy-check

# The deploy/ examples of docs/operations.md: systemd-analyze verify, nginx -t,
# and a live event through nginx over TLS in front of the server.
deploy-check: build-asan
	@deploy/check.sh $(ASAN)

# A few seconds of each benchmark on the sanitizer build: the scripts and
# baselines work; the figures mean nothing here (see docs/benchmarks.md).
bench-smoke: build-asan
	@bench/run.sh $(ASAN) --smoke

# make fuzz [FUZZ_SECONDS=600] [FUZZ_RUNS=10000000] [FUZZ_TARGETS="http_request_fuzz …"]
# With FUZZ_RUNS alone each target runs for that many executions, however long.
fuzz: build-fuzz
	@secs=$${FUZZ_SECONDS:-$$([[ -n "$${FUZZ_RUNS:-}" ]] && echo 0 || echo 600)}; \
	  scripts/fuzz.sh $(FUZZ) $$secs $${FUZZ_TARGETS:-}

bench: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DOZCC_TESTS=OFF -DOZCC_BENCH=ON >/dev/null
	@cmake --build $(RELEASE) -j$(JOBS)
	@bench/run.sh $(RELEASE)
	@bench/soak.sh $(RELEASE) --short

# The one-hour soak (bench/soak.sh; SOAK_SECONDS to change the length). Results
# stay in build/release/soak-<time>/ (soak.csv, summary.txt).
soak: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DOZCC_TESTS=OFF -DOZCC_BENCH=ON >/dev/null
	@cmake --build $(RELEASE) -j$(JOBS) --target openzcc ozcc_bench_soak_sse
	@bench/soak.sh $(RELEASE)

clean:
	rm -rf build web/dist
