"""PMIS settings.

Everything comes from the environment with a safe embedded default: no ``DATABASE_URL`` means
a SQLite file, no ``CELERY_BROKER_URL`` means Celery runs tasks eagerly in the web process.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# DEBUG is off unless asked for: a deployment that forgets the variable runs safe (HTTPS and cookie
# protections on, a real SECRET_KEY demanded). `make demo`, `make test` and .ci/run set DEBUG=1.
DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "pmis-insecure-development-key-change-me"
SECRET_KEY = env("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment when DEBUG=0 (use a long random string, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "treebeard",
    "pmis",
    "scorecards",
    "contracts",
    "appraisals",
    "charters",
    "evaluations",
    "notifications",
    "reports",
]
# The measuring harness (bench, seed_scale) is a development tool: production settings leave it out.
if DEBUG or env.bool("PMIS_BENCH", default=False):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "pmis.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pmis.sessions.IdleRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A signed-in user's saved language (or the one they chose this session) over the cookie's.
    "notifications.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Roles and institutions in sight read at most once per request (pmis.access).
    "pmis.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pmis.middleware.ClientIPMiddleware",
    # Auditors are read-only everywhere (pages, API, admin): refuses their writes before any view runs.
    "reports.readonly.AuditorReadOnlyMiddleware",
    # Axes last, so that it sees the authenticated user and the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmis.urls"
WSGI_APPLICATION = "pmis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread",
                "notifications.context_processors.open_tasks",
                "pmis.navigation.menu",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Connections kept for a minute: opening one costs PostgreSQL more than most pages' queries, and
# psycopg prepares a statement a connection runs often (below). CONN_HEALTH_CHECKS=1 pings a kept
# connection before each request's first query (a round trip per request) instead of letting one
# request fail after the database restarts.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 binds parameters on the server, so it can prepare a statement once a connection has
    # run it DB_PREPARE_THRESHOLD times: PostgreSQL then parses and plans it once per connection.
    # Behind PgBouncer in transaction mode set DB_SERVER_SIDE_BINDING=0 (it cannot keep them).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=env.bool("DB_SERVER_SIDE_BINDING", default=True),
        prepare_threshold=env.int("DB_PREPARE_THRESHOLD", default=2),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, loading the signed-in user with the navigation's facts in one query (pmis.auth).
    "pmis.auth.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after inactivity: activity renews the expiry, at most once a SESSION_RENEW_SECONDS
# (pmis.sessions.IdleRenewalMiddleware), so a page costs no session write.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True

# Lockout after repeated failed logins (per username and IP): the login page, the API's token, and the
# re-authentication of signing, appeal decisions and second-factor changes all count here. Failures
# are held in a cache, not the database, so a request whose transaction rolls back keeps its count.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "lockout"
AXES_CLIENT_IP_CALLABLE = "pmis.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "pmis.lockout.locked_response"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sw", _("Kiswahili"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django has no Swahili formats; ours group thousands and write dates day-first. USE_THOUSAND_SEPARATOR
# stays off (it would group the values of number inputs): templates group with floatformat's "g".
FORMAT_MODULE_PATH = ["pmis.formats"]
TIME_ZONE = env("TIME_ZONE", default="Africa/Nairobi")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Serve static files straight from the app folders too, so `make demo` needs no collectstatic.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
MEDIA_URL = "/media/"
# Monitoring: the largest evidence file accepted, and how many days after its quarter a report is due.
PMIS_EVIDENCE_MAX_BYTES = env.int("PMIS_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
PMIS_REPORT_DUE_DAYS = env.int("PMIS_REPORT_DUE_DAYS", default=15)
# A week's task log (PEPMIS) is due this many days after the week ends.
PMIS_WEEKLY_LOG_DUE_DAYS = env.int("PMIS_WEEKLY_LOG_DUE_DAYS", default=2)
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Email: EMAIL_URL (smtp://user:pass@host:587) or the console.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# For django.core.mail.backends.filebased.EmailBackend (the real-worker test counts these files).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PMIS <no-reply@pmis.local>")

# Celery: a broker URL means a real worker; none means tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# At-least-once delivery; tasks themselves are idempotent (outbox unique key, claim tokens).
# - acks_late + reject_on_worker_lost: a task whose worker dies is redelivered, not lost;
# - prefetch 1: a dying worker holds at most one unacknowledged message besides the running one;
# - hard time limit below the Redis visibility timeout, so a running task is never handed to a
#   second worker while the first still works on it. No task uses eta/countdown (on Redis an ETA
#   beyond the visibility timeout is redelivered) — periodic work comes from beat instead;
# - enqueue from request code with Task.delay_on_commit(), so a worker never sees uncommitted rows;
# - exactly ONE beat process (docker-compose.yml runs one ``beat`` service), or schedules double.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(env.int("CELERY_VISIBILITY_TIMEOUT", default=3600), CELERY_TASK_TIME_LIMIT + 300)
}
CELERY_RESULT_EXPIRES = env.int("CELERY_RESULT_EXPIRES", default=86400)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "notifications.sweep_reminders",
        "schedule": datetime.timedelta(minutes=env.int("REMINDER_SWEEP_MINUTES", default=15)),
    },
    # Work that falls due with the date (a quarter's report): the inbox opens it (notifications.inbox).
    "inbox-sweep": {
        "task": "notifications.sweep_inbox",
        "schedule": datetime.timedelta(minutes=env.int("INBOX_SWEEP_MINUTES", default=360)),
    },
    # Picks up rows a dead worker left claimed, and anything a lost enqueue missed.
    "outbox-send": {
        "task": "notifications.send_outbox",
        "schedule": datetime.timedelta(seconds=env.int("OUTBOX_SEND_SECONDS", default=60)),
    },
}
# Audit anchors (verify_audit --anchor, docs/deployment.md "Audit anchors"): JSON lines appended to a
# file the database cannot rewrite; in production put it on separate storage. The signing key must not
# live in the database; unset, it is derived from SECRET_KEY (pmis.audit.anchor_signature).
AUDIT_ANCHOR_FILE = env("AUDIT_ANCHOR_FILE", default=str(BASE_DIR / "var" / "audit-anchors.jsonl"))
AUDIT_ANCHOR_KEY = env("AUDIT_ANCHOR_KEY", default="")
# Beat anchors this often; the interval bounds how much of the trail's end can vanish unnoticed. 0 leaves
# it to a timer on one host (the task writes the anchor file on whichever worker runs it).
AUDIT_ANCHOR_MINUTES = env.int("AUDIT_ANCHOR_MINUTES", default=60)
if AUDIT_ANCHOR_MINUTES:
    CELERY_BEAT_SCHEDULE["audit-anchor"] = {
        "task": "pmis.anchor_audit_trail",
        "schedule": datetime.timedelta(minutes=AUDIT_ANCHOR_MINUTES),
    }

# Reminders (notifications app).
REMINDER_DAYS = env.list("REMINDER_DAYS", cast=int, default=[7, 1])  # "due in N days" reminders
REMINDER_ESCALATE_SUPERVISOR_DAYS = env.int("REMINDER_ESCALATE_SUPERVISOR_DAYS", default=3)  # days overdue
REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS = env.int("REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS", default=7)
REMINDER_LOOKBACK_DAYS = env.int("REMINDER_LOOKBACK_DAYS", default=60)  # overdue deadlines older are left alone
REMINDER_INSERT_BATCH = env.int("REMINDER_INSERT_BATCH", default=5000)
# "Remind them" on a coverage figure: a second press within this many minutes sends nothing more.
PMIS_REMIND_AGAIN_AFTER_MINUTES = env.int("PMIS_REMIND_AGAIN_AFTER_MINUTES", default=24 * 60)
OUTBOX_BATCH = env.int("OUTBOX_BATCH", default=20)  # rows claimed at a time
OUTBOX_ROWS_PER_TASK = env.int("OUTBOX_ROWS_PER_TASK", default=1000)  # then a fresh task carries on
OUTBOX_CLAIM_LEASE_SECONDS = env.int("OUTBOX_CLAIM_LEASE_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=120)  # wait before retrying a failed email
OUTBOX_MESSAGE_ID_DOMAIN = env("OUTBOX_MESSAGE_ID_DOMAIN", default="pmis.local")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The address printed for the public to follow (a contract PDF's verification link and QR code); empty:
# the host the request came in on (pmis/addresses.py).
PMIS_PUBLIC_URL = env("PMIS_PUBLIC_URL", default="")
EMBLEM_MAX_BYTES = env.int("EMBLEM_MAX_BYTES", default=512 * 1024)  # an institution's coat of arms or logo

# Contract documents and target import.
# (The contract PDF's QR code points at PMIS_PUBLIC_URL's /verify/ page, or the requesting host's.)
TARGET_IMPORT_MAX_BYTES = env.int("TARGET_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
TARGET_IMPORT_MAX_ROWS = env.int("TARGET_IMPORT_MAX_ROWS", default=1000)
# An XLSX is a zip: refused before it is opened when its members would unpack to more than this, or
# when it has more members than this (a zip bomb: 2 MB that unpack to gigabytes). A 1,000-row
# workbook unpacks to about 1 MB.
TARGET_IMPORT_MAX_UNPACKED_BYTES = env.int("TARGET_IMPORT_MAX_UNPACKED_BYTES", default=20 * 1024 * 1024)
TARGET_IMPORT_MAX_ZIP_MEMBERS = env.int("TARGET_IMPORT_MAX_ZIP_MEMBERS", default=100)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "pmis.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "pmis.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "pmis.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "pmis.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "pmis.api.throttling.AnonRateThrottle",
        "pmis.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="1000/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PMIS API",
    "DESCRIPTION": "Public-sector performance contracting and staff appraisal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets shared by several fields get one name each (spectacular warns otherwise).
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "contracts.models.PerformanceContract.Status",
        "ContractLevelEnum": "scorecards.models.ContractLevel",
        "OrgUnitLevelEnum": "pmis.models.OrgUnit.Level",
        "CharterStatusEnum": "charters.models.Charter.Status",
        "ComplaintStatusEnum": "charters.models.Complaint.Status",
        "AppraisalStatusEnum": "appraisals.models.Appraisal.Status",
    },
}

# CACHE_URL (e.g. redis://redis:6379/1) shares rate limits between web processes; default: in-process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Failed sign-ins and codes: the shared cache when there is one, else files every process on this host
# shares (an in-process cache would give each gunicorn worker its own count).
CACHES["lockout"] = (env.cache("CACHE_URL") if env("CACHE_URL", default="")
                     else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                           "LOCATION": str(BASE_DIR / "var" / "lockout")})
CACHES["lockout"]["KEY_PREFIX"] = "lockout"
if DEBUG and not env("CACHE_URL", default=""):
    # axes warns that a file cache counts less strictly than Redis (no atomic increment): fine for the
    # demo and the tests; a production deployment sets CACHE_URL and keeps the warning's protection.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]
# With a shared cache, sessions are read from it (written through to the database); an in-process
# cache is not shared between workers, so without CACHE_URL sessions stay in the database alone.
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends." + ("cached_db" if env("CACHE_URL", default="") else "db"))

# Citizen feedback on public charter pages: submissions per IP address per hour, and the fastest a
# person fills in the form (seconds) / the longest a form stays valid (seconds).
CHARTERS_SUBMISSIONS_PER_HOUR = env.int("CHARTERS_SUBMISSIONS_PER_HOUR", default=5)
CHARTERS_FORM_MIN_SECONDS = env.int("CHARTERS_FORM_MIN_SECONDS", default=5)
CHARTERS_FORM_MAX_AGE_SECONDS = env.int("CHARTERS_FORM_MAX_AGE_SECONDS", default=4 * 3600)

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# Structured logs: one JSON object a line with the request id (LOG_FORMAT=text for a console).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pmis.logging.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "pmis.logging.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Security -----------------------------------------------------------------------------------
# Behind the reverse proxy (nginx, a load balancer) that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health probe talks plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; harmless either way
SESSION_COOKIE_SAMESITE = "Lax"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# A strict Content Security Policy: no inline scripts or styles anywhere; every page loads its
# JavaScript and CSS from /static/. The Swagger UI view relaxes style-src and img-src for itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Two-factor authentication (pmis.twofactor). Axes does the lockout, so django-otp's own
# per-device back-off is off: it would refuse a right code typed soon after a wrong one.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="PMIS")
# The admin never shows an authenticator's secret (its key, otpauth link or QR code).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
TWO_FACTOR_BACKUP_CODES = 10
# A newly set-up or replaced authenticator cannot sign or decide appeals for this long: the emailed
# notice gives the real owner time to react when someone else changed it with a stolen password.
TWO_FACTOR_COOLING_OFF_HOURS = env.float("TWO_FACTOR_COOLING_OFF_HOURS", default=24)

# The client's address (audit trail, signatures, lockout, rate limits) is the socket's unless this many
# reverse proxies of ours stand in front, each appending to X-Forwarded-For (docs/deployment.md).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Asking for an API token: attempts per username and per client address (on top of the lockout).
API_TOKEN_THROTTLE_USERNAME = env("API_TOKEN_THROTTLE_USERNAME", default="10/min")
API_TOKEN_THROTTLE_ADDRESS = env("API_TOKEN_THROTTLE_ADDRESS", default="30/min")
# Password-reset emails: requests per email address and per client address, per hour.
PASSWORD_RESET_PER_ADDRESS_HOURLY = env.int("PASSWORD_RESET_PER_ADDRESS_HOURLY", default=3)
PASSWORD_RESET_PER_CLIENT_HOURLY = env.int("PASSWORD_RESET_PER_CLIENT_HOURLY", default=10)

# Backups (python manage.py backup / restore).
BACKUP_DIR = env("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups"))

# Officer appraisals (appraisals app).
APPRAISAL_APPEAL_DAYS = env.int("APPRAISAL_APPEAL_DAYS", default=14)  # after the result is issued
APPRAISAL_APPEAL_DECISION_DAYS = env.int("APPRAISAL_APPEAL_DECISION_DAYS", default=30)  # after filing
APPRAISAL_UPLOAD_MAX_BYTES = env.int("APPRAISAL_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# A per-unit grade summary (reports, exports, dashboards) leaves out a unit with fewer people than this.
CONFIDENTIAL_MIN_GROUP_SIZE = env.int("CONFIDENTIAL_MIN_GROUP_SIZE", default=5)
