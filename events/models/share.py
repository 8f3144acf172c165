"""「カレンダーを共有する」: which calendar feeds exist and how to subscribe to them in each
calendar app. The addresses are built when the page is shown, from the address it was
asked for (never stored), so they follow the site wherever it is served."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import OrganisationPage

from .records import EventCategory


class CalendarSharePage(Page):
    """The feeds (every event, each category, each organisation) with their addresses,
    copy buttons and webcal:// links, and how each calendar app subscribes and refreshes.
    Editors write the introduction and what follows (e.g. a word to partner
    municipalities); the lists and instructions come from the template."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("after the calendars"),
        help_text=_("Shown below the calendars and the instructions."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("calendar sharing page")
        verbose_name_plural = _("calendar sharing pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = EventCategory.objects.all()
        context["organisations"] = (
            OrganisationPage.objects.live().public().order_by("title").only("title", "slug")
        )
        return context
