"""The tables of the yearly report, with small cells hidden: the one shape that the admin
page, the printable summary, the charts and the XLSX export all show.

Small cells: a count of people or bookings from 1 to 4 is shown as 「5未満」. Where a
group of cells adds up to a total that is shown (who is coming, the months of a year, the
categories), one hidden cell could be worked out from the others; then the smallest other
cell of the group is hidden too, shown as 「＊」. A rate is hidden whenever its numerator or
denominator is. Counts of dates held are shown as they are: the public calendar shows
every date.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .figures import FISCAL_MONTHS, UNKNOWN_MONTH, Measure, YearFigures

SMALL = 5
LESS_THAN_FIVE = gettext_lazy("under 5")  # 「5未満」
HIDDEN = "＊"
NO_RATE = "—"


@dataclass(frozen=True)
class Cell:
    """One value as shown: ``value`` is the number (``None`` when hidden or not
    applicable), ``text`` what people read, ``hidden`` whether it is suppressed."""

    value: object
    text: str
    hidden: bool = False
    kind: str = "count"  # "count", "held" or "rate"

    def __str__(self):
        return self.text


def _number(value):
    return f"{value:,}"


def held_cell(value):
    return Cell(value, _number(value), kind="held")


def count_cells(values, group=True):
    """Cells for counts of people or bookings. ``group``: the values add up to a total
    that is shown, so a single hidden cell gets a companion."""
    values = list(values)
    small = {i for i, v in enumerate(values) if 0 < v < SMALL}
    companions = set()
    if group and len(small) == 1:
        others = [i for i, v in enumerate(values) if i not in small and v > 0]
        if others:
            companions.add(min(others, key=lambda i: (values[i], i)))
    cells = []
    for index, value in enumerate(values):
        if index in small:
            cells.append(Cell(None, str(LESS_THAN_FIVE), hidden=True))
        elif index in companions:
            cells.append(Cell(None, HIDDEN, hidden=True))
        else:
            cells.append(Cell(value, _number(value)))
    return cells


def count_cell(value):
    return count_cells([value], group=False)[0]


def rate_cell(numerator, denominator):
    """People checked in ÷ people booked, hidden whenever either count is."""
    if numerator.hidden or denominator.hidden or not denominator.value:
        return Cell(None, NO_RATE, hidden=numerator.hidden or denominator.hidden, kind="rate")
    rate = numerator.value / denominator.value
    return Cell(rate, f"{rate * 100:.1f}%", kind="rate")


def fiscal_year_label(year):
    """「2026年度（令和8年度）」."""
    if year >= 2019:
        era = "令和" + ("元" if year == 2019 else str(year - 2018))
    else:
        era = "平成" + ("元" if year == 1989 else str(year - 1988))
    return f"{year}年度（{era}年度）"


def month_label(month):
    return _("month unknown") if month == UNKNOWN_MONTH else f"{month}月"


def who_labels():
    return {
        "self": pgettext("statistics", "The person themselves"),
        "family": pgettext("statistics", "Family"),
        "supporter": pgettext("statistics", "Supporter or professional"),
        "other": pgettext("statistics", "Other"),
        "": _("Not answered"),
    }


def residence_labels():
    return {"ward": _("In the ward"), "outside": _("Outside the ward"), "": _("Not answered")}


def first_time_labels():
    return {"yes": _("First time"), "no": _("Been before"), "": _("Not answered")}


def channel_labels():
    return {
        "web": pgettext("statistics", "Web form"),
        "phone": pgettext("statistics", "Phone"),
        "walk_in": pgettext("statistics", "Walk-in"),
        "": _("Unknown"),
    }


@dataclass
class Row:
    label: str
    cells: list
    heading: bool = False  # a group heading (no cells)
    total: bool = False
    group: str = ""  # in the summary: "who", "residence", "first_time" or "channel"


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    note: str = ""


def _column_names():
    return [
        _("Dates held"),
        pgettext("statistics", "Bookings"),
        _("People"),
        _("Checked in"),
        _("Attendance rate"),
        pgettext("statistics", "Family"),
        _("Outside the ward"),
        _("First time"),
        _("People, previous year"),
    ]


def _breakdown_table(key, title, labels, measures, previous, total, previous_total, note=""):
    """Rows of measures (months, categories, organisations) and a total row; each count
    column is protected as a group that adds up to the total."""
    keys = list(labels)
    columns = {
        "held": [measures[k].held for k in keys],
        "bookings": [measures[k].bookings for k in keys],
        "people": [measures[k].people for k in keys],
        "attended": [measures[k].attended for k in keys],
        "family": [measures[k].who["family"] for k in keys],
        "outside": [measures[k].residence["outside"] for k in keys],
        "first": [measures[k].first_time["yes"] for k in keys],
        "previous": [previous.get(k, Measure()).people for k in keys],
    }
    cells = {name: count_cells(values) for name, values in columns.items() if name != "held"}
    table = Table(key, title, _column_names(), note=note)
    for index, k in enumerate(keys):
        row = [held_cell(columns["held"][index])]
        row += [cells[name][index] for name in ("bookings", "people", "attended")]
        row.append(rate_cell(cells["attended"][index], cells["people"][index]))
        row += [cells[name][index] for name in ("family", "outside", "first", "previous")]
        table.rows.append(Row(labels[k], row))
    if total is not None:
        table.rows.append(Row(_("Total"), _measure_cells(total, previous_total), total=True))
    return table


def _measure_cells(measure, previous):
    people = count_cell(measure.people)
    attended = count_cell(measure.attended)
    return [
        held_cell(measure.held),
        count_cell(measure.bookings),
        people,
        attended,
        rate_cell(attended, people),
        count_cell(measure.who["family"]),
        count_cell(measure.residence["outside"]),
        count_cell(measure.first_time["yes"]),
        count_cell(previous.people),
    ]


def _summary_table(current, previous, labels):
    """Metric rows × (this year, previous year)."""
    table = Table(
        "summary",
        _("Summary"),
        [labels["current"], labels["previous"]],
        note=_(
            "People: the number of people in confirmed bookings of dates that took place. "
            "Events without booking (drop-in) count their dates only."
        ),
    )

    def pair(value_of):
        return [count_cell(value_of(current)), count_cell(value_of(previous))]

    people = pair(lambda m: m.people)
    attended = pair(lambda m: m.attended)
    table.rows += [
        Row(_("Dates held"), [held_cell(current.held), held_cell(previous.held)]),
        Row(pgettext("statistics", "Bookings"), pair(lambda m: m.bookings)),
        Row(_("People"), people),
        Row(_("Checked in"), attended),
        Row(_("Attendance rate"), [rate_cell(a, p) for a, p in zip(attended, people, strict=True)]),
    ]
    groups = [
        (_("Who is coming (people)"), "who", who_labels()),
        (_("Where they live (people)"), "residence", residence_labels()),
        (_("First time (people)"), "first_time", first_time_labels()),
        (_("How they booked (bookings)"), "channel", channel_labels()),
    ]
    for heading, attribute, names in groups:
        table.rows.append(Row(heading, [], heading=True, group=attribute))
        columns = [
            count_cells([getattr(measure, attribute)[k] for k in names])
            for measure in (current, previous)
        ]
        for index, label in enumerate(names.values()):
            table.rows.append(Row(label, [columns[0][index], columns[1][index]], group=attribute))
    return table


@dataclass
class Report:
    year: int
    label: str
    previous_label: str
    scope_label: str
    current: YearFigures
    previous: YearFigures
    tables: list

    def table(self, key):
        return next(t for t in self.tables if t.key == key)


def build_report(current, previous, scope_label):
    """The report of ``current`` with ``previous`` (the year before) beside it."""
    labels = {
        "current": fiscal_year_label(current.year),
        "previous": fiscal_year_label(previous.year),
    }
    months = list(FISCAL_MONTHS)
    if UNKNOWN_MONTH in current.months or UNKNOWN_MONTH in previous.months:
        months.append(UNKNOWN_MONTH)  # counts kept before months were recorded
    month_measures = {m: current.month(m) for m in months}
    tables = [
        _summary_table(current.total, previous.total, labels),
        _breakdown_table(
            "months",
            _("By month"),
            {m: month_label(m) for m in months},
            month_measures,
            previous.months,
            current.total,
            previous.total,
        ),
    ]
    categories = sorted(
        current.categories, key=lambda slug: (-current.categories[slug].people, slug)
    )
    tables.append(
        _breakdown_table(
            "categories",
            _("By category"),
            {
                slug: current.category_names.get(slug, slug or _("No category"))
                for slug in categories
            },
            current.categories,
            previous.categories,
            current.total,
            previous.total,
        )
    )
    organisations = sorted(
        current.organisations, key=lambda pk: (-current.organisations[pk].people, pk)
    )
    names = current.organisation_names
    tables.append(
        _breakdown_table(
            "organisations",
            _("By organisation"),
            {pk: names.get(pk) or _("Organisation no longer listed") for pk in organisations},
            current.organisations,
            previous.organisations,
            None,
            None,
            note=_(
                "A date with co-hosts is counted for each organisation that runs it, so the "
                "rows add up to more than the total."
            ),
        )
    )
    return Report(
        year=current.year,
        label=labels["current"],
        previous_label=labels["previous"],
        scope_label=scope_label,
        current=current,
        previous=previous,
        tables=tables,
    )


def legend():
    return _(
        "Counts of people and bookings from 1 to 4 are shown as “%(small)s”; where one "
        "such count could be worked out from a total, another count is hidden as “%(hidden)s”. "
        "Dates held are shown as they are."
    ) % {"small": LESS_THAN_FIVE, "hidden": HIDDEN}
