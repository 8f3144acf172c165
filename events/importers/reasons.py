"""Plain-language reasons for what the importer refused or left out, from the parser's
codes. Stored messages are written in the site's language (Japanese)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REJECTED = {
    "empty": gettext_lazy("The file is empty."),
    "not_calendar": gettext_lazy(
        "This is not a calendar file (iCalendar); it may be a web page or a login screen."
    ),
    "unparseable": gettext_lazy("The calendar file is broken and cannot be read."),
    "no_calendar": gettext_lazy("No calendar (VCALENDAR) was found in the file."),
    "nothing_readable": gettext_lazy("None of the events in the file could be read."),
    "too_slow": gettext_lazy("Reading the calendar took too long, so it was stopped."),
    "too_big": gettext_lazy("Reading the calendar needed too much memory, so it was stopped."),
    "crashed": gettext_lazy("The calendar reader stopped unexpectedly."),
}

PROBLEMS = {
    "private": gettext_lazy("a private event, not imported"),
    "no_start": gettext_lazy("it has no start date"),
    "bad_start": gettext_lazy("its start date cannot be read"),
    "bad_end": gettext_lazy("its end or length cannot be read"),
    "unknown_timezone": gettext_lazy("its time zone is unknown"),
    "bad_rule": gettext_lazy("its repeat rule cannot be read"),
    "too_frequent": gettext_lazy("it repeats every minute or second"),
    "too_many_steps": gettext_lazy("its repeat rule would take too long to compute"),
    "bad_dates": gettext_lazy("its added or excluded dates cannot be read"),
    "too_many_dates": gettext_lazy("it lists too many added or excluded dates"),
    "series_too_slow": gettext_lazy("computing its dates took too long"),
    "bad_series": gettext_lazy("it cannot be read"),
    "series_truncated": gettext_lazy("only its first dates were imported"),
    "feed_truncated": gettext_lazy("the calendar has too many dates; the rest was not imported"),
    "unknown_calendar_timezone": gettext_lazy(
        "the calendar's time zone is unknown; times without a zone were read as Japan time"
    ),
    "own_event": gettext_lazy("one of our own events coming back; not imported twice"),
}

MAX_LINES = 20


def rejected_reason(code, detail=""):
    """The reason for refusing a whole file, in plain words; for "nothing_readable" the
    reasons of its events (``detail`` lists their codes)."""
    reason = str(REJECTED.get(code, REJECTED["crashed"]))
    if code == "nothing_readable" and detail:
        codes = [c.strip() for c in detail.split(",") if c.strip() in PROBLEMS]
        if codes:
            reason += "（" + "、".join(str(PROBLEMS[c]) for c in codes) + "）"
    elif code == "unparseable" and detail:
        reason += _("(technical details: %(detail)s)") % {"detail": detail}
    return reason


def problem_line(problem):
    reason = str(PROBLEMS.get(problem.code, PROBLEMS["bad_series"]))
    if problem.detail and problem.code not in {"series_truncated", "feed_truncated"}:
        reason = f"{reason}（{problem.detail}）"
    if problem.summary or problem.uid:
        name = problem.summary or _("(untitled)")
        return f"「{name}」：{reason}"
    return reason


def problems_text(problems):
    """One line per problem, at most ``MAX_LINES``, then how many more."""
    lines = [problem_line(p) for p in problems[:MAX_LINES]]
    if len(problems) > MAX_LINES:
        lines.append(_("…and %(count)d more") % {"count": len(problems) - MAX_LINES})
    return "\n".join(lines)
