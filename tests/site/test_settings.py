"""Settings come from the environment (12-factor). Each case imports the settings in a
fresh interpreter, so nothing leaks between cases or into the test run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "options": {k: v for k, v in db.get("OPTIONS", {}).items()},
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "hosts": settings.ALLOWED_HOSTS, "base_url": settings.BASE_URL,
    "admin_base_url": settings.WAGTAILADMIN_BASE_URL,
    "email_host": settings.EMAIL_HOST, "email_port": settings.EMAIL_PORT,
    "from": settings.DEFAULT_FROM_EMAIL, "tasks": settings.TASKS["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE, "debug": settings.DEBUG,
}))
"""
CLEAN = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "BASE_URL",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    and not k.startswith("EMAIL_")
}


def load(module, **env):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_service():
    s = load("cms.settings.dev")
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(PROJECT / "db.sqlite3")
    assert s["cache"].endswith("LocMemCache")
    assert s["tasks"] == "django_tasks_db.DatabaseBackend"
    assert (s["language"], s["tz"]) == ("ja", "Asia/Tokyo")


def test_sqlite_writers_wait_instead_of_failing():
    options = load("cms.settings.dev")["options"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_database_and_redis_from_the_environment():
    s = load(
        "cms.settings.dev",
        DATABASE_URL="postgres://postgres@db.internal:5432/ibasho",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["host"], s["name"]) == ("db.internal", "ibasho")
    assert "transaction_mode" not in s["options"]
    assert s["cache"] == "cms.cache.FailOpenRedisCache"  # a RedisCache that fails open
    assert s["cache_location"] == "redis://cache.internal:6379/1"


def test_hosts_base_url_and_mail_from_the_environment():
    s = load(
        "cms.settings.dev",
        ALLOWED_HOSTS="ibasho.example.jp, www.ibasho.example.jp",
        BASE_URL="https://ibasho.example.jp/",
        EMAIL_HOST="smtp.example.jp",
        EMAIL_PORT="587",
        DEFAULT_FROM_EMAIL="予約受付 <noreply@example.jp>",
    )
    assert s["hosts"] == ["ibasho.example.jp", "www.ibasho.example.jp"]
    assert s["base_url"] == s["admin_base_url"] == "https://ibasho.example.jp"
    assert (s["email_host"], s["email_port"]) == ("smtp.example.jp", 587)
    assert s["from"] == "予約受付 <noreply@example.jp>"


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load("cms.settings.production")


def test_production_passes_the_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={
            **CLEAN,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-only-0123456789",
            "ALLOWED_HOSTS": "ibasho.example.jp",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
