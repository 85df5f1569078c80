"""Django settings for Duet. Every deployment choice comes from the environment via webapp.config.

Unset variables give the embedded laptop/test set-up; docs/deploy.md describes production.

    DATABASE_URL               unset: SQLite at <data dir>/duet.sqlite3; set: Postgres (psycopg 3)
    REDIS_URL                  unset: in-memory channel layer, Celery over kombu's filesystem
                               transport; set: channels-redis, Celery broker + results on Redis
    DUET_DATA_DIR              default var/ in the repository
    DUET_SECRET_KEY            default: generated once into <data dir>/secret_key (mode 0600)
    DUET_DEBUG                 default off
    DUET_ALLOWED_HOSTS         default localhost,127.0.0.1,[::1]
    DUET_CSRF_TRUSTED_ORIGINS  e.g. https://duet.example.org
    DUET_AGENT                 default local:<data dir>/models/tiny-agent; vllm:http://vllm:8000
    DUET_BEHIND_TLS_PROXY      1 behind an HTTPS-terminating proxy: secure cookies, HTTPS redirect
                               (DUET_SSL_REDIRECT=0 turns it off; /healthz is exempt), HSTS
                               (DUET_HSTS_SECONDS, DUET_HSTS_INCLUDE_SUBDOMAINS, DUET_HSTS_PRELOAD)
    DUET_GENERATION_MAX_TOKENS longest agent turn in tokens (512)
    DUET_RENDERS_STORAGE       storage backend class for agent screenshots (default: files under
                               <data dir>/renders; e.g. storages.backends.s3.S3Storage)
    DUET_GENERATION_RUNNER     where agent turns run: celery (default with REDIS_URL) or thread
                               (default without: a thread of the web process; see collab)
    DUET_GENERATION_LEASE_S    seconds without a heartbeat before an agent turn is redone (30)
    DUET_SESSION_SWEEP_S       seconds between sweeps for work abandoned with no socket open (15)
    DUET_TRACE_TIMINGS         1: live-session messages carry server time stamps (benchmarks)
"""

from __future__ import annotations

import os
from pathlib import Path

from webapp.config import load_config, parse_bool, parse_float

BASE_DIR = Path(__file__).resolve().parent.parent
DUET = load_config(os.environ, BASE_DIR)

SECRET_KEY = DUET.secret_key
DEBUG = DUET.debug
ALLOWED_HOSTS = DUET.allowed_hosts
CSRF_TRUSTED_ORIGINS = DUET.csrf_trusted_origins

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_celery_beat",
    "webapp.accounts",
    "webapp.collab",
    "webapp.trajectories",
    "webapp.annotations",
    "webapp.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "webapp.urls"
ASGI_APPLICATION = "webapp.asgi.application"
WSGI_APPLICATION = None

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
                "webapp.collab.pages.navigation",
            ],
        },
    },
]

DATABASES = {"default": DUET.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if DUET.redis is not None:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # (webapp/collab/apps.py shortens channels-redis's blocking pop below redis-py's
                # 5 s read timeout: with both at 5 s an idle socket's consumer dies.)
                "hosts": [DUET.redis.url],
                "prefix": "duet",
                # messages a socket may have unread before more are dropped (default 100)
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery reads every CELERY_* setting (workers/celery.py uses namespace="CELERY").
for _name, _value in DUET.celery_settings().items():
    globals()[f"CELERY_{_name.upper()}"] = _value
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and sockets from
# this origin only; no inline script or style anywhere (pages use ES modules under static/duet/).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if DUET.behind_tls_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = parse_bool(os.environ, "DUET_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from inside the network speak plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("DUET_HSTS_SECONDS") or 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = parse_bool(os.environ, "DUET_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = parse_bool(os.environ, "DUET_HSTS_PRELOAD", True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DUET.data_dir / "staticfiles"

DUET_DATA_DIR = DUET.data_dir
DUET_AGENT = DUET.agent_spec
DUET_HEALTH_CACHE_SECONDS = DUET.health_cache_seconds
DUET_WORKER_PING_TIMEOUT = DUET.worker_ping_timeout

# Live sessions (webapp/collab). Agent screenshots go through Django's storage API; served only by
# the session's access-checked view, never as public static files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "duet_renders": {
        "BACKEND": os.environ.get("DUET_RENDERS_STORAGE")
        or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {}
        if os.environ.get("DUET_RENDERS_STORAGE")
        else {"location": str(DUET.data_dir / "renders")},
    },
}
DUET_COLLAB = {
    "MAX_TEXT_CHARS": 4000,  # a person's message (play_task also caps at the protocol's limit)
    "MAX_FRAME_BYTES": 64 * 1024,  # larger WebSocket frames are refused unread
    "RATE_LIMIT_SAYS": 20,  # messages per person per window, across all their sessions
    "RATE_LIMIT_WINDOW_S": 60,
    # a generation whose runner stopped renewing its lease for this long is redone
    "LEASE_S": parse_float(os.environ, "DUET_GENERATION_LEASE_S", 30.0),
    "HEARTBEAT_S": 1.0,
    "DELTA_INTERVAL_S": 0.02,  # agent_delta messages per turn: at most one per interval
    "MAX_TOKENS": int(os.environ.get("DUET_GENERATION_MAX_TOKENS") or 512),
    "RUNNER": os.environ.get("DUET_GENERATION_RUNNER", "").strip()
    or ("celery" if DUET.redis is not None else "thread"),
    "THREADS": 4,
    # Celery beat hands work abandoned with no socket open to a new runner this often
    "SWEEP_S": parse_float(os.environ, "DUET_SESSION_SWEEP_S", 15.0),
    # ack and agent_delta carry a "trace" of time.time() stamps (bench/sessions_load.py); off
    "TRACE_TIMINGS": os.environ.get("DUET_TRACE_TIMINGS", "").strip() not in ("", "0"),
}
if DUET_COLLAB["RUNNER"] not in ("celery", "thread"):
    from webapp.config import ConfigError

    raise ConfigError("DUET_GENERATION_RUNNER", "expected celery or thread")

# Celery beat (django-celery-beat's scheduler also shows these entries in the admin).
CELERY_BEAT_SCHEDULE = {
    "collab-sweep": {
        "task": "workers.tasks.collab_sweep",
        "schedule": DUET_COLLAB["SWEEP_S"],
        "options": {"queue": "default", "expires": DUET_COLLAB["SWEEP_S"]},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"drop_probe_503": {"()": "webapp.logfilters.DropHealthProbe503"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO" if not DEBUG else "DEBUG"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["drop_probe_503"]},
    },
}
