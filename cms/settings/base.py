"""Settings shared by every environment.

Everything that differs between machines is read from the environment once, here
(12-factor). ``dev``, ``test`` and ``production`` only change what they must.
"""

import datetime
import importlib.util
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "home",
    "events",
    "ibasho",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "recurrence",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.admin",
    "django.contrib.humanize",  # its Japanese for the admin's "now", "2 hours ago"
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.csp.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LanguageByPathOnlyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "home.twofactor.TwoFactorMiddleware",
    "home.admin_request.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account
# from one client address, that pair is locked for AXES_COOLOFF_TIME (the Japanese page in
# templates/errors/lockout.html says "an hour"). Lift it early with
# `manage.py axes_reset_username <username>`. The address is the trusted-proxy one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "events.clientaddr.client_address"
AXES_LOCKOUT_TEMPLATE = "errors/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # log only what a lock-out is keyed on, not the browser
# Password-reset mails: at most 3 an hour per address asked for, 10 per client address.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.accounts.ThrottledPasswordResetForm"  # noqa: S105

# Two-step login (home/twofactor.py): offered to every admin account; required for ward
# staff and superusers where TWO_FACTOR_REQUIRED is on (production's default).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "ibasho")

ROOT_URLCONF = "cms.urls"
# Japanese pages for 400/403/500 are the handlers in cms/urls.py; this one explains cookies.
CSRF_FAILURE_VIEW = "cms.errors.csrf_failure"
WSGI_APPLICATION = "cms.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Widget templates come from templates/ like every other template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


# Database: DATABASE_URL, or a SQLite file in the project folder.
# SQLite takes its write lock when a transaction starts (IMMEDIATE) and waits up to
# the busy timeout for it, so concurrent writers queue instead of failing with
# "database is locked" half-way through a transaction.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Periodic jobs (manage.py run_periodic): intervals in seconds by job name, and extra jobs
# as "name=module:function@seconds" (comma-separated).
PERIODIC_INTERVALS = {}
PERIODIC_EXTRA_JOBS = env_list("PERIODIC_EXTRA_JOBS")


# Cache: Redis when REDIS_URL is set (shared by several app servers, used for rate
# limits), otherwise a local memory cache that needs nothing else.
# The Redis backend fails open (cms/cache.py): with Redis down pages are served uncached,
# rate limits count nothing, and the failure is logged once a minute; short timeouts keep
# a server that stops answering from holding requests up.
def cache_settings(redis_url):
    if not redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "ibasho",
                # Feeds keep each event's text (a thousand events, a thousand entries):
                # the default of 300 entries would drop most of them.
                "OPTIONS": {"MAX_ENTRIES": 20000},
            }
        }
    return {
        "default": {
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": redis_url,
            # Several installations (or test runs) can share one Redis with their own prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ibasho"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = cache_settings(REDIS_URL)


# The client's address behind reverse proxies (events/clientaddr.py, docs/deployment.md):
# X-Forwarded-For is read only as far as these proxies reach; with neither set it is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")


# Background work: django-tasks with the database backend; run `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Language and time: Japanese first, with an English interface under /en/.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# One time zone for everyone (the admin's account page then offers no list of 400 zones).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]


STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
# Leaflet's JavaScript and CSS, served from our own static files: the django-leaflet package
# bundles them. Its Django app is not installed (it would pull in GeoDjango and GDAL).
_leaflet = importlib.util.find_spec("leaflet")
if _leaflet is not None and _leaflet.submodule_search_locations:
    STATICFILES_DIRS.append(
        ("leaflet", Path(_leaflet.submodule_search_locations[0]) / "static" / "leaflet")
    )
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded images are served by nginx (`location /media/`, docs/deployment.md). Where no web
# server sits in front, SERVE_MEDIA=true makes the app serve images (never documents).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# E-mail: SMTP from the environment; a neutral sender name (a family member may see
# the phone screen).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# For django.core.mail.backends.filebased.EmailBackend (docs/deploy/stack.sh reads the mail).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "予約受付 <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The database-outage page reads the desk's number from a copy (home/outage.py); this is
# the last resort when no copy has been written yet.
OUTAGE_CONTACT = {
    "name": os.environ.get("OUTAGE_DESK_NAME", ""),
    "phone": os.environ.get("OUTAGE_DESK_PHONE", ""),
    "hours": os.environ.get("OUTAGE_DESK_HOURS", ""),
}


# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "ひきこもり支援 居場所・イベント")
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# A CDN in front of the site is purged on publish when configured (docs/feeds.md,
# docs/deployment.md): Wagtail's WAGTAILFRONTENDCACHE as JSON in the environment, e.g.
# {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend", …}}.
if os.environ.get("WAGTAILFRONTENDCACHE"):
    WAGTAILFRONTENDCACHE = json.loads(os.environ["WAGTAILFRONTENDCACHE"])
WAGTAIL_PASSWORD_RESET_ENABLED = env_bool("WAGTAIL_PASSWORD_RESET_ENABLED", True)
# No Gravatar: it would send a hash of each editor's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nobody changes their own e-mail address in the admin: an address decides which partner's
# pages an account is given when the ward onboards an organisation. Ward administrators
# change addresses under 設定 → ユーザー.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILADMIN_USER_LOGIN_FORM = "home.admin_forms.LoginForm"
# Days an editor's invitation link (set a password) stays valid.
PARTNER_INVITATION_DAYS = int(os.environ.get("PARTNER_INVITATION_DAYS", "7"))


# Logging: requests are not logged with their bodies or query strings, so nothing a
# registrant typed reaches the logs.
# Booking tokens are cut out of every logged path (cms/logfilters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"booking_tokens": {"()": "cms.logfilters.RedactBookingTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["booking_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["booking_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["booking_tokens"],
        },
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["booking_tokens"],
        },
    },
}

