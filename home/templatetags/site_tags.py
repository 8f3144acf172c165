from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from wagtail.models import Site

from home import desk_hours
from home.models import ConsultationDesk, OutOfHoursHelp, SiteIdentity

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The home page's live public children for the main navigation, as
    ``[(page, aria_current)]`` where aria_current is "page", "true" or "".

    A page may name the section it belongs to by its model (``nav_section``, e.g. an
    event under /partners/ belongs to the events section), and so may a view without a
    page; otherwise the section is the one the page sits under."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    current = context.get("page")
    wanted = (context.get("nav_section") or getattr(current, "nav_section", "")).lower()
    sections = []
    for section in site.root_page.get_children().live().public().in_menu():
        state = ""
        if wanted:
            content_type = ContentType.objects.get_for_id(section.content_type_id)
            if f"{content_type.app_label}.{content_type.model}" == wanted:
                state = "true"
        elif current is not None and getattr(current, "path", "").startswith(section.path):
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


@register.simple_tag(takes_context=True)
def public_site_name(context):
    """The site's public name (a site setting; neutral if the ward chooses so)."""
    return SiteIdentity.name_for_request(context.get("request"))


@register.simple_tag(takes_context=True)
def desk_status(context):
    """Whether the desk is open now, when it opens next, and the help lines to show
    while it is closed (also when its hours are not set: better shown than missed).
    Worked out once per request (the home page and the footer both show it)."""
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_desk_status"):
        request._desk_status = _desk_status(request)
    return request._desk_status


def _desk_status(request):
    if Site.find_for_request(request) is None:
        return {}
    desk = ConsultationDesk.for_request(request)  # cached for the request, like {{ settings }}
    now = timezone.now()
    is_open = desk_hours.is_open(desk, now)
    upcoming = desk_hours.next_opening(desk, now) if is_open is False else None
    help_lines = OutOfHoursHelp.for_request(request) if not is_open else None
    return {
        "is_open": is_open,
        "closes_at": f"{desk.closes_at.hour}:{desk.closes_at.minute:02d}" if is_open else "",
        "next_opening": desk_hours.moment_ja(upcoming, now) if upcoming else "",
        "help": help_lines if help_lines and help_lines.lines else None,
    }


def _not_japanese():
    return (translation.get_language() or "ja").split("-")[0] != "ja"


@register.simple_tag
def lang_ja():
    """` lang="ja"` on an element holding Japanese content (titles, places, dates) when
    the interface is not Japanese (/en/), so screen readers read it as Japanese."""
    return mark_safe(' lang="ja"') if _not_japanese() else ""


@register.filter
def ja(value):
    """Japanese content inside an English sentence: wrapped in ``<span lang="ja">``
    under /en/, unchanged (escaped) in Japanese."""
    if value in (None, ""):
        return ""
    if _not_japanese():
        return format_html('<span lang="ja">{}</span>', value)
    return value
