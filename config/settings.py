"""Settings for the Posyandu ILP platform.

Everything comes from environment variables with safe defaults (HackSoft rule: nothing that
only production has). SQLite under ./data is the embedded default; DATABASE_URL switches to
PostgreSQL.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# .env first: every setting below, DATA_DIR included, may come from it (ENV_FILE: another
# file, e.g. /dev/null for a process that must see the environment alone)
environ.Env.read_env(os.environ.get("ENV_FILE", BASE_DIR / ".env"), overwrite=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DEBUG", default=False)
# Demo mode (DEMO=true, written by `make run`): the demo accounts of seed_demo sign in, a
# banner says the data is invented. Independent of DEBUG, so a demo runs with DEBUG off (no
# tracebacks, no URL list, Indonesian error pages). DEBUG alone still implies it (development).
DEMO_MODE = env.bool("DEMO", default=DEBUG and env.bool("DEMO_MODE", default=True))

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind the reverse proxy of deploy/ (it terminates TLS and says so in this header).
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "posyandu.core",
    "posyandu.audit",
    "posyandu.wilayah",
    "posyandu.fasilitas",
    "posyandu.accounts",
    "posyandu.kader",
    "posyandu.sasaran",
    "posyandu.sesi",
    "posyandu.rujukan",
    "posyandu.imunisasi",
    "posyandu.kia",
    "posyandu.skrining",
    "posyandu.kunjungan_rumah",
    "posyandu.tugas",
    "posyandu.demo",
    "posyandu.laporan",
    "posyandu.pokjanal",
    "posyandu.sinkron",
    "posyandu.pertukaran",
    "posyandu.dhis2",
    "posyandu.satusehat",
    "posyandu.citus",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON compressed (static files come pre-compressed from whitenoise). Django masks
    # the CSRF token per response and pads the gzip header, its answer to BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "posyandu.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "posyandu.accounts.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "posyandu.core.security.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "posyandu.audit.middleware.AuditContextMiddleware",
    "posyandu.accounts.middleware.ScopeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "posyandu.core.middleware.BadInputMiddleware",
    "posyandu.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "posyandu.core.context_processors.platform",
                "posyandu.accounts.context_processors.menu",
            ],
        },
    },
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'posyandu.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; IMMEDIATE avoids "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))

# Cache: counters of the rate limiter (posyandu/core/ratelimit.py) and nothing personal. It must
# be SHARED by every worker process (and host) in production: the default is a table in the
# database (created by `migrate`), which works for SQLite and PostgreSQL; Redis
# (rediscache://...) also fits. locmemcache:// is per process: never in production.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="dbcache://posyandu_cache?MAX_ENTRIES=100000&CULL_FREQUENCY=10"
    )
}
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Behind a reverse proxy: the META key holding the client address, e.g. HTTP_X_REAL_IP.
RATELIMIT_IP_META = env.str("RATELIMIT_IP_META", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # "posyandu", "Kader2026", the user's own name or phone (posyandu/accounts/passwords.py)
    {"NAME": "posyandu.accounts.passwords.DomainWordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "posyandu.accounts.backends.PlatformBackend",
]
# Two-factor sign-in (TOTP app + recovery codes, django-otp): required for these roles (and
# superusers), offered to everyone else. Off in demo mode unless TWO_FACTOR_IN_DEMO.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["dinkes", "puskesmas", "admin"]
)
TWO_FACTOR_ENFORCED = env.bool("TWO_FACTOR_ENFORCED", default=not DEMO_MODE)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Posyandu ILP")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes), per username + IP.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# API pages: `limit` is bounded in the schema (a larger one is a 422, not a huge query)
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Transport and browser security (issue 16; docs/deploy.md). HTTPS is the production
# default; the demo (`make run`) and DEBUG serve plain http on 127.0.0.1. Behind the TLS proxy
# set BEHIND_PROXY=true (SECURE_PROXY_SSL_HEADER above), or SSL redirect would loop.
HTTPS = env.bool("HTTPS", default=not (DEBUG or DEMO_MODE))
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may use plain http
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# "preload" only says the site may join the browsers' HTTPS-only list (it is never joined
# without a submission at hstspreload.org); SECURE_HSTS_PRELOAD=false to leave it out.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy without inline script (posyandu.core.security.DEFAULT_POLICY when
# unset; "" switches the header off).
CONTENT_SECURITY_POLICY = env.str("CONTENT_SECURITY_POLICY", default=None)

# Sessions: shorter, and ended when the browser closes (kader share phones). Both settable.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Static files without collectstatic when DEBUG or the demo runs (runserver with DEBUG off).
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Since Permendagri 13/2024 some regions call the Pokjanal "Tim Pembina Posyandu".
POKJANAL_DISPLAY_NAME = env.str("POKJANAL_DISPLAY_NAME", default="Pokjanal Posyandu")
PLATFORM_NAME = env.str("PLATFORM_NAME", default="Posyandu ILP")

# Disclosure policy of every report, dashboard and target: a denominator below this shows
# counts only, never a percentage (a few children would be identifiable and their
# percentages swing wildly). Read through posyandu.core.disclosure, never directly.
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)

# Privacy (docs/privacy.md). NIK lookups across the country per user (posyandu.core.ratelimit
# rates); years after moving away or death before `manage.py retensi --apply` removes what
# identifies a person (check the retention your Dinkes must keep for medical records).
NIK_LOOKUP_RATES = env.list("NIK_LOOKUP_RATES", default=["20/10m", "200/d"])
RETENTION_YEARS_AFTER_LEAVING = env.int("RETENTION_YEARS_AFTER_LEAVING", default=10)

# SATUSEHAT (docs/satusehat.md): the environment's host (auth at {base}/oauth2/v1, FHIR at
# {base}/fhir-r4/v1), or SATUSEHAT_BASE_URL to point elsewhere. Credentials per Puskesmas
# organization id, never in the database: SATUSEHAT_CREDENTIALS is JSON
# {"<org id>": {"client_id": ..., "client_secret": ...}}, or set
# SATUSEHAT_CLIENT_ID_<org id> / SATUSEHAT_CLIENT_SECRET_<org id>.
SATUSEHAT_HOSTS = {
    "dev": "https://api-satusehat-dev.dto.kemkes.go.id",
    "sandbox": "https://api-satusehat-stg.dto.kemkes.go.id",
    "production": "https://api-satusehat.kemkes.go.id",
}
SATUSEHAT_ENV = env.str("SATUSEHAT_ENV", default="sandbox")
if SATUSEHAT_ENV not in SATUSEHAT_HOSTS:
    raise ImproperlyConfigured(f"SATUSEHAT_ENV must be one of {', '.join(SATUSEHAT_HOSTS)}.")
SATUSEHAT_BASE_URL = env.str("SATUSEHAT_BASE_URL", default=SATUSEHAT_HOSTS[SATUSEHAT_ENV])
SATUSEHAT_CREDENTIALS = env.json("SATUSEHAT_CREDENTIALS", default={})
SATUSEHAT_TIMEOUT = env.float("SATUSEHAT_TIMEOUT", default=30.0)  # seconds per request
SATUSEHAT_BACKOFF = env.float("SATUSEHAT_BACKOFF", default=1.0)  # first retry delay, doubling
SATUSEHAT_OUTBOX = env.bool("SATUSEHAT_OUTBOX", default=True)  # saving a record queues it
SATUSEHAT_UNVERIFIED_CODES = env.bool("SATUSEHAT_UNVERIFIED_CODES", default=False)

# Background jobs (posyandu/core/jobs.py): kept in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job RUNNING longer than this lost its worker and is run again (enqueue_jobs does it).
JOB_STALL_MINUTES = env.int("JOB_STALL_MINUTES", default=180)

# Where `manage.py backup` writes (docs/deploy.md: another disk, copied off the machine).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(DATA_DIR / "backups")))

# Offline kader app (docs/offline.md): the device data and the offline session expire this many
# days after the last sync; upload/download requests allowed per user (posyandu.core.ratelimit).
OFFLINE_MAX_DAYS = env.int("OFFLINE_MAX_DAYS", default=7)
OFFLINE_SYNC_RATE = env.str("OFFLINE_SYNC_RATE", default="120/m")

# Where import_wilayah finds the Kemendagri codes (copied into the package with attribution).
WILAYAH_CSV = BASE_DIR / "posyandu" / "wilayah" / "data" / "kode_wilayah.csv"

# DHIS2 aggregate exchange (docs/dhis2.md): the deployment's mapping file (default: the demo
# example in posyandu/dhis2/rules/) and the server. Credentials only from the environment.
DHIS2_MAPPING_FILE = env.str("DHIS2_MAPPING_FILE", default="")
DHIS2_BASE_URL = env.str("DHIS2_BASE_URL", default="")
DHIS2_USERNAME = env.str("DHIS2_USERNAME", default="")
DHIS2_PASSWORD = env.str("DHIS2_PASSWORD", default="")
DHIS2_TOKEN = env.str("DHIS2_TOKEN", default="")  # personal access token (ApiToken ...)
DHIS2_TIMEOUT = env.float("DHIS2_TIMEOUT", default=30.0)  # seconds per request
# Regions whose last month the monthly job pushes (codes, comma-separated); empty: none.
DHIS2_PUSH_WILAYAH = env.list("DHIS2_PUSH_WILAYAH", default=[])

# LOG_FORMAT=json gives one JSON object per line (for journald/Loki/ELK); text is for humans.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="text"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