# The ibasho map's tiles: OpenStreetMap by default, or GSI (地理院タイル). The list of places
# works without them (and without JavaScript).
MAP_TILES = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
    },
    "gsi": {
        "url": "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        "attribution": '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
    },
}
IBASHO_MAP_TILES = MAP_TILES.get(os.environ.get("IBASHO_MAP_TILES", "osm"), MAP_TILES["osm"])
IBASHO_MAP_CENTRE = (35.7289, 139.7166)  # Toshima ward

# Partner calendars (events/importers): what an import may fetch and compute.
# Addresses or networks that may be fetched although they are not public (e.g. a partner
# on the ward's own network); everything private, loopback or link-local is refused.
PARTNER_FEED_ALLOWED_ADDRESSES = env_list("PARTNER_FEED_ALLOWED_ADDRESSES")
PARTNER_FEED_MAX_BYTES = 5 * 1024 * 1024
PARTNER_FEED_CONNECT_TIMEOUT = 5  # seconds
PARTNER_FEED_READ_TIMEOUT = 15  # seconds between bytes
PARTNER_FEED_TOTAL_TIMEOUT = 60  # seconds for the whole download
PARTNER_FEED_PARSE_IN_SUBPROCESS = True  # parse in a child process with the limits below
PARTNER_FEED_PARSE_MEMORY_MB = 768
PARTNER_FEED_PARSE_SECONDS = 90

# Content-Security-Policy (django-csp 4; cms/csp.py). Public pages: scripts from our own
# origin only, never inline. Style attributes are allowed (category colour dots), style
# elements and sheets only from here. Map tiles come from the tile server configured above.
_tiles = urlsplit(IBASHO_MAP_TILES["url"])
_tile_origin = [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_tile_origin],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Wagtail's admin, as its editor actually needs it (found by loading the editor in Chromium
# and watching for violations, tests/browser/test_csp.py): Wagtail 8 still writes inline
# scripts for its widgets (wagtail/wagtail#1288), and inline styles; images from data: and
# blob: (uploads being previewed); the page preview in a same-origin frame. The sign-in,
# password-reset and two-step pages keep script-src 'self' (cms/csp.py).
WAGTAIL_ADMIN_PATH_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_tile_origin],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "worker-src": [SELF, "blob:"],
    }
}
# Features no page of ours uses are switched off for every page and embedded frame.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
    "interest-cohort": [],
}

SITE_DESCRIPTION = _("Events and safe places (ibasho) of the hikikomori support programme")
