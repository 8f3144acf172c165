"""A plain-HTML, Japanese editor for django-recurrence rules.

django-recurrence's own widget needs jQuery and has no Japanese catalogue. Editors here
say "毎週火曜", "毎月第2・第4土曜", "第1日曜、2027年3月まで": this widget offers exactly
those choices as ordinary form controls (no JavaScript) and hands the field the rule as
RFC 5545 text, which ``recurrence.forms.RecurrenceField`` parses as usual.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

import recurrence
import recurrence.exceptions

from .schedules import WEEKDAYS_JA, local_date

REPEAT_NONE = ""
REPEAT_DAILY = "daily"
REPEAT_WEEKLY = "weekly"
REPEAT_BIWEEKLY = "biweekly"
REPEAT_MONTHLY_WEEKDAY = "monthly_weekday"
REPEAT_MONTHLY_DAY = "monthly_day"

REPEAT_CHOICES = [
    (REPEAT_NONE, _("Does not repeat")),
    (REPEAT_WEEKLY, _("Every week on the days ticked below")),
    (REPEAT_BIWEEKLY, _("Every other week on the days ticked below")),
    (REPEAT_MONTHLY_WEEKDAY, _("Every month on the ticked weeks and days (e.g. 2nd Saturday)")),
    (REPEAT_MONTHLY_DAY, _("Every month on the same day of the month as the first date")),
    (REPEAT_DAILY, _("Every day")),
]
WEEKDAY_CHOICES = [(str(n), f"{name}曜") for n, name in enumerate(WEEKDAYS_JA)]
POSITION_CHOICES = [(str(n), f"第{n}") for n in range(1, 6)] + [("-1", "最終")]


class InvalidRule(str):
    """Rule text that will not parse, carrying what the editor typed so the form can show
    it again with the error instead of losing it."""

    def __new__(cls, parts):
        value = super().__new__(cls, "RRULE:INVALID")
        value.parts = parts
        return value


class RecurrenceRuleWidget(forms.MultiWidget):
    template_name = "events/widgets/recurrence_rule.html"
    labels = (
        _("Repeats"),
        _("Days of the week"),
        _("Weeks of the month"),
        _("Until (inclusive)"),
        _("Or: number of times"),
        _("Dates to leave out (one per line, e.g. 2026-12-29)"),
    )

    def __init__(self, attrs=None):
        widgets = (
            forms.Select(choices=REPEAT_CHOICES),
            forms.CheckboxSelectMultiple(choices=WEEKDAY_CHOICES),
            forms.CheckboxSelectMultiple(choices=POSITION_CHOICES),
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            forms.NumberInput(attrs={"min": 1, "max": 500}),
            forms.Textarea(attrs={"rows": 3, "cols": 20}),
        )
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            subwidget["label"] = label
        return context

    def decompress(self, value):
        if isinstance(value, InvalidRule):
            return value.parts
        if not value:
            return [REPEAT_NONE, [], [], None, None, ""]
        if isinstance(value, str):
            try:
                value = recurrence.deserialize(value)
            except (recurrence.exceptions.DeserializationError, ValueError):
                return [REPEAT_NONE, [], [], None, None, ""]
        exdates = "\n".join(local_date(d).isoformat() for d in value.exdates)
        if not value.rrules:
            return [REPEAT_NONE, [], [], None, None, exdates]
        rule = value.rrules[0]
        weekdays, positions = set(), set()
        for day in rule.byday or []:
            weekday = recurrence.to_weekday(day)
            weekdays.add(str(weekday.number))
            if weekday.index:
                positions.add(str(weekday.index))
        for position in rule.bysetpos or []:
            positions.add(str(position))
        if rule.freq == recurrence.DAILY:
            repeat = REPEAT_DAILY
        elif rule.freq == recurrence.WEEKLY:
            repeat = REPEAT_BIWEEKLY if rule.interval == 2 else REPEAT_WEEKLY
        elif rule.freq == recurrence.MONTHLY and (positions or rule.byday):
            repeat = REPEAT_MONTHLY_WEEKDAY
        elif rule.freq == recurrence.MONTHLY:
            repeat = REPEAT_MONTHLY_DAY
        else:
            repeat = REPEAT_NONE
        until = local_date(rule.until) if rule.until else None
        return [
            repeat,
            sorted(weekdays, key=int),
            sorted(positions, key=lambda p: (int(p) < 0, int(p))),
            until,
            rule.count,
            exdates,
        ]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        text = rule_text(*parts)
        return InvalidRule(parts) if text is None else text


def rule_text(repeat, weekdays, positions, until, count, exdates):
    """RFC 5545 text for the widget's choices ("" when nothing repeats).

    Returns None when a part is invalid (a date that is not a date), so the field can
    refuse it with a message instead of silently changing the rule.
    """
    weekdays = [int(d) for d in weekdays or [] if str(d).isdigit() and int(d) < 7]
    positions = [int(p) for p in positions or [] if p in {c for c, _ in POSITION_CHOICES}]
    rrules = []
    if repeat in {REPEAT_WEEKLY, REPEAT_BIWEEKLY}:
        rrules.append(
            recurrence.Rule(
                recurrence.WEEKLY,
                interval=2 if repeat == REPEAT_BIWEEKLY else 1,
                byday=[recurrence.Weekday(d) for d in weekdays] or None,
            )
        )
    elif repeat == REPEAT_MONTHLY_WEEKDAY:
        byday = [recurrence.Weekday(d, p) for p in positions or [1] for d in weekdays]
        rrules.append(recurrence.Rule(recurrence.MONTHLY, byday=byday or None))
    elif repeat == REPEAT_MONTHLY_DAY:
        rrules.append(recurrence.Rule(recurrence.MONTHLY))
    elif repeat == REPEAT_DAILY:
        rrules.append(recurrence.Rule(recurrence.DAILY))

    if rrules:
        rule = rrules[0]
        if count not in (None, ""):
            if not str(count).isdigit() or int(count) < 1:
                return None
            rule.count = int(count)
        elif until:
            try:
                rule.until = datetime.datetime.combine(
                    datetime.date.fromisoformat(str(until)), datetime.time(0, 0)
                )
            except ValueError:
                return None
    dates = []
    for line in (exdates or "").replace("、", "\n").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            dates.append(
                datetime.datetime.combine(datetime.date.fromisoformat(line), datetime.time(0, 0))
            )
        except ValueError:
            return None
    if not rrules and not dates:
        return ""
    return recurrence.serialize(recurrence.Recurrence(rrules=rrules, exdates=dates))
