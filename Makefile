# SalesCRM: `make run` brings the whole app up, `make test` runs the whole suite.
# With nothing configured both use an embedded PostgreSQL and a file-system
# Celery broker under var/; DATABASE_URL and CELERY_BROKER_URL point them at real servers.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The settings build the default SITE_URL (links in e-mails) from PORT.
export PORT
EMBEDDED := $(PY) -m salescrm.embedded run --
# Development commands: DEBUG on unless the environment says otherwise (the settings
# default to off and then require a real SECRET_KEY).
export DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help install run serve logins code test check-and-test lint messages chromium gettext pdf-font

help:
	@echo "make run    start web, Celery worker and beat with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite (PostgreSQL, Celery, SMTP, browser)"
	@echo "make lint   ruff, the template linter and the layers (import-linter)"
	@echo "make logins print the address and the demo logins again"
	@echo "make code   print the demo approvers' current two-factor sign-in code"
	@echo "make messages  refresh locale/*/django.po from the source"

$(VENV)/.installed: requirements.txt
	@echo "Installing the Python packages into $(VENV) (first run: a few minutes)…"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed gettext pdf-font

# msgfmt compiles the translations; Debian/Ubuntu get it from apt when we are root.
gettext:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  else echo "Please install GNU gettext (msgfmt)"; exit 1; fi; }

# The font plan and agreement PDFs embed for Chinese (PDF_FONT_PATH): Debian's
# fonts-wqy-zenhei from apt when we are root. Without it the PDFs use STSong-Light.
PDF_FONT_PATH ?= /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
pdf-font:
	@[ -f "$(PDF_FONT_PATH)" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei; \
	  else echo "Note: $(PDF_FONT_PATH) is missing; PDFs fall back to STSong-Light (install fonts-wqy-zenhei)"; fi; }

# A Chromium for the browser tests: Debian's package when we are root, else Playwright's own.
chromium: $(VENV)/.installed
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM_PATH" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; \
	  else $(PY) -m playwright install chromium; fi; }

run: install
	@$(EMBEDDED) $(MAKE) --no-print-directory serve

# Called by `run` with the database up. The address and the logins are printed
# once the web server answers, after the processes' start-up lines.
serve:
	@echo "[1/5] Migrating the database…"
	@$(PY) manage.py migrate --noinput --verbosity=0
	@echo "[2/5] Compiling the translations and collecting static files…"
	@$(PY) manage.py compilemessages --ignore=.venv --verbosity=0
	@$(PY) manage.py collectstatic --noinput --verbosity=0
	@echo "[3/5] Writing the beat schedule…"
	@$(PY) manage.py setup_schedule
	@echo "[4/5] Loading the demo data (first run: about a minute)…"
	@$(PY) manage.py seed_demo --no-logins
	@echo "[5/5] Starting web, Celery worker and beat on http://127.0.0.1:$(PORT)/ …"
	@($(PY) manage.py logins --wait 180 &) ; \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" WEB_HOST=127.0.0.1 exec $(VENV)/bin/honcho start --procfile Procfile --port $(PORT) web worker interactive beat

logins: install
	@$(EMBEDDED) $(PY) manage.py logins

code: install
	@$(EMBEDDED) $(PY) manage.py demo_code

test: install chromium
	@$(EMBEDDED) $(MAKE) --no-print-directory check-and-test

check-and-test:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py compilemessages --ignore=.venv --verbosity=0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/lint-imports

messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale=zh_Hans --ignore=.venv --ignore=var --no-obsolete
