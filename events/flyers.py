"""An event's A4 flyer, as a page with a print stylesheet and as a PDF: title, the next
few dates and the rule in words, place, who it is for, the reassurance badges, the host
(with the ward's verification), the consultation desk and a QR code to the event's page.

Context helpers for ``EventPage``'s flyer routes (and the shared bits of the monthly
programme): the facts come from the page's own properties, so the flyer never says
something the page does not.
"""

import html
import re

from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

import segno

from home.models import ConsultationDesk, SiteIdentity

from . import pdf
from .choices import AttendanceMode
from .public_urls import absolute_page_url
from .schedule_text import format_range_ja

FLYER_DATES = 4


def qr_svg(url, title, scale=4):
    """The address as an inline SVG QR code (error correction M), named for screen
    readers."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=title)


def desk_of(request):
    desk = ConsultationDesk.for_request(request)
    return pdf.Desk(desk.name, desk.phone, desk.hours, desk.email, desk.anonymous_note)


def venue_text(page):
    if page.attendance_mode == AttendanceMode.ONLINE:
        return _("Online (the link is sent to people who have booked)")
    text = page.venue_name + (f"（{page.venue_address}）" if page.venue_address else "")
    if page.attendance_mode == AttendanceMode.HYBRID:
        text += "\n" + _("You can also join online (the link is sent to people who have booked)")
    return text


def booking_text(page):
    if not page.takes_bookings:
        return _("Not needed: just come along")
    return _("Please book in advance (from the page the QR code opens)")


def fee_text(page):
    yen = _("yen")
    text = _("Free") if page.is_free else f"{page.fee:,}{yen}"
    return text + (f"（{page.fee_note}）" if page.fee_note else "")


def what_happens_lines(page):
    """The flow of the day (rich text) as plain lines, one per list item or paragraph."""
    text = re.sub(r"</(li|p)>|<br\s*/?>", "\n", str(page.what_happens or ""))
    text = html.unescape(strip_tags(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def next_dates(page, limit=FLYER_DATES):
    """The next dates that take place, as text (a changed venue is said)."""
    texts = []
    for occurrence in page.upcoming_occurrences(limit=limit * 3):
        if occurrence.is_cancelled:
            continue
        text = format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)
        if occurrence.is_moved and occurrence.venue_name:
            text += "（" + _("Venue: %(venue)s") % {"venue": occurrence.venue_name} + "）"
        texts.append(text)
        if len(texts) == limit:
            break
    return texts


def flyer_for(request, page):
    """The flyer's facts (``events.pdf.Flyer``)."""
    host = page.host_organisation
    return pdf.Flyer(
        title=page.title,
        url=absolute_page_url(page),
        category=page.category.display_name if page.category_id else "",
        summary=page.summary,
        badges=[str(label) for label in page.reassurances],
        schedule=page.schedule_text,
        dates=next_dates(page),
        venue=venue_text(page),
        access=page.venue_access if page.has_venue else "",
        audience="、".join([page.audience_label, *[str(r) for r in page.audience_rules]]),
        booking=booking_text(page),
        fee=fee_text(page),
        host=host.title,
        host_verified=host.verified,
        co_hosts=[o.title for o in page.co_hosts.all()],
        contact=page.contact_text,
        what_happens=what_happens_lines(page),
        desk=desk_of(request),
        site_name=SiteIdentity.name_for_request(request),
    )


def flyer_context(request, page):
    flyer = flyer_for(request, page)
    return {
        "flyer": flyer,
        "qr_svg": qr_svg(flyer.url, _("QR code: %(url)s") % {"url": flyer.url}),
        "pdf_url": page.url + page.reverse_subpage("flyer_pdf"),
    }


def pdf_response(body, filename):
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def flyer_pdf_response(request, page):
    return pdf_response(pdf.flyer_pdf(flyer_for(request, page)), f"flyer-{page.slug}.pdf")
