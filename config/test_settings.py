"""Settings for the test suite: the database follows DATABASE_URL; everything else stays in-process.

Service tests that need Redis, a Celery worker or a second server build those from REDIS_URL
themselves, so the rest of the suite never depends on shared state outside the test database.
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# DRF throttles count in the process-wide cache, across tests (whose users reuse ids on SQLite): off here;
# the throttle tests set their own rates (tests/disputes/test_accounts.py).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"filing": None, "sign_in": None, "sign_up": None}}  # noqa: F405
