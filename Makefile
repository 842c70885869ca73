# The two commands that matter: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Rasa 3.6 needs Python 3.10: take pyenv's if it has one, else python3.10 from PATH.
PY310 := $(shell for p in "$$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 \
	"$$(command -v python3.10)"; do [ -x "$$p" ] && { echo "$$p"; break; }; done)

# `make run PROFILE=prod`: the settings in profiles/prod.env, exported to every command.
ifdef PROFILE
include profiles/$(PROFILE).env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' profiles/$(PROFILE).env)
endif

.PHONY: help install browser browser-scripts balancer seed train run test lint eval bench clean vendor-widget

help:
	@echo "make run    start the assistant (installs, seeds and trains what is missing)"
	@echo "make test   run every test (installs and trains what is missing)"
	@echo "make install | seed | train | lint | clean | vendor-widget"

$(STAMP): requirements.txt constraints.txt
	@test -n "$(PY310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10.13)"; exit 1; }
	@test -x $(PY) || $(PY310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.0
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

install: $(STAMP)

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# rasa-webchat and axe-core for the browser tests, pinned, from npm into .cache/npm/.
browser-scripts: install
	@command -v npm >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	$(PY) -m tools.npm_assets

# HAProxy balances the production profile's servers (deploy/haproxy/); Debian's package.
balancer:
	@command -v haproxy >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

# The widget's socket.io client is committed; this re-fetches it from npm (for upgrades).
SOCKETIO_CLIENT ?= 4.7.5
WIDGET_VENDOR := bot/web/static/widget/vendor
vendor-widget:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		(cd "$$tmp" && npm pack --silent socket.io-client@$(SOCKETIO_CLIENT) >/dev/null && \
		 tar xzf socket.io-client-$(SOCKETIO_CLIENT).tgz) && \
		cp "$$tmp/package/dist/socket.io.min.js" "$$tmp/package/LICENSE" $(WIDGET_VENDOR)/ && \
		sed -i 's/socket.io-client [0-9.]*/socket.io-client $(SOCKETIO_CLIENT)/' $(WIDGET_VENDOR)/README.md
	@echo "socket.io-client $(SOCKETIO_CLIENT) copied to $(WIDGET_VENDOR)/"

seed: install
	$(PY) -m bot seed

train: install
	$(PY) -m bot train

run: seed train $(if $(PROFILE),balancer)
	$(PY) -m bot run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) tools/check_imports.py

test: train lint browser browser-scripts balancer
	$(PY) -m pytest

eval: install
	$(PY) -m bot eval

# Full turns under load beside Rasa's defaults (~20 min); results in docs/performance.md,
# or, with PROFILE=prod, in the production profile's processes: docs/performance-prod.md.
bench: train $(if $(PROFILE),balancer)
	$(PY) -m bench $(if $(PROFILE),--doc docs/performance-$(PROFILE).md)
	$(if $(PROFILE),,$(PY) -m bench.products)

clean:
	rm -rf runtime results tests/artifacts .pytest_cache
