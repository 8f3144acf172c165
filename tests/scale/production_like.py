"""The app servers of the two-server test: production settings exactly, except that static
files are served from the apps (no ``collectstatic`` into a manifest for a test run)."""

from cms.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
