"""The periodic jobs' shared state: one row per job, holding its lease, so that schedulers
on several machines never run the same job at the same time, and a job runs no more often
than its interval however many schedulers there are."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    name = models.CharField(_("job"), max_length=60, primary_key=True)
    last_started = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    # The scheduler that holds the job (host:pid) and until when; a lease that runs out
    # (its scheduler died) can be taken by another.
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
