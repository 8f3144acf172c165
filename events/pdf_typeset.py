"""A4 PDFs for notice boards and the ward's special issue: an event's flyer and the
monthly programme (「今月の予定」).

Typeset with reportlab's built-in Japanese CID font (HeiseiKakuGo-W5): no font files to
ship, the PDF reader supplies the glyphs, and the text stays extractable (searchable,
readable aloud). The builders take plain data (``Flyer``, ``Programme``), so they know
nothing of pages or requests; ``events.flyers`` and ``events.programme`` shape the data
(``events.pdf``), and ``events.pdf`` imports this module only when a PDF is made.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "HeiseiKakuGo-W5"
TEAL = colors.HexColor("#00676b")
PALE = colors.HexColor("#e6f2f2")
MARGIN = 14 * mm


def register_font():
    """reportlab's built-in Japanese Gothic (the PDF reader supplies the glyphs)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def styles():
    register_font()
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "category": ParagraphStyle("category", fontSize=11, leading=15, textColor=TEAL, **base),
        "title": ParagraphStyle("title", fontSize=28, leading=36, spaceAfter=3 * mm, **base),
        "heading": ParagraphStyle("heading", fontSize=17, leading=23, **base),
        "lead": ParagraphStyle("lead", fontSize=13, leading=20, spaceAfter=3 * mm, **base),
        "label": ParagraphStyle("label", fontSize=10.5, leading=15, textColor=TEAL, **base),
        "text": ParagraphStyle("text", fontSize=11.5, leading=17, **base),
        "fact": ParagraphStyle("fact", fontSize=12, leading=18, **base),
        "small": ParagraphStyle("small", fontSize=8.5, leading=12, **base),
        "badge": ParagraphStyle("badge", fontSize=11, leading=14, alignment=1, **base),
        "entry": ParagraphStyle("entry", fontSize=11.5, leading=16, **base),
        "desk": ParagraphStyle("desk", fontSize=11, leading=16, **base),
        "caption": ParagraphStyle("caption", fontSize=9, leading=12, alignment=1, **base),
    }


