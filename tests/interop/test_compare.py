"""The comparison that decides whether a client agrees with the site must itself catch each
kind of disagreement."""

import pytest

from .compare import Expected, problems, summarise
from .runners import Reading, Shown

pytestmark = pytest.mark.interop

WEEKLY = [
    Expected("2026-12-05T14:00", "2026-12-05T16:00", False, "家族交流会"),
    Expected("2026-12-12T14:00", "2026-12-12T16:00", False, "家族交流会", cancelled=True),
    Expected("2026-12-20T10:00", "2026-12-20T12:00", False, "家族交流会"),
]
EXHIBITION = [Expected("2026-12-30", "2027-01-02", True, "作品展")]


def shown(*items):
    return Reading("client", [Shown(*item) for item in items])


def test_exactly_the_rows_agree_and_a_cancelled_date_may_be_absent_or_marked():
    exact = shown(
        ("2026-12-05T14:00", "2026-12-05T16:00", False, "家族交流会"),
        ("2026-12-20T10:00", "2026-12-20T12:00", False, "【変更】家族交流会"),
    )
    assert problems(exact, WEEKLY) == []
    marked = shown(
        *[(i.start, i.end, i.all_day, i.summary) for i in exact.shown],
        ("2026-12-12T14:00", "2026-12-12T16:00", False, "【中止】家族交流会"),
    )
    assert problems(marked, WEEKLY) == []
    by_status = shown(
        *[(i.start, i.end, i.all_day, i.summary) for i in exact.shown],
        ("2026-12-12T14:00", "2026-12-12T16:00", False, "家族交流会", "CANCELLED"),
    )
    assert problems(by_status, WEEKLY) == []


def test_each_kind_of_disagreement_is_reported():
    wrong = shown(
        ("2026-12-05T14:00", "2026-12-05T16:00", False, "家族交流会"),
        ("2026-12-05T14:00", "2026-12-05T16:00", False, "家族交流会"),  # twice
        ("2026-12-12T14:00", "2026-12-12T16:00", False, "家族交流会"),  # cancelled, unmarked
        ("2026-12-19T14:00", "2026-12-19T16:00", False, "家族交流会"),  # the moved one's old time
    )
    wrong.errors.append("validator: no ORGANIZER")
    found = problems(wrong, WEEKLY)
    assert found == [
        "error: validator: no ORGANIZER",
        "shown 2 times: 2026-12-05T14:00–2026-12-05T16:00 家族交流会",
        "cancelled date shown as taking place: 2026-12-12T14:00–2026-12-12T16:00 家族交流会",
        "missing: 2026-12-20T10:00–2026-12-20T12:00 家族交流会",
        "not on the site: 2026-12-19T14:00–2026-12-19T16:00 家族交流会 (None)",
    ]
    assert summarise(found).startswith("error ×1; shown 2 times ×1;")
    other_title = shown(("2026-12-05T14:00", "2026-12-05T16:00", False, "別の会"))
    assert "missing: 2026-12-05T14:00–2026-12-05T16:00 家族交流会" in problems(
        other_title, WEEKLY[:1]
    )


def test_all_day_spans_without_an_end_count_as_calcurse_shows_them():
    every_day = shown(*[(day, None, True, "作品展") for day in ("2026-12-30", "2026-12-31")])
    every_day.shown.append(Shown("2027-01-01", None, True, "作品展"))
    assert problems(every_day, EXHIBITION) == []
    assert problems(shown(("2026-12-30", None, True, "作品展")), EXHIBITION) == []
    wrong_end = shown(("2026-12-30", "2026-12-31", True, "作品展"))
    assert problems(wrong_end, EXHIBITION)[0].startswith("missing:")
    a_day_late = shown(("2027-01-02", None, True, "作品展"))
    assert len(problems(a_day_late, EXHIBITION)) == 2
