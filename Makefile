# Two entry points: `make run` and `make test`. Each creates .venv if it is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch goes in first so that the project's `torch` requirement is already met
# (a bare `torch` resolved from nothing pulls several GB of CUDA wheels).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The main job, offline (no model given: the offline agents), then where its results are.
run: $(STAMP)
	$(BIN)/simgen generate -n 5 --workers 2 --workspace simgen-data
	@echo "Accepted task files: simgen-data/tasks/ (run summaries: simgen-data/runs/<thread>/summary.json)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_validation.py

clean:
	rm -rf $(VENV) simgen-data
