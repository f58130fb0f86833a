"""WageWatch settings: one file, driven by environment variables (see wagewatch/env.py)."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from wagewatch import env as wenv

BASE_DIR = wenv.BASE_DIR

DEBUG = wenv.get("DEBUG", bool, False)
SECRET_KEY = wenv.get("SECRET_KEY", str, "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY (SECRET_KEY is required when DEBUG is off)")
    SECRET_KEY = "django-insecure-development-only-wagewatch"
ALLOWED_HOSTS = wenv.get("ALLOWED_HOSTS", list, ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = wenv.get("CSRF_TRUSTED_ORIGINS", list, [])
FIELD_ENCRYPTION_KEYS = wenv.field_encryption_keys(DEBUG)
# QR codes and verify links: the public address; unset, the port `make run PORT=8080` serves on
# (scripts/serve.sh exports PORT), so a second checkout on another port links to itself.
serve_port = wenv.get_in_range("PORT", 8000, 1, 65535)
SITE_URL = wenv.get("SITE_URL", str, f"http://127.0.0.1:{serve_port}").rstrip("/")

INSTALLED_APPS = [
    "wagewatch.accounts.apps.AdminConfig",  # django.contrib.admin, failing closed
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
    "import_export",
    "simple_history",
    "axes",
    "wagewatch.accounts",
    "projects",
    "complaints",
    "blacklist",
    "deposits",
    "wages",
    "risk",
    "golive",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wagewatch.accounts.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagewatch.accounts.middleware.PublicNotFoundMiddleware",
]

ROOT_URLCONF = "wagewatch.urls"
WSGI_APPLICATION = "wagewatch.wsgi.application"

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
                "wagewatch.accounts.context_processors.navigation",
                "wagewatch.accounts.context_processors.law",
            ],
        },
    },
]

DATABASES = {"default": wenv.database(BASE_DIR / "wagewatch.sqlite3")}
DATABASES["default"].setdefault("CONN_MAX_AGE", wenv.get("CONN_MAX_AGE", int, 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A database that stops answering must not hold a worker until gunicorn kills it (the browser would get
    # no answer): give up connecting after a few seconds and answer the clean error page.
    # ?connect_timeout= in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if "sqlite" in DATABASES["default"]["ENGINE"]:
    # The web server and the Celery worker share the file: WAL lets pages (an import's progress) read while
    # the worker writes, and a writer waits for the lock instead of failing at once.
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("timeout", 20)
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
# Each request is one transaction: a failure half-way (or a database restart) leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Files the running app writes beside the database: without Redis, the task queue, task results and cache
# (scripts/serve.sh keeps the worker and beat logs and the beat schedule here too).
VAR_DIR = wenv.get("VAR_DIR", Path, BASE_DIR / "var")
REDIS_URL = wenv.redis_url()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A dead Redis must not take pages down: cache misses instead of errors.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # a file cache the web server and the worker share: an import's progress bar reads what the worker writes
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Sessions live in the database so login keeps working without Redis, read through the cache (a page read
# costs a cache get, not a query: bench/load.py); lockouts live in the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 10

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockout per username *and* client address: one site's shared Wi-Fi does not lock out a crew.
AXES_FAILURE_LIMIT = wenv.get("AXES_FAILURE_LIMIT", int, 5)
AXES_COOLOFF_TIME = timedelta(minutes=wenv.get("AXES_COOLOFF_MINUTES", int, 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no "AXES: BEGIN" line on every management command
# axes keeps the username in a 255-character column: a longer POST must not become a 500
AXES_USERNAME_CALLABLE = "wagewatch.accounts.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind a reverse proxy, the number of trusted proxies in front of the app (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = wenv.get("TRUSTED_PROXY_COUNT", int, 0)
# The lockout reads the same address as the public form: the entry the trusted proxies appended, never
# the client-written left end of X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "wagewatch.lib.addresses.client_address"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are private: served only through views that apply scoping, never from a public URL.
MEDIA_ROOT = wenv.get("MEDIA_ROOT", str, str(BASE_DIR / "var" / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = wenv.get("MAX_UPLOAD_BYTES", int, 20 * 1024 * 1024)

# Security headers; production (DEBUG off) turns on the HTTPS ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "wagewatch.accounts.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = wenv.get("SECURE_SSL_REDIRECT", bool, True)
    # Off only for a plain-HTTP loopback benchmark of the production configuration.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = wenv.get("SECURE_COOKIES", bool, True)
    SECURE_HSTS_SECONDS = wenv.get("SECURE_HSTS_SECONDS", int, 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = wenv.get(
    "EMAIL_BACKEND",
    str,
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = wenv.get("DEFAULT_FROM_EMAIL", str, "wagewatch@localhost")

# Celery: with REDIS_URL Redis is the broker and result backend; without it kombu's filesystem transport
# and Celery's file result backend under VAR_DIR/celery, so `make run` still runs a real worker
# (scripts/serve.sh). Tasks never run inside the request.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 2 * 60 * 60}
if REDIS_URL:
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    celery_dir = VAR_DIR / "celery"
    for sub in ("queue", "control", "results"):
        (celery_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(celery_dir / "queue"),  # one folder: the web server writes, the worker reads
        "data_folder_out": str(celery_dir / "queue"),
        "control_folder": str(celery_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{celery_dir / 'results'}"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must not hang a web request: fail fast, the job row stays queued (accounts/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_RESULT_EXPIRES = timedelta(days=7)
CELERY_BEAT_SCHEDULE = {
    # every minute: rows queued while Redis was down go out within a minute of its return
    "requeue-stale-jobs": {"task": "wagewatch.accounts.tasks.requeue_stale_jobs", "schedule": 60.0},
    "worker-heartbeat": {"task": "wagewatch.accounts.tasks.worker_heartbeat", "schedule": 60.0},
    "purge-form-tokens": {
        "task": "wagewatch.accounts.tasks.purge_form_tokens",
        "schedule": crontab(minute=5),
    },
    "complaints-mark-case-deadlines": {
        "task": "complaints.tasks.mark_case_deadlines",
        "schedule": crontab(hour=1, minute=10),
    },
    "complaints-notify-order-deadlines": {
        "task": "complaints.tasks.notify_order_deadlines",
        "schedule": crontab(hour=7, minute=20),
    },
    "blacklist-expire-due": {
        "task": "blacklist.tasks.blacklist_expire_due",
        "schedule": crontab(hour=0, minute=20),
    },
    "blacklist-grade-compute-year": {
        "task": "blacklist.tasks.grade_compute_year",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=2, minute=30),
    },
    "deposits-guarantee-expiry": {
        "task": "deposits.tasks.remind_expiring_guarantees",
        "schedule": crontab(hour=7, minute=20),
    },
    "deposits-return-overdue": {
        "task": "deposits.tasks.remind_overdue_returns",
        "schedule": crontab(hour=7, minute=25),
    },
    "recompute-deadlines": {  # every app's deadlines stored without holiday data (a newer chinese-calendar)
        "task": "wagewatch.accounts.tasks.recompute_deadlines",
        "schedule": crontab(hour=2, minute=40),
    },
    # uploaded import files hold ID and phone numbers: a preview not confirmed within a day loses its file
    "projects-import-uploads-cleanup": {
        "task": "projects.tasks.import_uploads_cleanup",
        "schedule": crontab(minute=45),
    },
    "risk-sweep-nightly": {
        "task": "projects.risk.tasks.sweep_nightly",
        "schedule": crontab(hour=2, minute=0),
    },
    "reports-notify-task-deadlines": {
        "task": "reports.tasks.notify_task_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
}

# The demo county, in dependency order (manage.py seed_demo); the risk sweep runs on the data before it.
DEMO_MODULES = [
    "wagewatch.accounts.demo",
    "projects.demo",
    "wages.demo",
    "complaints.demo",
    "blacklist.demo",
    "deposits.demo",
    "risk.demo",
    "reports.demo",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WageWatch API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_403_traceback": {"()": "wagewatch.accounts.middleware.No403Traceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": wenv.get("LOG_LEVEL", str, "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["no_403_traceback"]},
    },
}

# Domain settings. Legal numbers (deposit rate, deadlines, group-incident size, minimum wage…) are defined,
# with their sources, in wagewatch/lib/law.py: a key of the same name here overrides one (DEPOSIT_RATE may
# also come from the environment). The operational values below are declared in wagewatch/lib/config.py;
# both are checked at start-up (manage.py check: wagewatch.E101–E103).
WAGEWATCH = {
    **wenv.present("DEPOSIT_RATE"),
    "COMPLAINT_DUE_SOON_WORKDAYS": 5,
    "HAZARD_DUE_SOON_WORKDAYS": 3,
    "TASK_DUE_SOON_DAYS": 3,
    "ORDER_DUE_SOON_DAYS": 3,
    "COUNTY_NAME": wenv.get("COUNTY_NAME", str, "示范县"),
    "COUNTY_COMPLAINT_PHONE": wenv.get("COUNTY_COMPLAINT_PHONE", str, "0000-12345678"),
    "DOCUMENT_PREFIX": wenv.get("DOCUMENT_PREFIX", str, "示人社监"),
    "COMPLAINT_NUMBER_PREFIX": "TS",
    "CERTIFICATE_PREFIX": "WQZM",
    # Per client address and window. A site's workers share one Wi-Fi address: allow a crew's worth.
    "PUBLIC_FORM_RATE_LIMIT": 30,
    "PUBLIC_LOOKUP_RATE_LIMIT": 30,
    "PUBLIC_FORM_RATE_WINDOW_MINUTES": 60,
    # A worker's own wage check (查工资): attempts per address and per ID number in the window above.
    "WORKER_CHECK_RATE_LIMIT": 10,
    # Wage reconciliation rules' defaults (admins edit the rule rows): days after payday + grace before an
    # unpaid worker is a hazard, and days a bank has to re-pay a failed pay line.
    "WORKER_UNPAID_DAYS": 0,
    "BANK_FAILED_REPAY_DAYS": 5,
    # Live (unexpired, unused) captcha rows kept: per address, and in all.
    "PUBLIC_CAPTCHA_PER_ADDRESS": 100,
    "PUBLIC_CAPTCHA_MAX": 20000,
    "ARBITRATION_PHONE": wenv.get("ARBITRATION_PHONE", str, ""),
    # A roster import with more rows than this runs on Celery with a progress bar; smaller ones at once.
    "IMPORT_SYNC_MAX_ROWS": 2000,
    # Input bounds (wagewatch/lib/bounds.py): dates from 1 January of DATE_MIN_YEAR to the end of the year
    # DATE_MAX_YEARS_AHEAD years from today (a past event: to today); text fields at most TEXT_MAX_LENGTH.
    "DATE_MIN_YEAR": wenv.get_in_range("DATE_MIN_YEAR", 1990, 1900, wenv.this_year()),
    "DATE_MAX_YEARS_AHEAD": wenv.get_in_range("DATE_MAX_YEARS_AHEAD", 10, 1, 100),
    "TEXT_MAX_LENGTH": wenv.get_in_range("TEXT_MAX_LENGTH", 10_000, 100, 1_000_000),
    # Photos of evidence on the public complaint form (complaints/evidence.py): how many, each at most so
    # many bytes as sent and so many pixels decoded (a phone's 12–50 MP photo; more: a decompression bomb).
    "PUBLIC_EVIDENCE_MAX_FILES": 5,
    "PUBLIC_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    "PUBLIC_EVIDENCE_MAX_PIXELS": 50_000_000,
}
