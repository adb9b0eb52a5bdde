# Thin wrapper over the CMake presets. `make run` and `make test` work on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
RPMW := $(BUILD_DIR)/app/rpmw
export RPMW_DATA_DIR ?= ./var
# One compiler cache for every clone and worktree of the repository.
export CCACHE_DIR ?= $(HOME)/.cache/rpmw-ccache
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true
# moto_server (AWS tests) and cfn-lint come with the machine image's Python (pyenv).
PYENV_SHIMS := $(firstword $(wildcard $(HOME)/.pyenv/shims /root/.pyenv/shims))
export PATH := $(PATH)$(if $(PYENV_SHIMS),:$(PYENV_SHIMS))

.PHONY: deps configure build run test asan fuzz bench lambda-zip lint-aws soak faults soak-ci faults-ci format format-check clean

deps:
	@bash scripts/deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# Starts `rpmw serve` on 127.0.0.1:8080 with embedded defaults; data under ./var.
run: configure
	@cmake --build --preset $(PRESET) --target rpmw
	@exec $(RPMW) serve

test: build
	@ctest --preset $(PRESET)

# The Lambda deployment package: build/<preset>/rpmw-lambda.zip (see docs/lambda.md).
lambda-zip: configure
	@cmake --build --preset $(PRESET) --target rpmw
	@bash deploy/lambda/package.sh $(RPMW) $(BUILD_DIR)/rpmw-lambda.zip

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan --target rpmw_unit_tests
	@ctest --preset asan

# Each libFuzzer target for FUZZ_SECONDS (default 60).
fuzz: deps
	@bash scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

bench: build
	@$(BUILD_DIR)/bench/rpmw_decision_bench tests/data/golden_v1.jsonl 50000
	@$(BUILD_DIR)/bench/rpmw_backlog_drain_bench --events 2000 --window-ms 1000
	@for batch in 1 8 32; do $(BUILD_DIR)/bench/rpmw_enqueue_bench --batch $$batch --events 100000 --dir $(CURDIR)/var/enqueue-bench; done
	@RPMW_BIN=$(RPMW) LOADGEN=$(BUILD_DIR)/bench/rpmw_loadgen bash bench/run_ingress.sh
	@bash deploy/lambda/package.sh $(RPMW) $(BUILD_DIR)/rpmw-lambda.zip
	@$(BUILD_DIR)/bench/rpmw_lambda_bench --zip $(BUILD_DIR)/rpmw-lambda.zip

# CloudFormation template lint (cfn-lint from the machine image), shellcheck of the deploy scripts
# and their dry-run test against a fake AWS CLI.
CFN_LINT ?= $(or $(shell command -v cfn-lint 2>/dev/null),/root/.pyenv/shims/cfn-lint)
lint-aws: deps
	@test -x "$(CFN_LINT)" || { echo "lint-aws: cfn-lint not found at '$(CFN_LINT)' (pip install cfn-lint, or make lint-aws CFN_LINT=/path/to/cfn-lint)" >&2; exit 1; }
	@$(CFN_LINT) deploy/aws/template.yaml
	@shellcheck -x deploy/aws/*.sh tests/deploy/aws_scripts_test.sh tests/deploy/fake_aws
	@bash tests/deploy/aws_scripts_test.sh

# Load/soak and fault suites (bench/soak, docs/performance.md, docs/reliability.md): real
# `rpmw serve` against the fake Richpanel and fake LLM on loopback, bounded and self-stopping.
# Full: soak ~18 min, faults ~5 min; the -ci versions ~3 min each (no run starts after the
# --max-minutes guard). Non-zero exit on a hard fail.
SOAK_BUILD = cmake --build --preset $(PRESET) --target rpmw rpmw_soak
SOAK = RPMW_BIN=$(RPMW) $(BUILD_DIR)/bench/rpmw_soak

soak: configure
	@$(SOAK_BUILD)
	@$(SOAK) --suite load --max-minutes 20

faults: configure
	@$(SOAK_BUILD)
	@$(SOAK) --suite faults --max-minutes 20

soak-ci: configure
	@$(SOAK_BUILD)
	@$(SOAK) --suite load --short --max-minutes 8

faults-ci: configure
	@$(SOAK_BUILD)
	@$(SOAK) --suite faults --short --max-minutes 8

SOURCES = $(shell git ls-files '*.cpp' '*.h')

format:
	@clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES)

clean:
	@rm -rf build
