"""Background tasks for partner calendars (run by ``manage.py db_worker``)."""

from django_tasks import task

from .models import PartnerFeed
from .service import refresh_due_feeds, refresh_feed


@task()
def refresh_partner_feed(feed_id: int, force: bool = False):
    """Refresh one partner calendar now (e.g. right after the ward enables it)."""
    feed = PartnerFeed.objects.select_related("organisation").filter(pk=feed_id).first()
    if feed is None or not feed.url:
        return None
    return refresh_feed(feed, force=force).summary()


@task()
def refresh_due_partner_feeds():
    """Refresh the partner calendars whose interval has passed (enqueue every few
    minutes from the periodic runner)."""
    return [outcome.summary() for outcome in refresh_due_feeds()]


def enqueue_due_refresh():
    """The scheduler's job: hand the refresh to a worker, so that a slow partner server
    never holds up the scheduler's other jobs (mail, publishing). Two workers never
    refresh the same calendar at once (``service._claim``)."""
    return f"enqueued {refresh_due_partner_feeds.enqueue().id}"
