"""Settings for the test suite: the same as production where it matters, fast where it can be."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "ibasho-test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
# Tests run tasks in-process; the worker tests start a real `db_worker` process with
# TASKS_BACKEND=database against the test database.
if os.environ.get("TASKS_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_ibasho")}
MEDIA_ROOT = BASE_DIR / ".test-media"
WAGTAILADMIN_BASE_URL = BASE_URL = "http://testserver"

# Serve static files from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Quiet logs in tests (Wagtail and django-tasks log every publish at INFO).
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}

# No tile server in tests (and no traffic off this machine): tiles 404 locally, and the
# map's markers and the list must work regardless.
IBASHO_MAP_TILES = {"url": "/map-tiles-unavailable/{z}/{x}/{y}.png", "attribution": "test"}
