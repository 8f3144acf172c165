"""/events/: the calendar of every live event, whoever hosts it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from home.models import OneLineTextMixin

from .. import calendar
from .. import programme as monthly_programme


class EventIndexPage(RoutablePageMixin, OneLineTextMixin, Page):
    """/events/: the calendar of every live event, whoever hosts it.

    Events live under their organisation (``/partners/<org>/<event>/``); this page
    aggregates their occurrences: the upcoming list, a month grid and filters, and the
    printable monthly programme (``programme/2026-12/``, also as a PDF).
    """

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("event index page")
        verbose_name_plural = _("event index pages")

    @path("")
    def upcoming(self, request):
        return self.render(request, context_overrides=calendar.upcoming_context(request, self))

    @path("month/<int:year>-<int:month>/", name="month")
    def month(self, request, year, month):
        return self.render(
            request,
            template="events/event_index_month.html",
            context_overrides=calendar.month_context(request, self, year, month),
        )

    @path("programme/<int:year>-<int:month>/", name="programme")
    def programme(self, request, year, month):
        """「今月の予定」 on A4, ready to print from the browser."""
        return self.render(
            request,
            template="events/programme.html",
            context_overrides=monthly_programme.programme_context(request, self, year, month),
        )

    @path("programme/<int:year>-<int:month>/pdf/", name="programme_pdf")
    def programme_pdf(self, request, year, month):
        return monthly_programme.programme_pdf_response(request, self, year, month)

    def programme_url(self, day, pdf=False):
        name = "programme_pdf" if pdf else "programme"
        return self.url + self.reverse_subpage(name, args=(day.year, day.month))

    def month_url(self, day, query=""):
        url = self.url + self.reverse_subpage("month", args=(day.year, day.month))
        return f"{url}?{query}" if query else url
