"""The sandboxed parser's child process loads nothing of Django (``events.importers``'
package docstring): it must stay small and start fast under its memory limit."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_isolated_parser_imports_nothing_of_django():
    script = (
        "import sys, events.importers.isolated; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
