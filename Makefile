# Two entry points: `make run` and `make test`. Each creates .venv if it is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install lint typecheck bench clean system-packages

# The sandbox needs bubblewrap (and libseccomp for its seccomp filter). As root on Debian or
# Ubuntu they are installed here; otherwise the README says how, and `simgen validate` names
# what is missing.
system-packages:
	@if command -v bwrap >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q libseccomp.so.2; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap libseccomp2; \
	else \
		echo "warning: bubblewrap (bwrap) or libseccomp is missing and cannot be installed here; see README 'The sandbox'." >&2; \
	fi
	@# PostgreSQL: the checkpointer test starts a server of its own on 127.0.0.1.
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else \
		echo "warning: PostgreSQL (initdb) is missing: the Postgres checkpointer test will fail; install postgresql." >&2; \
	fi
	@# Headless Chromium and its WebDriver: the report test opens the HTML report in them.
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
		echo "warning: chromium or chromedriver is missing: the report's browser test will fail; install chromium and chromium-driver." >&2; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch goes in first so that the project's `torch` requirement is already met
# (a bare `torch` resolved from nothing pulls several GB of CUDA wheels).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) system-packages

# The main job, offline (no model given: the offline agents), then its HTML report.
run: $(STAMP) system-packages
	$(BIN)/simgen generate -n 5 --workers 2 --workspace simgen-data
	@echo "Accepted tasks and their pictures: simgen-data/tasks/*.py, *.png; run summaries: simgen-data/runs/<thread>/summary.json"
	$(BIN)/simgen report simgen-data

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) system-packages lint typecheck
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_validation.py
	$(BIN)/python -m benchmarks.bench_report

clean:
	rm -rf $(VENV) simgen-data
