"""Settings of site B in the two-site test: a second installation in its own process,
with its own SQLite database (DATABASE_URL), address (BASE_URL) and no shared cache."""

from cms.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
