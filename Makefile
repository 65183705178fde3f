# PMIS — the two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test install messages migrate lint serve worker beat clean browser totp

# DEBUG is off unless set (pmis/settings.py): the demo and the test suite ask for it here, the
# production processes below (serve, worker, beat) never do.
demo test messages migrate totp: export DEBUG = 1

# The development tools (tests, lint, browser) come with requirements-dev.txt, which includes the
# runtime file; the production image installs requirements.txt alone.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Compile the Swahili catalogue: GNU msgfmt when present, else Babel (pure Python).
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else $(VENV)/bin/pybabel compile -q -D django -d locale; fi

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: messages migrate
	$(PY) manage.py seed_demo
	@echo ""
	@echo "PMIS is at http://127.0.0.1:$(PORT)/  — log in as admin, perfdept, principal, head, director,"
	@echo "supervisor, officer, vetting, appeals, auditor, assessor, head2 or officer2 with password pmis-demo;"
	@echo "Tanzania (in Swahili): tz-afisa, tz-msimamizi, tz-mkurugenzi; Uganda: ug-officer, ug-supervisor."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The demo signatories' current 2FA code: make totp LOGIN=head
totp: install
	@$(PY) manage.py totp_code $(LOGIN)

# ruff, and the layering of .importlinter (apps import downwards only, no cycles).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# The browser journeys (tests/journeys) drive Debian's Chromium; install it when root, else say how.
browser:
	@command -v chromium >/dev/null || (test "$$(id -u)" = 0 && (apt-get install -y chromium || (apt-get update -q && apt-get install -y chromium))) \
	  || echo "The browser tests need Chromium: sudo apt-get install chromium (they skip without it, and fail in CI)."
	@command -v pdftoppm >/dev/null || (test "$$(id -u)" = 0 && (apt-get install -y poppler-utils || (apt-get update -q && apt-get install -y poppler-utils))) \
	  || echo "The PDF tests read pages back with pdftoppm: sudo apt-get install poppler-utils."

test: messages lint browser
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest

# The processes docker-compose.yml runs, started by hand (needs DATABASE_URL and CELERY_BROKER_URL).
serve: install
	$(VENV)/bin/gunicorn pmis.wsgi:application --bind 0.0.0.0:$(PORT) --workers 2

worker: install
	$(VENV)/bin/celery -A pmis worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A pmis beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
