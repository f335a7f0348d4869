# gonghui — the two commands: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := run

DEBIAN_PACKAGES := build-essential cmake pkg-config git curl python3 \
	libmicrohttpd-dev libsqlite3-dev sqlite3 libsodium-dev libjansson-dev \
	libcurl4-openssl-dev libpq-dev libgd-dev libcmocka-dev \
	postgresql postgresql-client chromium fonts-noto-cjk nginx-light wrk python3-aiosmtpd
JOBS := $(shell nproc)
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)

.PHONY: run test deps build build-test web unit api-test e2e-test pg-test bench clean

deps:
	@scripts/deps.sh $(DEBIAN_PACKAGES)

build: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build/release -j$(JOBS)

build-test: deps
	@cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DGONGHUI_SANITIZE=ON >/dev/null
	@cmake --build build/test -j$(JOBS)

web/dist/.built: $(WEB_SOURCES)
	@scripts/npm-ci.sh web
	@cd web && npm run build --silent
	@touch $@

web: deps web/dist/.built

run: build web
	@mkdir -p var && chmod 700 var
	@[ -f var/field.key ] || build/release/gonghui keygen
	GONGHUI_MODE=$${GONGHUI_MODE:-dev} build/release/gonghui serve

unit: build-test
	ctest --test-dir build/test --output-on-failure

api-test: build-test web
	node --test --test-concurrency=2 tests/api/

e2e-test: build-test web
	@scripts/npm-ci.sh tests/e2e
	node --test --test-concurrency=1 tests/e2e/

pg-test: build-test web
	scripts/with-postgres.sh node --test --test-concurrency=2 tests/api/ tests/multinode/

test: unit api-test e2e-test pg-test

bench: build
	bench/http.sh

clean:
	rm -rf build web/dist
