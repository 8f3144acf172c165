"""The deployment files of docs/deploy/ agree with the code they configure (fast checks;
docs/deploy/stack.sh runs them for real, behind nginx)."""

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
UNITS = DEPLOY / "systemd"
READS = re.compile(r'(?:environ\.get|environ\[|env_bool|env_list)\(?"([A-Z_]+)"')


def variables_read():
    found = {"DATABASE_URL"}  # read by dj_database_url.config()
    for path in ("cms/settings/base.py", "cms/settings/production.py"):
        found |= set(READS.findall((ROOT / path).read_text(encoding="utf-8")))
    found |= set(READS.findall((DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")))
    return found


def test_the_environment_example_lists_every_variable_read():
    example = (DEPLOY / "ibasho.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^(?:# )?([A-Z_]+)=", example, re.M))
    assert {"SECRET_KEY", "REDIS_URL", "WEB_CONCURRENCY"} <= variables_read()
    assert variables_read() - listed == set()


def test_the_environment_example_holds_no_secret():
    example = (DEPLOY / "ibasho.env.example").read_text(encoding="utf-8")
    assert re.search(r"^SECRET_KEY=change-me$", example, re.M)
    assert not re.search(r"^EMAIL_HOST_PASSWORD=.+$", example, re.M)


def unit(name):
    text = (UNITS / name).read_text(encoding="utf-8")
    return {
        key: value
        for key, _, value in (line.partition("=") for line in text.splitlines())
        if value and not key.startswith("#")
    }


@pytest.mark.parametrize(
    ("name", "command"),
    [
        (
            "ibasho-web.service",
            "/srv/ibasho/venv/bin/gunicorn --config "
            "/srv/ibasho/app/docs/deploy/gunicorn.conf.py cms.wsgi",
        ),
        ("ibasho-worker.service", "/srv/ibasho/venv/bin/python manage.py db_worker"),
        ("ibasho-scheduler.service", "/srv/ibasho/venv/bin/python manage.py run_periodic"),
    ],
)
def test_each_unit_runs_its_process_with_the_environment_file(name, command):
    found = unit(name)
    assert found["ExecStart"] == command
    assert found["EnvironmentFile"] == "/etc/ibasho/ibasho.env"
    assert found["WorkingDirectory"] == "/srv/ibasho/app"
    assert found["User"] == "ibasho"
    assert found["PartOf"] == "ibasho.target"
    assert name in unit("ibasho.target")["Wants"].split()


def test_the_worker_unit_runs_what_make_worker_runs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    worker = unit("ibasho-worker.service")["ExecStart"].split(" ", 1)[1]
    assert f"\t$(PY) {worker}\n" in makefile


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.5:8000")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 5
    assert config["bind"] == ["10.0.0.5:8000"]
    assert config["timeout"] == 45
    assert config["max_requests"] == 1000
    assert config["max_requests_jitter"] == 100
    assert "%(q)s" not in config["access_log_format"]  # no query strings in the log


def test_the_cdn_and_the_mail_file_path_come_from_the_environment(tmp_path):
    frontend_cache = {
        "cdn": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x" * 60,
        "WAGTAILFRONTENDCACHE": json.dumps(frontend_cache),
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.WAGTAILFRONTENDCACHE, settings.EMAIL_FILE_PATH]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [frontend_cache, str(tmp_path)]
