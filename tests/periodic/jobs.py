"""Jobs that only the scheduler tests run (named through PERIODIC_EXTRA_JOBS)."""

import os
import time
from pathlib import Path


def slow_job():
    """Takes a while, and leaves one line per run in $PERIODIC_TEST_LOG."""
    with Path(os.environ["PERIODIC_TEST_LOG"]).open("a") as log:
        log.write(f"{os.getpid()} start\n")
    time.sleep(float(os.environ.get("PERIODIC_TEST_SLEEP", "3")))
    return "slept"


def failing_job():
    raise RuntimeError("the partner's server is down")
