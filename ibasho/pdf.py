"""The printable ibasho map list as a PDF (A4), for the ward's special issue and leaflets.

reportlab's built-in Japanese CID font means no font files to ship; PDF readers supply the
glyphs (the font and the QR codes are the events app's, ``events.pdf_typeset``). Each place gets
its opening times, address, organisation and a QR code to its page.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from events.pdf_typeset import FONT, qr_drawing, register_font

QR_SIZE = 26 * mm


def _styles():
    register_font()
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=18, leading=24, spaceAfter=4 * mm, **base),
        "intro": ParagraphStyle("intro", fontSize=9.5, leading=14, spaceAfter=4 * mm, **base),
        "area": ParagraphStyle("area", fontSize=13, leading=18, spaceBefore=4 * mm, **base),
        "name": ParagraphStyle("name", fontSize=11.5, leading=16, **base),
        "text": ParagraphStyle("text", fontSize=9, leading=13, **base),
    }


def ibasho_pdf(groups, title, intro, footer):
    """``groups`` is ``[(area, [(place, url), …]), …]``; returns the PDF's bytes."""
    styles = _styles()
    story = [Paragraph(escape(title), styles["title"]), Paragraph(escape(intro), styles["intro"])]
    for area, places in groups:
        story.append(Paragraph(escape(area), styles["area"]))
        rows = []
        for place, url in places:
            host = place.host.title if place.host else ""
            where = place.venue_address
            if place.nearest_station:
                where += f"（{place.nearest_station}）"
            text = [
                Paragraph(escape(place.title), styles["name"]),
                Paragraph(escape(place.schedule_text), styles["text"]),
                Paragraph(escape(where or "オンライン"), styles["text"]),
            ]
            if place.contact_text:
                ask = "詳しい場所のお問い合わせ" if place.address_on_request else "問い合わせ"
                text.append(Paragraph(escape(f"{ask}：{place.contact_text}"), styles["text"]))
            text += [
                Paragraph(escape(f"運営：{host}"), styles["text"]),
                Paragraph(escape(url), styles["text"]),
            ]
            rows.append([text, qr_drawing(url, QR_SIZE)])
        table = Table(rows, colWidths=[150 * mm, 30 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                ]
            )
        )
        story.append(table)
    story += [Spacer(1, 6 * mm), Paragraph(escape(footer), styles["text"])]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    document.build(story)
    return buffer.getvalue()
