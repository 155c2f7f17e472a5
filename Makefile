PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build dev build-and-migrate test lint bench clean

build: $(VENV)/.installed bin/app

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

bin/app: $(VENV)/.installed
	mkdir -p bin
	ln -sf ../$(BIN)/altalune bin/app

dev: $(VENV)/.dev

$(VENV)/.dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

build-and-migrate: build
	./bin/app migrate -c config.yaml

test: build dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check altalune tests bench
	$(BIN)/ruff format --check altalune tests bench
	$(BIN)/mypy altalune

bench: build dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) bin .altalune
