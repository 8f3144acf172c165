"""Periodic work in one place: every job at its own interval, a failing job does not stop
the others, and several schedulers at once never run the same job together."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.utils import timezone

import pytest

from cms.models import PeriodicJob
from cms.periodic import JOBS, acquire, jobs, run_due_jobs

PROJECT = Path(__file__).resolve().parents[2]
NAMES = {job.name for job in JOBS}

pytestmark = pytest.mark.django_db


def test_every_job_runs_once_then_waits_for_its_interval(site_tree):
    first = run_due_jobs(owner="a")
    assert set(first) == NAMES
    assert run_due_jobs(owner="b") == {}  # nothing is due again yet
    assert set(PeriodicJob.objects.values_list("runs", flat=True)) == {1}
    # An hour later the hourly and more frequent jobs are due again, the daily one not.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1, seconds=1)
    PeriodicJob.objects.update(last_started=an_hour_ago)
    again = run_due_jobs(owner="b")
    assert "extend_horizon" not in again and "send_due_mail" in again
    assert "purge_personal_data" in again


def test_a_failing_job_is_recorded_and_the_others_still_run(site_tree, settings):
    settings.PERIODIC_EXTRA_JOBS = ["broken_feed=tests.periodic.jobs:failing_job@60"]
    ran = run_due_jobs(owner="a")
    assert ran["broken_feed"] == "error: RuntimeError"
    assert set(ran) == NAMES | {"broken_feed"}
    row = PeriodicJob.objects.get(name="broken_feed")
    assert row.last_error == "RuntimeError" and row.lease_owner == "" and row.runs == 1


def test_a_held_lease_is_respected_until_it_runs_out(site_tree):
    (job,) = [j for j in jobs() if j.name == "send_due_mail"]
    now = timezone.now()
    assert acquire(job, "machine-a", now)
    PeriodicJob.objects.filter(name=job.name).update(last_started=now - datetime.timedelta(hours=1))
    assert not acquire(job, "machine-b", now)  # due, but machine-a still holds it
    later = now + datetime.timedelta(seconds=job.lease + 1)
    assert acquire(job, "machine-b", later)  # machine-a died: its lease ran out
    assert PeriodicJob.objects.get(name=job.name).lease_owner == "machine-b"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_each_job_once(site_tree, tmp_path):
    """Two real scheduler processes start together against the same database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log = tmp_path / "runs.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": url,
        "PERIODIC_EXTRA_JOBS": "slow=tests.periodic.jobs:slow_job@3600",
        "PERIODIC_TEST_LOG": str(log),
        "PERIODIC_TEST_SLEEP": "3",
    }
    command = [sys.executable, "manage.py", "run_periodic", "--once"]
    schedulers = [
        subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = []
    deadline = time.monotonic() + 120
    for scheduler in schedulers:
        out, _ = scheduler.communicate(timeout=max(1, deadline - time.monotonic()))
        assert scheduler.returncode == 0, out
        outputs.append(out)
    assert len(log.read_text().splitlines()) == 1  # the slow job ran in one process only
    runs = dict(PeriodicJob.objects.values_list("name", "runs"))
    assert runs == dict.fromkeys(NAMES | {"slow"}, 1)
    # Between them the two printed every job exactly once.
    printed = [line.split(" ", 2)[2].split(":")[0] for out in outputs for line in out.splitlines()]
    assert sorted(printed) == sorted(NAMES | {"slow"})
