"""Real app servers for the scale-out tests: gunicorn with production settings (the
environment of docs/deploy/smoke.sh) against the test database and a shared Redis, and a
small HTTP client that talks to them through a pretend TLS proxy."""

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The test database as a URL another process can open."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{db.get('HOST') or ''}{port}/{db['NAME']}"


def server_environment(redis_url, prefix, workdir):
    """What docs/deploy/smoke.sh exports for gunicorn, against the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale.production_like",
        "SECRET_KEY": "scale-" + secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "TRUSTED_PROXY_COUNT": "1",
        "TWO_FACTOR_REQUIRED": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "BASE_URL": "https://127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT),
    }


class AppServer:
    """One gunicorn instance as docs/deployment.md runs it."""

    def __init__(self, name, env, workdir):
        self.name, self.port = name, free_port()
        self.error_log = workdir / f"{name}-error.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--max-requests",
                "1000",
                "--max-requests-jitter",
                "100",
                "--error-logfile",
                str(self.error_log),
            ],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped: {self.log_tail()}")
            try:
                Client(self).get("/health/?checks=database")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start: {self.log_tail()}")

    def log_tail(self):
        return self.error_log.read_text(errors="replace")[-3000:] if self.error_log.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def _load_proxyclient():
    """docs/deploy/proxyclient.py, the HTTP client the smoke and stack checks use."""
    spec = importlib.util.spec_from_file_location(
        "ibasho_proxyclient", PROJECT / "docs" / "deploy" / "proxyclient.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


proxyclient = _load_proxyclient()


class Client(proxyclient.Browser):
    """A visitor behind the pretend TLS proxy (``X-Forwarded-Proto: https``,
    ``X-Forwarded-For``), straight to one of the servers."""

    def __init__(self, server, address="198.51.100.23"):
        super().__init__(f"http://127.0.0.1:{server.port}", forwarded_for=address)
        self.server, self.address = server, address

    def csrf_token(self, path):
        token = super().csrf_token(path)
        assert token, f"no CSRF token on {path}"
        return token

    def book(self, date_path, nickname="匿名"):
        """Register one person for the date at ``date_path``; the POST's response."""
        token = self.csrf_token(date_path)
        return self.post(
            date_path + "book/",
            {"csrfmiddlewaretoken": token, "nickname": nickname, "party_size": "1"},
        )
