"""Ibasho (居場所): places where a person can simply be."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class IbashoIndexPage(Page):
    """/ibasho/: the map and list of every live ibasho (filled by the ibasho issue)."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("ibasho index page")
        verbose_name_plural = _("ibasho index pages")
