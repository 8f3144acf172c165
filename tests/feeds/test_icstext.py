"""The feeds write VEVENTs directly (events/feeds/icstext.py) in icalendar's own forms: each
writer must give exactly the bytes icalendar gives for the same value. No database."""

import datetime

import icalendar
import pytest

from events.feeds import icstext
from events.schedules import TOKYO
from home.text import single_line

TRICKY = [
    "",
    "ひきこもり支援の講演会",
    "semi;colon, comma\\backslash",
    "line\nbreak, crlf\r\nand lone\rreturn",
    r"a literal \N and \n",
    'caret ^ and quote " and colon : here',
    "絵文字 🙂 と 𠮷野家 (four-byte characters)",
    "x" * 73 + "\\" + "y" * 10,  # a backslash where a line would be cut
    "x" * 72 + "\\" + "y" * 10,
    "x" * 73 + "^" + "y" * 10,
    "a" * 300,
    "あ" * 120,
    "a" + "あ" * 30 + "🙂" * 10 + "\\;" * 20,
]


def icalendar_lines(name, value, **kwargs):
    """The content lines icalendar writes for one property (folded, CRLF-terminated)."""
    component = icalendar.Event()
    component.add(name, value, **kwargs)
    return component.to_ical().removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("name", ["SUMMARY", "DESCRIPTION", "LOCATION"])
def test_text_is_escaped_and_folded_as_icalendar_does(name, value):
    ours = icstext.fold(f"{name}:{icstext.escape(value)}") + b"\r\n"
    assert ours == icalendar_lines(name, value)


@pytest.mark.parametrize("length", range(60, 160))
def test_every_line_length_folds_as_icalendar_does(length):
    for filler in ("a", "é", "あ", "🙂"):
        value = ("ab" + filler * length)[:length]
        assert icstext.fold(f"DESCRIPTION:{value}") + b"\r\n" == icalendar_lines(
            "DESCRIPTION", value
        )


def test_folded_lines_are_at_most_75_octets_and_whole_characters():
    folded = icstext.fold("DESCRIPTION:" + "あいう🙂" * 80)
    for line in folded.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # never a character cut in two


@pytest.mark.parametrize("title", TRICKY[1:7] + ["豊島区 ひきこもり相談窓口", "A;B", 'quote"d'])
def test_organizer_common_name_as_icalendar_writes_it(title):
    """A name is one line (``home.text.single_line``), then written as icalendar writes it."""
    address = "mailto:desk@example.jp"
    ours = icstext.fold(f"ORGANIZER{icstext.cn_parameter(title)}:{address}") + b"\r\n"
    expected = icalendar_lines("ORGANIZER", address, parameters={"CN": single_line(title)})
    assert ours == expected


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 12, 5, 14, 0, tzinfo=TOKYO),
        datetime.datetime(2027, 1, 1, 0, 0, 5, tzinfo=TOKYO),
        datetime.datetime(2026, 12, 31, 23, 59, 59, 999, tzinfo=TOKYO),
    ],
)
def test_times_and_dates_as_icalendar_writes_them(moment):
    tokyo = f"DTSTART{icstext.TOKYO_PARAMS}:{icstext.local_value(moment)}\r\n".encode()
    assert tokyo == icalendar_lines("DTSTART", moment)
    utc = f"DTSTAMP:{icstext.utc_value(moment)}\r\n".encode()
    assert utc == icalendar_lines("DTSTAMP", moment.astimezone(datetime.UTC))
    day = f"DTSTART{icstext.DATE_PARAMS}:{icstext.date_value(moment.date())}\r\n".encode()
    assert day == icalendar_lines("DTSTART", moment.date())
