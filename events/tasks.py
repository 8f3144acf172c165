"""Background tasks of the events app (run by ``manage.py db_worker``)."""

from django_tasks import task

from .publishing import extend_horizon


@task()
def extend_occurrence_horizon():
    """Keep every live event materialised 18 months ahead. Enqueue daily (cron or the
    ``materialise_occurrences --enqueue`` command)."""
    return extend_horizon()
