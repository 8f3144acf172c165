"""What every process pays at start-up: loading the settings, the models and the URLs
must not import the PDF library (only the PDF routes need it)."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, django
django.setup()
import cms.urls, events.models, ibasho.models
from django.urls import get_resolver
get_resolver().url_patterns
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "reportlab")))
"""


def test_start_up_does_not_load_the_pdf_library():
    done = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={"DJANGO_SETTINGS_MODULE": "cms.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", done.stdout
