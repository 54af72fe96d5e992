# The commands the README and docs/ give. `make run` to try the site, `make test` to run the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The Nu HTML checker (vnu.jar, from npm) that tests/test_html_valid.py runs with Java.
VNU_VERSION := 26.9.27
VNU_STAMP := .cache/vnu/.installed-$(VNU_VERSION)

.PHONY: run serve serve-varnish test html-checker lint lock format bench lighthouse clean

# Exactly the versions and files in a lock, each checked against its hash: the production lock
# (requirements.lock) for `make serve`, the development lock (requirements-dev.lock: the same
# pins and the tools to test, measure and lint) for everything else.
$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

$(DEV_STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $(DEV_STAMP)

# After changing pyproject.toml's dependencies: pin them (and what they need) with hashes,
# keeping the other pins; `make lock UPGRADE=1` moves every pin to the newest allowed release.
# The development lock is resolved under the production one, so both pin the same versions.
LOCK_FLAGS = --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	test -x .venv-lock/bin/pip-compile || \
		{ $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet 'pip-tools>=7.6,<8'; }
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) --output-file requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) --extra dev --constraint requirements.lock \
		--output-file requirements-dev.lock pyproject.toml
	.venv-lock/bin/python scripts/check_lock.py --stamp

# A local .env for development: DEBUG on and a fresh secret key. Never committed.
.env:
	@printf '# Local development settings written by `make run`; variables in the environment win.\nDEBUG=true\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env for local development (DEBUG on, a new SECRET_KEY)."

run: $(DEV_STAMP) .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo
	@echo "Site:  http://127.0.0.1:$(PORT)/"
	@$(PY) manage.py ensure_local_admin --port $(PORT)
	@echo
	@echo "A worker runs beside the site for background work (pictures' sizes, e-mail)."
	$(PY) manage.py worker & trap 'kill $$! 2>/dev/null' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: DEBUG off, hashed static files through WhiteNoise, a worker
# for background work (`manage.py worker`, stopped with the server), granian
# with a worker per core and one thread each for Django (threads only contend for the GIL),
# through newsroom/asgi.py: request bodies are read on the event loop under a deadline
# (REQUEST_BODY_SECONDS), so a slow client never holds the thread; a worker that dies is
# replaced. The cache in files shared by the workers, plain HTTP on 127.0.0.1. Every step runs with these variables
# (they win over .env), so collectstatic writes the hashed files the server then looks for.
SERVE_ENV = DEBUG=false SERVE_MEDIA=true ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
	SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	CACHE_URL=$${CACHE_URL:-filecache://$(CURDIR)/.cache/pages?max_entries=20000} \
	PURGE_SEQUENCE_FILE=$${PURGE_SEQUENCE_FILE-$(CURDIR)/.cache/purge-sequence}

serve: $(STAMP) .env
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(PY) manage.py load_demo --if-empty
	@echo "Serving in production mode on http://127.0.0.1:$(PORT)/, with a worker for background work"
	$(SERVE_ENV) $(PY) manage.py worker & trap 'kill $$! 2>/dev/null' EXIT; \
	$(SERVE_ENV) $(VENV)/bin/granian --interface asgi --host 127.0.0.1 --port $(PORT) \
		--workers $$(nproc) --respawn-failed-workers --respawn-interval 1 --workers-kill-timeout 10 \
		--no-ws newsroom.asgi:application

# Varnish (with xkey) on PORT in front of `make serve` on PORT+1: deploy/varnish/.
serve-varnish: $(STAMP) .env
	@command -v varnishd >/dev/null && test -e /usr/lib/$$(uname -m)-linux-gnu/varnish/vmods/libvmod_xkey.so || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends varnish varnish-modules; }
	@bash deploy/varnish/serve.sh $(PORT)

# Installed once into .cache/vnu; without npm, the test that needs it skips and says so.
$(VNU_STAMP):
	@if command -v npm >/dev/null; then \
		npm install --prefix .cache/vnu --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION) && touch $@; \
	else echo "npm is not installed: the HTML checker's test will skip (apt-get install npm)"; fi

html-checker: $(VNU_STAMP)

test: $(DEV_STAMP) $(VNU_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Figures, not tests: run by hand and record what it prints in docs/performance.md.
bench: $(DEV_STAMP)
	$(PY) bench/images.py
	$(PY) bench/pages.py
	$(PY) bench/readpath.py
	$(PY) bench/typical.py
	$(PY) bench/hostile_cache.py
	$(PY) bench/live.py
	$(PY) bench/desk.py
	$(PY) bench/wordpress.py
	$(PY) bench/hostile.py
	$(PY) bench/figures.py
	$(PY) bench/newsletters.py

# Lighthouse scores of every kind of reader's page under `make serve` (Node.js and chromium
# needed), the median of several runs: LIGHTHOUSE_ARGS="--runs 5 --pages home,article --port 8150".
lighthouse: $(DEV_STAMP)
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

lint: $(DEV_STAMP)
	$(PY) scripts/check_lock.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .venv-lock staticfiles .pytest_cache .ruff_cache
