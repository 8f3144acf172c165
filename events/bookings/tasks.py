"""Background tasks of bookings (run by ``manage.py db_worker``)."""

from django_tasks import task

from .retention import purge_personal_data


@task()
def purge_personal_data_task():
    """Erase personal data that is past the retention period. Enqueue daily (cron or
    ``manage.py purge_personal_data --enqueue``): the promise to participants is kept by
    the schedule, not by someone remembering to press a button. Returns only counts."""
    return purge_personal_data()


@task()
def draw_due_lotteries_task():
    """Draw the lotteries whose registration has closed."""
    from .lottery import draw_due_lotteries

    return draw_due_lotteries()
