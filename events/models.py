"""Events: the calendar of every live event on the site."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class EventIndexPage(Page):
    """/events/: the calendar of every live event, whoever hosts it.

    Events live under their organisation (``/partners/<org>/<event>/``); this page
    aggregates them. It is filled by the events issue.
    """

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("event index page")
        verbose_name_plural = _("event index pages")
