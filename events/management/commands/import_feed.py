"""``manage.py import_feed <path-or-url> --organisation <slug>``: import one calendar file
or URL now, for staff and for tests. Prints a one-line summary; on failure prints a
one-line reason and exits non-zero.

A URL becomes (or updates) that organisation's partner calendar, enabled, so it is also
refreshed on schedule afterwards (pause it in the admin to stop that); a file is imported
into a calendar named after the file, replacing what the same file brought last time.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from home.models import OrganisationPage


class Command(BaseCommand):
    help = "Import one iCalendar file or URL into an organisation's partner events."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A path to an .ics file, or an http(s) URL.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--name", default="", help="The calendar's name (optional).")
        parser.add_argument("--category", default="", help="An event category's slug.")

    def handle(self, *args, source, organisation, name, category, **options):
        from events.importers.models import PartnerFeed, normalise_feed_url
        from events.importers.service import import_document, refresh_feed
        from events.models import EventCategory

        org = OrganisationPage.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(_("There is no organisation %(slug)s.") % {"slug": organisation})
        chosen = None
        if category:
            chosen = EventCategory.objects.filter(slug=category).first()
            if chosen is None:
                raise CommandError(_("There is no category %(slug)s.") % {"slug": category})
        url = normalise_feed_url(source)
        is_url = "://" in url
        if is_url:
            feed = self._feed_for_url(PartnerFeed, org, url, name)
        else:
            data = self._read(Path(source))
            default = _("File: %(name)s") % {"name": Path(source).name}
            feed = PartnerFeed.objects.filter(organisation=org, url="", name=name or default)
            feed = feed.first() or PartnerFeed(organisation=org, url="", name=name or default)
        created = feed.pk is None
        if created:
            feed.enabled = True
            feed.approved_at = timezone.now()
        if chosen is not None:
            feed.category = chosen
        feed.save()
        outcome = refresh_feed(feed, force=True) if is_url else import_document(feed, data)
        if not outcome.ok:
            if created:
                feed.delete()
            raise CommandError(outcome.summary())
        self.stdout.write(outcome.summary())

    def _feed_for_url(self, model, org, url, name):
        from django.core.exceptions import ValidationError

        from events.importers.models import validate_feed_url

        try:
            validate_feed_url(url)
        except ValidationError:
            raise CommandError(_("Only http:// and https:// addresses can be imported.")) from None
        feed = model.objects.filter(organisation=org, url=url).first()
        if feed is None:
            host = url.split("://", 1)[1].split("/", 1)[0]
            feed = model(organisation=org, url=url, name=name or host)
        elif name:
            feed.name = name
        return feed

    def _read(self, path):
        limit = settings.PARTNER_FEED_MAX_BYTES
        try:
            if path.stat().st_size > limit:
                raise CommandError(
                    _("The calendar is larger than %(size)d MB, so it was not imported.")
                    % {"size": limit // (1024 * 1024)}
                )
            return path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be read: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from None
