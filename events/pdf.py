"""The facts a printed flyer or monthly programme shows, as plain data (``Flyer``,
``Programme``): ``events.flyers`` and ``events.programme`` fill them in, and the PDF
builders in ``events.pdf_typeset`` typeset them. reportlab is imported only when a PDF is
made, not by every process that loads the page models.
"""

from dataclasses import dataclass, field


@dataclass
class Desk:
    name: str = ""
    phone: str = ""
    hours: str = ""
    email: str = ""
    note: str = ""


@dataclass
class Flyer:
    title: str
    url: str
    category: str = ""
    summary: str = ""
    badges: list = field(default_factory=list)
    schedule: str = ""  # the rule in words
    dates: list = field(default_factory=list)  # the next few dates, as text
    venue: str = ""
    access: str = ""
    audience: str = ""
    booking: str = ""
    fee: str = ""
    host: str = ""
    host_verified: bool = False
    co_hosts: list = field(default_factory=list)
    contact: str = ""
    what_happens: list = field(default_factory=list)  # the flow of the day, line by line
    desk: Desk = field(default_factory=Desk)
    site_name: str = ""


@dataclass
class ProgrammeEntry:
    title: str
    url: str
    dates: str
    venue: str = ""
    audience: str = ""
    booking: str = ""
    host: str = ""
    category: str = ""


@dataclass
class Programme:
    title: str
    subtitle: str = ""
    intro: str = ""
    entries: list = field(default_factory=list)
    desk: Desk = field(default_factory=Desk)
    site_name: str = ""
    site_url: str = ""


def flyer_pdf(flyer):
    """The flyer as A4 PDF bytes."""
    from . import pdf_typeset

    return pdf_typeset.flyer_pdf(flyer)


def programme_pdf(programme):
    """The monthly programme as A4 PDF bytes."""
    from . import pdf_typeset

    return pdf_typeset.programme_pdf(programme)
