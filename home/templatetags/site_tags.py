from django import template
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

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
    """This page's address in ``language`` (Japanese at the root, English under /en/).

    Built from what the path resolved to, never from the path as sent: a request for
    ``//evil.example/`` must not give a link to another host. A path that resolves to
    nothing links to the home page in that language."""
    request = context.get("request")
    with translation.override(language):
        home = reverse("wagtail_serve", args=[""])
    if request is None:
        return home
    try:
        match = resolve(request.path_info)  # in the request's own language
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        with translation.override(language):
            url = reverse(name, args=match.args, kwargs=match.kwargs)
    except (Resolver404, NoReverseMatch):
        return home
    if not url.startswith("/") or url.startswith("//"):
        return home
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url
