# TransferWatch: developer and CI entry points. CI runs `make test` (see .ci/run).
#
#   make deps     Debian -dev packages for libcurl, libcrypto and zlib, ssh-keygen for the key tests, and headless
#                 Chromium for the status page's browser test (only if missing)
#   make venv     .venv with the pinned emulator tier (scripts/requirements-test.txt)
#   make build    debug build            make release   release build
#   make demo     one month end to end on the local emulator, accelerated clock (KEEP=1 leaves it running)
#   make test     every test, with the moto emulator REQUIRED (a missing moto fails)
#   make soak     the soak and kill -9 crash tests of the agent through the fault proxy at full size
#                 (TRANSFERWATCH_SOAK=full: 1,000 uploads from 100 employees; 20 restarts); `make test` runs them reduced
#   make bench    benchmarks, release build: SigV4 against botocore; rules; provisioning 2,000 employees against moto;
#                 the pipeline (`transferwatch agent` vs the boto3 Lambda way: CPU, requests and objects per moved
#                 object, metrics per CPU second, the agent's memory idle, under load and over 10,000 requests)
#   make fuzz     every libFuzzer target for FUZZ_SECONDS (default 60) each; crashes land in fuzz/crashes/
#   make sanitize the unit tests under AddressSanitizer, then ThreadSanitizer
#   make clean    build products         make distclean  also .build and .venv

SHELL := /bin/bash
PYTHON ?= python3
SWIFT ?= swift

VENV := .venv
VENV_PYTHON := $(CURDIR)/$(VENV)/bin/python3
REQUIREMENTS := scripts/requirements-test.txt
LAUNCHER := Sources/TransferWatchTestSupport/Resources/moto_launcher.py
DEB_PACKAGES := libcurl4-openssl-dev libssl-dev zlib1g-dev openssh-client chromium-headless-shell
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps venv build release demo test soak bench fuzz sanitize clean distclean

all: build

deps:
	@if [ "$$(dpkg -s $(DEB_PACKAGES) 2>/dev/null | grep -c '^Status: install ok installed')" -ne $(words $(DEB_PACKAGES)) ]; then \
		echo "==> installing $(DEB_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PACKAGES); \
	fi

venv: $(VENV)/.stamp

# Rebuilt from scratch whenever the requirements change, so .venv holds exactly what they list.
$(VENV)/.stamp: $(REQUIREMENTS)
	@echo "==> creating $(VENV) from $(REQUIREMENTS)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python3 -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	$(VENV)/bin/python3 $(LAUNCHER) --check
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The demo: a debug build (faster from a fresh clone than release), then scripts/demo.py with the venv's python.
# DEMO_FLAGS passes more options (see `.venv/bin/python3 scripts/demo.py --help`).
DEMO_FLAGS ?=
demo: deps venv
	$(SWIFT) build --product transferwatch
	$(VENV_PYTHON) scripts/demo.py --binary "$$($(SWIFT) build --show-bin-path)/transferwatch" $(if $(KEEP),--keep) $(DEMO_FLAGS)

test: deps venv
	@echo "======================================================================"
	@echo " make test: swift test with the moto emulator REQUIRED"
	@echo "   TRANSFERWATCH_REQUIRE_EMULATOR=1"
	@echo "   TRANSFERWATCH_PYTHON=$(VENV_PYTHON)"
	@echo "   $$($(VENV_PYTHON) $(LAUNCHER) --check)"
	@echo "======================================================================"
	@mkdir -p .build
	set -o pipefail; TRANSFERWATCH_REQUIRE_EMULATOR=1 TRANSFERWATCH_PYTHON=$(VENV_PYTHON) $(SWIFT) test 2>&1 | tee .build/test.log
	@# The closing line CI reads: Swift Testing's count, restated plainly (XCTest reports 0: all tests use Swift Testing).
	@tests=$$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests.*passed.*/\1/p' .build/test.log | tail -1); \
		echo "$${tests:-0} passed, 0 failed"

