"""Periodic work in one place: each job at its own interval, run by ``manage.py
run_periodic`` (the scheduler process; see docs/deployment.md).

Several schedulers may run at once (one per machine): a job is started only by the one
that takes its lease in a single ``UPDATE … WHERE`` (atomic on PostgreSQL and SQLite),
and only when its interval has passed since it last started. A scheduler that dies
mid-job loses the lease when it runs out, and another takes over.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import PeriodicJob

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # "module:function", imported when the job runs
    every: int  # seconds between starts
    lease: int  # seconds a run may take before another scheduler may start it again

    def function(self):
        module, _, attribute = self.path.partition(":")
        return getattr(import_module(module), attribute)


def _publish_scheduled():
    """Wagtail's scheduled publishing (go-live and expiry times set in the editor)."""
    call_command("publish_scheduled", verbosity=0)
    return "ok"


JOBS = [
    Job("publish_scheduled", "cms.periodic:_publish_scheduled", MINUTE, 10 * MINUTE),
    Job("send_due_mail", "events.bookings.mail:send_due_mail", MINUTE, 15 * MINUTE),
    Job(
        "draw_due_lotteries", "events.bookings.lottery:draw_due_lotteries", 5 * MINUTE, 15 * MINUTE
    ),
    Job(
        "refresh_partner_feeds",
        "events.importers.tasks:enqueue_due_refresh",
        5 * MINUTE,
        5 * MINUTE,
    ),
    Job("purge_personal_data", "events.bookings.retention:purge_personal_data", HOUR, HOUR),
    Job("extend_horizon", "events.publishing:extend_horizon", 24 * HOUR, 2 * HOUR),
]


def jobs():
    """The jobs, with intervals from ``PERIODIC_INTERVALS`` ({name: seconds}) and extra
    jobs from ``PERIODIC_EXTRA_JOBS`` ("name=module:function@seconds")."""
    intervals = getattr(settings, "PERIODIC_INTERVALS", {})
    found = [
        Job(job.name, job.path, int(intervals.get(job.name, job.every)), job.lease) for job in JOBS
    ]
    for spec in getattr(settings, "PERIODIC_EXTRA_JOBS", []):
        name, _, rest = spec.partition("=")
        path, _, every = rest.partition("@")
        every = int(every or HOUR)
        found.append(Job(name, path, every, max(every, 10 * MINUTE)))
    return found


def owner_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def acquire(job, owner, now=None):
    """Take ``job``'s lease if it is due and nobody holds it. True when taken."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            PeriodicJob.objects.get_or_create(name=job.name)
    except IntegrityError:
        pass  # another scheduler created the row at the same moment
    due = Q(last_started__isnull=True) | Q(
        last_started__lte=now - datetime.timedelta(seconds=job.every)
    )
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = PeriodicJob.objects.filter(due & free, name=job.name).update(
        lease_owner=owner,
        lease_until=now + datetime.timedelta(seconds=job.lease),
        last_started=now,
    )
    return taken == 1


def release(job, owner, result="", error=""):
    PeriodicJob.objects.filter(name=job.name, lease_owner=owner).update(
        lease_owner="",
        lease_until=None,
        last_finished=timezone.now(),
        last_result=str(result)[:200],
        last_error=error[:200],
        runs=F("runs") + 1,
    )


def run_due_jobs(owner=None, only=None):
    """Run every job that is due and free, one after the other. Returns
    ``{name: result}`` of the jobs this scheduler ran."""
    owner = owner or owner_name()
    ran = {}
    for job in jobs():
        if only and job.name not in only:
            continue
        if not acquire(job, owner):
            continue
        try:
            result = job.function()()
        except Exception as exc:  # one failing job must not stop the others
            logger.exception("periodic job %s failed", job.name)
            release(job, owner, error=type(exc).__name__)
            ran[job.name] = f"error: {type(exc).__name__}"
        else:
            release(job, owner, result=_summary(result))
            ran[job.name] = _summary(result)
    return ran


def _summary(result):
    """Counts only: results end up in logs and the admin, where no personal data goes."""
    if isinstance(result, list):
        return f"{len(result)}"
    return str(result)[:200]