def paragraph(text, style):
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def qr_drawing(url, size):
    """The page's address as a QR code, error correction M, ``size`` square."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _document(buffer, title):
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="",
        creator="ibasho",
    )


def _desk_box(desk, s, heading):
    lines = [paragraph(heading, s["label"])]
    if desk.name:
        lines.append(paragraph(desk.name, s["desk"]))
    phone = desk.phone and _("Phone %(number)s") % {"number": desk.phone}
    contact = "　".join(part for part in (phone, desk.hours) if part)
    if contact:
        lines.append(paragraph(contact, s["desk"]))
    if desk.email:
        lines.append(paragraph(desk.email, s["text"]))
    if desk.note:
        lines.append(paragraph(desk.note, s["text"]))
    box = Table([[lines]], colWidths=[A4[0] - 2 * MARGIN])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, TEAL),
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    return box


def _badges(labels, s):
    if not labels:
        return Spacer(1, 1)
    width = (A4[0] - 2 * MARGIN) / 4
    cells = [paragraph(label, s["badge"]) for label in labels]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    rows[-1] += [""] * (4 - len(rows[-1]))
    table = Table(rows, colWidths=[width] * 4)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
    ]
    for index in range(len(cells)):
        cell = (index % 4, index // 4)
        commands += [("BACKGROUND", cell, cell, PALE), ("BOX", cell, cell, 2, colors.white)]
    table.setStyle(TableStyle(commands))
    return table


def flyer_pdf(flyer):
    """One A4 page: title, dates, place, who it is for, reassurance, host, the desk and a
    QR code to the event's page. Returns the PDF's bytes."""
    s = styles()
    story = []
    if flyer.category:
        story.append(paragraph(flyer.category, s["category"]))
    story += [paragraph(flyer.title, s["title"])]
    if flyer.summary:
        story.append(paragraph(flyer.summary, s["lead"]))
    story += [_badges(flyer.badges, s), Spacer(1, 4 * mm)]

    when = [paragraph(flyer.schedule, s["fact"])] if flyer.schedule else []
    if flyer.dates:
        when.append(paragraph(_("Next dates:") + "\n" + "\n".join(flyer.dates), s["fact"]))
    verified = _("Verified by the ward")
    host = flyer.host + (f"（{verified}）" if flyer.host_verified else "")
    if flyer.co_hosts:
        host += "\n" + _("With %(organisations)s") % {"organisations": "、".join(flyer.co_hosts)}
    where = flyer.venue + (f"\n{flyer.access}" if flyer.access else "")
    facts = [
        (_("When"), when),
        (_("Where"), where),
        (_("Who it is for"), flyer.audience),
        (_("Booking"), flyer.booking),
        (_("Fee"), flyer.fee),
        (_("Hosted by"), host),
        (_("Contact"), flyer.contact),
    ]
    rows = [
        [
            paragraph(label, s["label"]),
            value if isinstance(value, list) else paragraph(value, s["text"]),
        ]
        for label, value in facts
        if value
    ]
    facts_table = Table(rows, colWidths=[22 * mm, 110 * mm])
    facts_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 1.8 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2 * mm),
            ]
        )
    )
    qr = [
        qr_drawing(flyer.url, 38 * mm),
        paragraph(_("Details here"), s["caption"]),
        paragraph(flyer.url, s["small"]),
    ]
    layout = Table([[facts_table, qr]], colWidths=[134 * mm, A4[0] - 2 * MARGIN - 134 * mm])
    layout.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
            ]
        )
    )
    story += [layout, Spacer(1, 5 * mm)]
    if flyer.what_happens:
        story.append(paragraph(_("What will happen"), s["label"]))
        story += [paragraph(f"・{line}", s["text"]) for line in flyer.what_happens]
        story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether(_desk_box(flyer.desk, s, _("You need not worry alone: talk to us"))))
    if flyer.site_name:
        story += [Spacer(1, 3 * mm), paragraph(flyer.site_name, s["small"])]
    buffer = BytesIO()
    _document(buffer, flyer.title).build(story)
    return buffer.getvalue()


def programme_pdf(programme):
    """「今月の予定」: every event of a month with its dates, place, who it is for, host
    and a QR code; as many A4 pages as it needs. Returns the PDF's bytes."""
    s = styles()
    story = [paragraph(programme.title, s["title"])]
    if programme.subtitle:
        story.append(paragraph(programme.subtitle, s["lead"]))
    if programme.intro:
        story.append(paragraph(programme.intro, s["text"]))
    story.append(Spacer(1, 3 * mm))
    rows = []
    for entry in programme.entries:
        text = [paragraph(entry.dates, s["label"]), paragraph(entry.title, s["entry"])]
        parts = [
            entry.venue and _("Venue: %(venue)s") % {"venue": entry.venue},
            entry.audience and _("For: %(audience)s") % {"audience": entry.audience},
            entry.booking,
        ]
        details = "　".join(part for part in parts if part)
        if details:
            text.append(paragraph(details, s["text"]))
        if entry.host:
            text.append(
                paragraph(
                    _("Hosted by: %(organisation)s") % {"organisation": entry.host}, s["small"]
                )
            )
        rows.append([text, qr_drawing(entry.url, 22 * mm)])
    if rows:
        table = Table(rows, colWidths=[A4[0] - 2 * MARGIN - 26 * mm, 26 * mm], repeatRows=0)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ]
            )
        )
        story.append(table)
    else:
        story.append(paragraph(_("There are no events this month."), s["lead"]))
    story += [
        Spacer(1, 5 * mm),
        KeepTogether(_desk_box(programme.desk, s, _("Consultation desk"))),
    ]
    footer = "　".join(p for p in (programme.site_name, programme.site_url) if p)
    if footer:
        story += [Spacer(1, 3 * mm), paragraph(footer, s["small"])]
    buffer = BytesIO()
    _document(buffer, programme.title).build(story)
    return buffer.getvalue()
