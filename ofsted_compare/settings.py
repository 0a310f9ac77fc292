"""Settings for Ofsted Compare: one module, read from the environment, safe with none set."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value}")


# DEBUG only where asked for (`make run` sets DEBUG=true): a server started with nothing set is
# a production server.
DEBUG = envbool("DEBUG", False)
# Django refuses an empty SECRET_KEY the first time something signs with it, so commands that sign
# nothing (migrate, ingest) run without one; `check --deploy` and every session need it.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

# Dashboards are open to anyone who can reach the site unless a council wants them behind login.
LOGIN_REQUIRED = envbool("LOGIN_REQUIRED", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "authorities",
    "inspections",
    "dashboards",
]

# A staff member's reason is kept whole in the history, however long (the default cuts it at 100
# characters, and PostgreSQL refuses a longer one).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dashboards.middleware.refuse_unreadable_query",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware while LOGIN_REQUIRED is on (the admin's sign-in excepted).
    "dashboards.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A sign-in as an account under guessing from many addresses waits (ofsted_compare/signin.py).
    "ofsted_compare.signin.account_backoff",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

# Admin sign-in: django-axes locks a username and address out after repeated failures (kept in
# the database, so every worker sees them; each failure and lock-out is a warning in the log),
# and passwords are checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
# A username at one address: a stranger's failures never lock staff out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address behind the proxy (TRUSTED_PROXY_COUNT, below), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "ofsted_compare.signin.client_address"
# Guesses at one account from many addresses: after 10 failures in the cool-off hour, each sign-in
# as it waits 1, 2, 4 ... at most 60 s after the latest failure, except from an address it signed
# in from within 30 days (ofsted_compare/signin.py).
SIGNIN_BACKOFF_AFTER = 10
SIGNIN_BACKOFF_MAX_SECONDS = 60
SIGNIN_KNOWN_ADDRESS_DAYS = 30
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

ROOT_URLCONF = "ofsted_compare.urls"
WSGI_APPLICATION = "ofsted_compare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default, so a fresh clone runs with `make run` and nothing else;
# DATABASE_URL (dj-database-url) points it at PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """Django's CACHES["default"] from CACHE_URL: unset or `locmem://` keeps pages in each
    process; `redis://host:port/db` (or `rediss://`) shares them through Django's own Redis
    backend; `db://` (or `db://table_name`) through the database (`migrate` creates the table);
    `dummy://` keeps nothing."""
    scheme, _, rest = url.partition("://")
    if scheme in ("", "locmem"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    if scheme in ("redis", "rediss", "unix"):
        # Django's Redis backend that answers as an empty cache while Redis is down or hung
        # (dashboards/cache.py): half a second to connect or answer, then pages are built without
        # it and Redis is tried again every 5 s.
        return {
            "BACKEND": "dashboards.cache.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 5},
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest.strip("/") or "ofsted_compare_cache",
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"Unexpected value CACHE_URL={url}")


# Dashboard pages are cached until the data changes (dashboards.models.DataVersion): in each
# process by default, shared by every worker and host with CACHE_URL.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Source documents the ingest keeps (documents/<sha256>.<ext>), served only through the
# dashboards' document view, never from MEDIA_URL. Another backend (S3 or similar) goes in
# STORAGES["default"]; the code uses only Django's storage API.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The ingest reads each document in a worker process (inspections/workers.py): a worker may take
# this much memory beyond what it holds on starting (about 75 MB), and one document this long,
# before the document is refused. 0 lifts the limit.
INGEST_WORKER_MEMORY_MB = int(os.environ.get("INGEST_WORKER_MEMORY_MB", "1024"))
INGEST_DOCUMENT_SECONDS = float(os.environ.get("INGEST_DOCUMENT_SECONDS", "120"))

LOGIN_URL = "admin:login"
# Where a sign-in goes when its ?next= is refused (another host) or missing outside the admin.
LOGIN_REDIRECT_URL = "dashboards:compare"

# Production hardening, on whenever DEBUG is off (`manage.py check --deploy` passes with only
# SECRET_KEY and ALLOWED_HOSTS set). Behind a reverse proxy that terminates TLS, name the header it
# sets, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (or "X-Forwarded-Ssl: on"); never trusted
# unless set, since a client could send it.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script reads either cookie
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
# Subdomains and the browsers' preload list bind every host of the council's domain to HTTPS for
# good: a choice for the council, so opt-in, and Django's reminders of them are silenced until
# then.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    check
    for check, opted_in in [
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    ]
    if not opted_in
]


def proxy_ssl_header(value):
    """("HTTP_X_FORWARDED_PROTO", "https") from "X-Forwarded-Proto" or "X-Forwarded-Ssl: on"."""
    if not value:
        return None
    name, _, expected = value.partition(":")
    if not name.strip() or " " in name.strip():
        raise ImproperlyConfigured(f"Unexpected value SECURE_PROXY_SSL_HEADER={value}")
    return ("HTTP_" + name.strip().upper().replace("-", "_"), expected.strip() or "https")


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))
# Behind that proxy every request comes from the proxy's address. Each trusted proxy appends the
# address it was reached from to X-Forwarded-For, and sign-in failures count against the one the
# outermost proxy saw (ofsted_compare/signin.py): one proxy unless set; none without the header.
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT", "1" if SECURE_PROXY_SSL_HEADER else "0")
)
# Content-Security-Policy (django-csp): pages run only the site's own script files and read their
# chart data from json_script, so no inline script or handler runs. plotly.js sets style
# attributes as it draws, and adds one empty <style> that it fills through the CSSOM (the hash is
# that of the empty string), so style attributes are allowed and no other inline style; browsers
# without the -attr and -elem directives fall back to style-src. Its PNG and SVG downloads draw
# the chart as a blob: (or data:) image first.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]


def fetch_timeout(value):
    """(connect, read) seconds from "10,60" (or one number for both)."""
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2) or min(parts) <= 0:
        raise ImproperlyConfigured(f"Unexpected value OFSTED_FETCH_TIMEOUT={value}")
    return (parts[0], parts[-1])


# fetch_reports reads Ofsted's provider pages here. The contact (an email address or web page)
# goes in the User-Agent of every request, so that Ofsted can reach whoever runs the fetch.
OFSTED_REPORTS_URL = os.environ.get("OFSTED_REPORTS_URL", "https://reports.ofsted.gov.uk")
OFSTED_FETCH_CONTACT = os.environ.get("OFSTED_FETCH_CONTACT", "")
OFSTED_FETCH_TIMEOUT = fetch_timeout(os.environ.get("OFSTED_FETCH_TIMEOUT", "10,60"))
# Retries of a request answered 429 or 5xx (or timed out), with exponential backoff; a
# Retry-After header is honoured.
OFSTED_FETCH_RETRIES = int(os.environ.get("OFSTED_FETCH_RETRIES", "3"))
OFSTED_FETCH_BACKOFF = float(os.environ.get("OFSTED_FETCH_BACKOFF", "2"))

# Where the shared test corpus lives (../shared beside the project); tests and benchmarks read it.
SHARED_DIR = Path(os.environ.get("OFSTED_SHARED_DIR", BASE_DIR.parent / "shared"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