# The reliability tests (Tests/TransferWatchReliabilityTests) at full size; `make test` runs them reduced.
soak: deps venv
	@mkdir -p .build
	set -o pipefail; TRANSFERWATCH_SOAK=full TRANSFERWATCH_REQUIRE_EMULATOR=1 TRANSFERWATCH_PYTHON=$(VENV_PYTHON) \
		$(SWIFT) test --filter TransferWatchReliabilityTests 2>&1 | tee .build/soak.log
	@grep -E '^(soak|crash) ' .build/soak.log || true

# Benchmarks print ratios against the boto3/botocore baseline from .venv, run in the same process tree, and
# write JSON to bench/results/.
bench: deps venv
	@mkdir -p bench/results
	TRANSFERWATCH_PYTHON=$(VENV_PYTHON) $(SWIFT) run -c release SigV4Bench --json bench/results/sigv4.json
	$(SWIFT) run -c release RulesBench --json bench/results/rules.json
	TRANSFERWATCH_PYTHON=$(VENV_PYTHON) $(SWIFT) run -c release ProvisionBench --json bench/results/provision.json
	TRANSFERWATCH_PYTHON=$(VENV_PYTHON) $(SWIFT) run -c release MetricsBench --repeat 5 --json bench/results/metrics.json
	$(SWIFT) build -c release --product transferwatch
	TRANSFERWATCH_PYTHON=$(VENV_PYTHON) $(SWIFT) run -c release PipelineBench --json bench/results/pipeline.json

# libFuzzer needs its own build (every module instrumented) in .build-fuzz. Each target starts from its seed
# corpus in fuzz/corpus/<target> (grown copies are kept in .build-fuzz/corpus, not committed); a crash is
# written to fuzz/crashes/<target>/ and fails the run. Minimise it, copy it into fuzz/regressions/<target>/,
# and the test suite replays it from then on (Tests/TransferWatchFuzzTests).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := rules expression s3event configuration xml
fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --product TransferWatchFuzz
	@set -e; for target in $(FUZZ_TARGETS); do \
		mkdir -p .build-fuzz/corpus/$$target fuzz/crashes/$$target; \
		echo "==> fuzzing $$target for $(FUZZ_SECONDS) s"; \
		SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$$target .build-fuzz/release/TransferWatchFuzz \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=fuzz/crashes/$$target/ \
			.build-fuzz/corpus/$$target fuzz/corpus/$$target 2>&1 | \
			grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY|artifact_prefix)' ; \
		if ls fuzz/crashes/$$target/* >/dev/null 2>&1; then echo "crash in $$target: fuzz/crashes/$$target"; exit 1; fi; \
	done; echo "fuzz: every target ran $(FUZZ_SECONDS) s without a crash"

# The unit tests (no emulator: the suites that need moto are skipped when it is not required) under ASan, then
# TSan, each in its own build folder.
SANITIZE_FILTER ?= TransferWatch(Rules|Config|Fuzz|Telemetry|Alerting|Agent)Tests|TransferWatchAWSTests\.(SigV4|Retry|Crypto|SharedConfig|DynamoDBAttributeValue|CurlTransport|LocalHTTPServer)
sanitize: deps venv
	ASAN_OPTIONS=detect_leaks=0 TRANSFERWATCH_REQUIRE_EMULATOR=1 TRANSFERWATCH_PYTHON=$(VENV_PYTHON) \
		$(SWIFT) test --scratch-path .build-asan --sanitize=address --filter '$(SANITIZE_FILTER)'
	TRANSFERWATCH_REQUIRE_EMULATOR=1 TRANSFERWATCH_PYTHON=$(VENV_PYTHON) \
		$(SWIFT) test --scratch-path .build-tsan --sanitize=thread --filter '$(SANITIZE_FILTER)'

clean:
	$(SWIFT) package clean

distclean: clean
	rm -rf .build $(VENV)
