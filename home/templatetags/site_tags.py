from django import template
from django.urls import translate_url

from wagtail.models import Site

from home.models import ConsultationDesk

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The home page's live public children for the main navigation, as
    ``[(page, aria_current)]`` where aria_current is "page", "true" or ""."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    current = context.get("page")
    sections = []
    for section in site.root_page.get_children().live().public().in_menu():
        state = ""
        if current is not None and getattr(current, "path", "").startswith(section.path):
            state = "page" if current.pk == section.pk else "true"
        sections.append((section, state))
    return sections


@register.simple_tag(takes_context=True)
def contact_url(context):
    """Where "Contact the desk" goes: the desk's contact page, else the footer."""
    request = context.get("request")
    if request is not None:
        desk = ConsultationDesk.for_request(request)
        if desk.contact_page_id and desk.contact_page.live:
            return desk.contact_page.get_url(request=request)
    return "#consultation-desk"


@register.simple_tag(takes_context=True)
def other_language_url(context, language):
    """This page's address in ``language`` (Japanese at the root, English under /en/)."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    return translate_url(path, language)
