"""Leye settings, read from the environment.

With nothing set, Leye runs embedded: SQLite, the in-memory channel layer and eager Celery.
`DATABASE_URL` switches to PostgreSQL; `REDIS_URL` to channels-redis, a Redis cache and a real
Celery broker with django-celery-beat. `LEYE_PROFILE=production` turns on the hardened profile.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    return default if raw is None else [item.strip() for item in raw.split(",") if item.strip()]


PROFILE = env_str("LEYE_PROFILE", "development")
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the production profile")
    # A fixed key for laptops and tests only; production refuses to start without its own.
    SECRET_KEY = "leye-development-key-not-for-production-" + "x" * 24
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "channels",
    "viewflow",
    "viewflow.workflow",
    "disputes",
    "workflows",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "realtime.context_processors.websocket",
            ],
        },
    },
]

# Database: SQLite embedded; PostgreSQL when DATABASE_URL is set. CONN_MAX_AGE stays 0 by
# default because persistent connections leak one per thread under daphne (see README).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)),
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Collected files exist only where collectstatic ran (production); elsewhere WhiteNoise uses the finders.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if PRODUCTION else None
# Without a collected STATIC_ROOT (laptops, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=not PRODUCTION)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Issued case documents: outside any served root, read only through the API after a checksum check.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Named on the statistics reports the bureau hands upward.
REPORTING_BUREAU_NAME = env_str("REPORTING_BUREAU_NAME", "上海市闵行区人力资源和社会保障局")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workbench/"

# Realtime and background work.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # redis-py 8 times socket reads out after 5 s, which kills consumers waiting on the layer's 5 s blocking
    # read (close code 1011): the channel layer's connections must not time out. Its pool holds at most
    # max_connections per process and event loop; a burst beyond waits up to `timeout` s (realtime/layers.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": env_int("CHANNEL_LAYER_MAX_CONNECTIONS", 100),
                        "timeout": 60,
                    }
                ]
            },
        }
    }
    CACHES = {"default": {"BACKEND": "config.redis_cache.PooledClientRedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs: run by celery beat with Redis, by `manage.py serve`'s ticker when embedded.
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-keys": {
        "task": "disputes.tasks.purge_idempotency_keys",
        "schedule": timedelta(hours=1),
    },
    "roll-up-metric-counters": {
        "task": "disputes.tasks.roll_up_metric_counters",
        "schedule": timedelta(minutes=1),
    },
    "count-late-arbitrations": {
        "task": "disputes.tasks.count_late_arbitrations",
        "schedule": timedelta(minutes=1),
    },
    "reconcile-metric-counters": {
        "task": "disputes.tasks.reconcile_metric_counters",
        "schedule": timedelta(hours=24),
    },
    "sweep-clocks": {
        "task": "disputes.tasks.sweep_clocks",
        "schedule": timedelta(seconds=env_int("ALERT_SWEEP_SECONDS", 60)),
    },
    "fire-workflow-timers": {
        "task": "workflows.tasks.fire_workflow_timers",
        "schedule": timedelta(seconds=env_int("WORKFLOW_TIMER_SECONDS", 60)),
    },
    "register-waiting-filings": {
        "task": "workflows.tasks.register_waiting_filings",
        "schedule": timedelta(seconds=env_int("FILING_CATCH_UP_SECONDS", 30)),
    },
    "retry-notifications": {
        "task": "realtime.tasks.retry_due_notifications",
        "schedule": timedelta(seconds=env_int("NOTIFICATION_RETRY_SWEEP_SECONDS", 60)),
    },
}

# Live metric pushes: at most one report per group (sent by each process's publisher) and per socket per this
# many seconds; bursts are coalesced, the last change is always sent.
METRICS_PUSH_INTERVAL = float(env_str("METRICS_PUSH_INTERVAL", "0.5"))
# A process keeps a metric read this long at most, unless the counters' generation moved first (metric_report).
METRICS_REPORT_CACHE_SECONDS = float(env_str("METRICS_REPORT_CACHE_SECONDS", "60"))
# Filings received asynchronously (workflows.intake): a receipt still waiting this long lost its task, and the
# catch-up sweep (every FILING_CATCH_UP_SECONDS) registers it.
FILING_CATCH_UP_AFTER_SECONDS = env_int("FILING_CATCH_UP_AFTER_SECONDS", 30)
# A rendered case detail stays cached at most this long: its version key goes stale on every change anyway,
# so this only caps what a missed invalidation could show (disputes/api/case_detail.py).
CASE_DETAIL_CACHE_SECONDS = env_int("CASE_DETAIL_CACHE_SECONDS", 600)

# Where pages open websockets: same origin when embedded (one daphne process serves both);
# the daphne port when gunicorn serves HTTP. Empty means "the page's own host".
WEBSOCKET_BASE_URL = env_str("WEBSOCKET_BASE_URL", "")
SERVE_HTTP_PORT = env_int("LEYE_HTTP_PORT", 8000)
SERVE_WS_PORT = env_int("LEYE_WS_PORT", 8001)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous request gets 401 with a WWW-Authenticate header.
        "disputes.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "disputes.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Proxies in front of the app whose X-Forwarded-For entries are trusted for the client's address (throttles,
    # sign-in limits); 0 reads REMOTE_ADDR only, so a client cannot pick its own address.
    "NUM_PROXIES": env_int("NUM_PROXIES", 1 if PRODUCTION else 0),
    # Scoped throttles (counted in the default cache): filing per user; sign-in and sign-up per client address.
    "DEFAULT_THROTTLE_RATES": {
        "filing": env_str("THROTTLE_FILING_RATE", "20/hour") or None,
        "sign_in": env_str("THROTTLE_SIGN_IN_RATE", "10/minute") or None,
        "sign_up": env_str("THROTTLE_SIGN_UP_RATE", "10/minute") or None,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leye 乐业 API",
    "DESCRIPTION": "劳动争议调解仲裁 — labor-dispute mediation and arbitration. Conventions: see README.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: users' intranets reach no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseTierEnum": "disputes.models.cases.Tier",
        "EntryTierEnum": "disputes.models.cases.ENTRY_TIER_CHOICES",
        "DocumentKindEnum": "disputes.models.documents.DocumentKind",
        "EvidenceKindEnum": "disputes.models.evidence.EvidenceKind",
        "InvitationPurposeEnum": "disputes.models.invitations.InvitationPurpose",
        "CodePurposeEnum": "disputes.services.accounts.CodePurpose",
        "FilingStateEnum": "disputes.models.filings.FilingState",
        "ClockStateEnum": "disputes.models.clocks.ClockState",
    },
}

VIEWFLOW = {"AUTOREGISTER": True}

# Statutory clock choices of spec/statutory-clock.md marked [setting] (§1.7, §1.8, §2).
STATUTORY_SHORT_PERIODS_IN_WORKING_DAYS = env_bool("STATUTORY_SHORT_PERIODS_IN_WORKING_DAYS", True)
AWARD_LIMIT_ROLLS_FORWARD = env_bool("AWARD_LIMIT_ROLLS_FORWARD", True)
ARBITRAL_REVIEW_WINDOW_DAYS = env_int("ARBITRAL_REVIEW_WINDOW_DAYS", 15)
# The region whose minimum wage measures the final-award amount test (spec §4).
MINIMUM_WAGE_REGION = env_str("MINIMUM_WAGE_REGION", "上海市")

# Metric goals (spec/metrics.md) and the early-warning settings.
EFFICACY_RATE_GOAL = env_str("EFFICACY_RATE_GOAL", "0.66")
CLOSURE_RATE_GOAL = env_str("CLOSURE_RATE_GOAL", "0.95")
EARLY_WARNING_RATE_GOAL = env_str("EARLY_WARNING_RATE_GOAL", "0.80")
PRIOR_MEDIATION_RATE_GOAL = env_str("PRIOR_MEDIATION_RATE_GOAL", "0.65")
COMPREHENSIVE_MEDIATION_RATE_GOAL = env_str("COMPREHENSIVE_MEDIATION_RATE_GOAL", "0.75")
EARLY_WARNING_LOOKBACK_DAYS = env_int("EARLY_WARNING_LOOKBACK_DAYS", 90)
# An automatic risk signal: this many workers filing against one employer within this many days.
RISK_SIGNAL_MIN_WORKERS = env_int("RISK_SIGNAL_MIN_WORKERS", 5)
RISK_SIGNAL_WINDOW_DAYS = env_int("RISK_SIGNAL_WINDOW_DAYS", 30)

# Deadline alerts: how many official working days before the due date each rule first alerts.
ALERT_WORKING_DAYS_BEFORE = {
    "arbitration.award": (3, 1),
    "arbitration.acceptance": (1,),
    "arbitration.service": (1,),
    "arbitration.defence": (1,),
    "mediation.window": (1,),
    "mediation.gig_window": (1,),
}

# Notifications (realtime.notifications): in-app always; these channels besides, per kind of notification.
NOTIFICATION_CHANNELS = {
    "acceptance_last_day": env_list("NOTIFY_ACCEPTANCE_LAST_DAY_CHANNELS", ["email", "sms"]),
    "award_decision": env_list("NOTIFY_AWARD_DECISION_CHANNELS", ["email", "sms"]),
    "escalation_offered": env_list("NOTIFY_ESCALATION_OFFERED_CHANNELS", ["sms"]),
    "award_effective": env_list("NOTIFY_AWARD_EFFECTIVE_CHANNELS", []),
    "deadline_alert": env_list("NOTIFY_DEADLINE_ALERT_CHANNELS", []),
    "deadline_overdue": env_list("NOTIFY_DEADLINE_OVERDUE_CHANNELS", []),
}
# A failed delivery is retried after BASE, 2×BASE, 4×BASE… seconds, MAX_RETRIES times, then marked failed.
NOTIFICATION_MAX_RETRIES = env_int("NOTIFICATION_MAX_RETRIES", 5)
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60)
# Prefixed to a notification's link in emails and texts.
NOTIFICATION_BASE_URL = env_str("NOTIFICATION_BASE_URL", "http://localhost:8000")
# SMS: a class with send(mobile, text); the default only logs. realtime.sms.HttpSmsGateway POSTs JSON.
SMS_GATEWAY = env_str("SMS_GATEWAY", "realtime.sms.LoggingSmsGateway")
SMS_HTTP_URL = env_str("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN")
SMS_HTTP_TIMEOUT = float(env_str("SMS_HTTP_TIMEOUT", "5"))
# Email through Django's backends: console on laptops, SMTP in production, or whatever EMAIL_BACKEND names.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "leye@localhost")

# Evidence uploads (disputes.services.evidence): the largest file accepted, in bytes.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Employer invitations: how long the signed link works — the longest answer period (the 15-day mediation
# window) plus 5 days' margin. Deliveries failing by SMS or email are retried like notifications.
EMPLOYER_LINK_MAX_AGE_DAYS = env_int("EMPLOYER_LINK_MAX_AGE_DAYS", 20)
CELERY_BEAT_SCHEDULE["retry-invitation-deliveries"] = {
    "task": "disputes.invitation_tasks.retry_due_invitation_deliveries",
    "schedule": timedelta(seconds=env_int("NOTIFICATION_RETRY_SWEEP_SECONDS", 60)),
}
CELERY_BEAT_SCHEDULE["purge-orphan-evidence-files"] = {
    "task": "disputes.tasks.purge_orphan_evidence_files",
    "schedule": timedelta(hours=1),
}

# Worker accounts (disputes.services.accounts): one-time codes live only in the cache, as a keyed hash.
ACCOUNT_CODE_TTL_SECONDS = env_int("ACCOUNT_CODE_TTL_SECONDS", 300)
ACCOUNT_CODE_MAX_TRIES = env_int("ACCOUNT_CODE_MAX_TRIES", 5)
ACCOUNT_CODE_RESEND_SECONDS = env_int("ACCOUNT_CODE_RESEND_SECONDS", 60)
# Attempt limits: name -> (attempts, seconds); used up, they block for the seconds. Failed sign-ins count per mobile
# and per address; code texts per mobile and per address.
ACCOUNT_RATE_LIMITS = {
    "sign_in_mobile": (env_int("SIGN_IN_LIMIT_PER_MOBILE", 5), 900),
    "sign_in_ip": (env_int("SIGN_IN_LIMIT_PER_ADDRESS", 30), 900),
    "code_mobile": (env_int("CODE_LIMIT_PER_MOBILE", 5), 3600),
    "code_ip": (env_int("CODE_LIMIT_PER_ADDRESS", 20), 3600),
}

# Idempotency keys are kept this long; a retry after that creates a new resource.
IDEMPOTENCY_KEY_TTL = timedelta(hours=env_int("IDEMPOTENCY_KEY_TTL_HOURS", 48))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
