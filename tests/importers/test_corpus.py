"""Every file of the shared corpus of real-world iCalendar files (Google, Outlook/Exchange,
Thunderbird, Android, khal, Plone, … and deliberately broken ones) is imported with the
right number of dates at the right Asia/Tokyo times, or rejected with a reason; none
raises.

The window is fixed (1990–2029) so the counts do not depend on today's date. Times checked
by hand against the files, because they are where importers go wrong:

- Windows time zone names with Exchange's VTIMEZONE: issue_165 (10:00 +02:00 → 17:00, and
  its RRULE with spaces, "BYDAY=MO, TU", repaired: 14 weekdays to UNTIL), issue_836
  ("Eastern Standard Time" 17:00 EDT → 06:00 next day), timezone_same_start ("Pacific
  Standard Time" 12:00 PST → 05:00 next day);
- Olson names without a VTIMEZONE: issue_722_missing_timezones (New York 08:00 EDT → 21:00);
- vendor-prefixed TZIDs: issue_313 (/freeassociation.sourceforge.net/Europe/Berlin 14:00
  CEST → 21:00), issue_466 (/Europe/Stockholm 20:00 CEST → 03:00 next day, weekly: 376
  Fridays to the end of 2029);
- custom VTIMEZONEs: issue_218 ("UTC+11" 23:00 → 21:00), issue_237 ("(UTC-03:00) Brasília"
  13:30 → 01:30 next day), period_with_timezone (Vancouver 12:00 PDT → 04:00 next day);
- X-WR-TIMEZONE (Google): issue_350 (UTC times stay the same instant: 18:30Z → 03:30);
- a floating start with UTC exclusions (event_with_recurrence): read in UTC so that the
  three EXDATEs match (97 of 100 dates, 01:00Z → 10:00);
- all-day events stay dates: example.ics, issue_1426_value_parameters, rfc_7265 example 4.
"""

import datetime
import glob
import re
import warnings
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from events.importers.parse import Rejected, parse_calendar
from events.importers.service import import_document
from events.models import Occurrence, PartnerFeed
from events.schedules import TOKYO

pytestmark = pytest.mark.django_db

WINDOW = (
    datetime.datetime(1990, 1, 1, tzinfo=TOKYO),
    datetime.datetime(2030, 1, 1, tzinfo=TOKYO),
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def corpus_root():
    """The real-world calendar files kept with the tests (tests/importers/corpus/, taken
    from the icalendar library's test suite; see its README and licence)."""
    return Path(__file__).resolve().parent / "corpus"


def corpus_files():
    root = corpus_root()
    return {
        str(Path(path).relative_to(root)): Path(path)
        for path in sorted(glob.glob(str(root / "**" / "*.ics"), recursive=True))
    }


# file: (reason code, codes of the events' problems when none could be read)
REJECTED = {
    "calendars/america_new_york_forward_reference.ics": ("nothing_readable", "bad_start"),
    "calendars/big_bad_calendar.ics": ("no_calendar", ""),
    "calendars/broken_dtstart.ics": ("nothing_readable", "bad_start"),
    "calendars/broken_ical.ics": ("nothing_readable", "no_start"),
    "calendars/fuzz_testcase_0_char_in_component_name.ics": ("no_calendar", ""),
    "calendars/fuzz_testcase_invalid_month.ics": ("unparseable", ""),
    "calendars/fuzz_testcase_vtimezone_lone_cr.ics": ("unparseable", ""),
    "calendars/invalid_duration.ics": ("nothing_readable", "bad_end"),
    "calendars/issue_104_broken_calendar.ics": ("unparseable", ""),
    "calendars/issue_1050_multiple_calendars.ics": ("nothing_readable", "no_start"),
    "calendars/issue_1050_uid_in_description.ics": ("nothing_readable", "no_start"),
    "calendars/issue_1081_invalid_rrule_freq.ics": ("nothing_readable", "bad_rule"),
    "calendars/issue_1081_invalid_start_and_end.ics": ("nothing_readable", "bad_start"),
    "calendars/issue_1081_invalid_start_valid_end.ics": ("nothing_readable", "bad_start"),
    "calendars/issue_1081_with_summary.ics": ("nothing_readable", "no_start"),
    "calendars/issue_1549_binary_attachment.ics": ("nothing_readable", "no_start"),
    "calendars/issue_1561_image_value.ics": ("nothing_readable", "no_start"),
    "calendars/issue_178_component_with_invalid_name_represented.ics": ("no_calendar", ""),
    "calendars/issue_178_custom_component_contains_other.ics": ("no_calendar", ""),
    "calendars/issue_322_expected_calendar.ics": ("nothing_readable", "no_start"),
    "calendars/issue_722_missing_VTIMEZONE_custom.ics": ("nothing_readable", "unknown_timezone"),
    "calendars/issue_798_related_to.ics": ("nothing_readable", "no_start"),
    "calendars/issue_82_expected_output.ics": ("nothing_readable", "no_start"),
    "calendars/multiple_timezones.ics": ("nothing_readable", "bad_dates"),
    "calendars/pacific_fiji.ics": ("nothing_readable", "bad_start"),
    "calendars/parsing_error.ics": ("nothing_readable", "bad_dates"),
    "calendars/parsing_error_in_UTC_offset.ics": ("unparseable", ""),
    "calendars/pr_480_summary_with_colon.ics": ("no_calendar", ""),
    "calendars/rfc_5545_RDATE_example.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_6868.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_7256_multi_value_parameters.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_7529.ics": ("nothing_readable", "bad_rule"),
    "calendars/rfc_7986_conferences.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_7986_image.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_9253_gap.ics": ("nothing_readable", "no_start"),
    "calendars/rfc_9253_related_to.ics": ("nothing_readable", "no_start"),
    "calendars/small_bad_calendar.ics": ("no_calendar", ""),
    "events/event_with_escaped_character1.ics": ("nothing_readable", "no_start"),
    "events/event_with_escaped_character2.ics": ("nothing_readable", "no_start"),
    "events/event_with_escaped_character3.ics": ("nothing_readable", "no_start"),
    "events/event_with_escaped_character4.ics": ("nothing_readable", "no_start"),
    "events/event_with_escaped_characters.ics": ("nothing_readable", "no_start"),
    "events/event_with_rsvp.ics": ("nothing_readable", "no_start"),
    "events/event_with_unicode_organizer.ics": ("nothing_readable", "no_start"),
    "events/issue_100_transformed_doctests_into_unittests.ics": ("nothing_readable", "no_start"),
    "events/issue_355_url_escaping_empty_param.ics": ("nothing_readable", "no_start"),
    "events/issue_464_invalid_rdate.ics": ("nothing_readable", "bad_dates"),
    "events/issue_64_event_with_ascii_summary.ics": ("nothing_readable", "no_start"),
    "events/issue_64_event_with_non_ascii_summary.ics": ("nothing_readable", "no_start"),
    "events/issue_82_expected_output.ics": ("nothing_readable", "no_start"),
    "events/rfc_7265_request_status.ics": ("nothing_readable", "no_start"),
    "events/rfc_9074_example_proximity.ics": ("nothing_readable", "no_start"),
    "timezones/issue_237_brazilia_standard.ics": ("no_calendar", ""),
    "timezones/issue_53_tzid_parsed_properly.ics": ("no_calendar", ""),
    "timezones/issue_55_parse_error_on_utc_offset_with_seconds.ics": ("no_calendar", ""),
    "timezones/pacific_fiji.ics": ("no_calendar", ""),
}

ACCEPTED = {
    "calendars/alarm_etar_future.ics": (1, "2024-10-05T21:00:00+09:00"),
    "calendars/alarm_etar_notification.ics": (1, "2024-10-05T21:00:00+09:00"),
    "calendars/alarm_etar_notification_clicked.ics": (1, "2024-10-05T22:17:00+09:00"),
    "calendars/alarm_google_acknowledged.ics": (1, "2024-10-05T03:15:00+09:00"),
    "calendars/alarm_google_future.ics": (1, "2024-10-05T03:15:00+09:00"),
    "calendars/alarm_thunderbird_2_future.ics": (1, "2024-10-24T03:00:00+09:00"),
    "calendars/alarm_thunderbird_2_notification_5_min_postponed.ics": (
        1,
        "2024-10-24T03:00:00+09:00",
    ),
    "calendars/alarm_thunderbird_2_notification_5_min_postponed_and_closed.ics": (
        1,
        "2024-10-24T03:00:00+09:00",
    ),
    "calendars/alarm_thunderbird_2_notification_5_min_postponed_and_popped_up.ics": (
        1,
        "2024-10-24T03:00:00+09:00",
    ),
    "calendars/alarm_thunderbird_2_notification_popped_up.ics": (1, "2024-10-24T03:00:00+09:00"),
    "calendars/alarm_thunderbird_closed.ics": (1, "2024-10-23T23:00:00+09:00"),
    "calendars/alarm_thunderbird_future.ics": (1, "2024-10-23T23:00:00+09:00"),
    "calendars/alarm_thunderbird_snoozed_until_1457.ics": (1, "2024-10-23T23:00:00+09:00"),
    "calendars/america_new_york.ics": (1, "2014-08-29T21:00:00+09:00"),
    "calendars/bom_calendar.ics": (0, None),
    "calendars/calendar_with_unicode.ics": (0, None),
    "calendars/created_calendar_with_unicode_fields.ics": (
        2,
        "2010-10-10T09:00:00+09:00",
    ),  # no_start
    "calendars/empty.ics": (0, None),
    "calendars/empty_RDATE.ics": (0, None),
    "calendars/example.ics": (3, "2022-01-01"),
    "calendars/issue_1050_all_components.ics": (1, "2025-01-16T00:00:00+09:00"),
    "calendars/issue_1050_calendar_with_events_and_todos.ics": (2, "2025-01-16T00:00:00+09:00"),
    "calendars/issue_1050_empty_calendar.ics": (0, None),
    "calendars/issue_1050_forward_timezone_reference.ics": (1, "2025-01-15T18:00:00+09:00"),
    "calendars/issue_1050_simple_calendar.ics": (1, "2025-01-01T19:00:00+09:00"),
    "calendars/issue_1050_timezone_only_calendar.ics": (0, None),
    "calendars/issue_1081_empty_rdate.ics": (1, "2025-01-01T19:00:00+09:00"),
    "calendars/issue_1081_event_with_rrule.ics": (10, "2025-01-01T19:00:00+09:00"),
    "calendars/issue_1081_freebusy_comma_separated.ics": (0, None),
    "calendars/issue_1081_list_of_properties.ics": (1, "2025-01-01T19:00:00+09:00"),
    "calendars/issue_1081_tzid_param.ics": (1, "2025-01-02T00:00:00+09:00"),
    "calendars/issue_1231_recurrence.ics": (1, "2025-04-29T01:05:00+09:00"),
    "calendars/issue_1238.ics": (0, None),
    "calendars/issue_127_categories_with_commas.ics": (1, "2014-02-04T23:00:00+09:00"),
    "calendars/issue_1426.ics": (3, "1996-12-30T11:00:00+09:00"),
    "calendars/issue_1426_value_parameters.ics": (1, "1997-01-01"),
    "calendars/issue_156_RDATE_with_PERIOD_TZID_khal.ics": (1, "2018-03-27T22:00:00+09:00"),
    "calendars/issue_156_RDATE_with_PERIOD_TZID_khal_2.ics": (1, "2021-11-02T00:00:00+09:00"),
    "calendars/issue_1633_freebusy_with_dates.ics": (0, None),
    "calendars/issue_1633_rdate_with_dates.ics": (2, "1997-01-01T09:00:00+09:00"),
    "calendars/issue_1633_rdate_with_dates_and_tzid.ics": (2, "1997-01-01T14:00:00+09:00"),
    "calendars/issue_165_missing_event.ics": (14, "2015-07-03T17:00:00+09:00"),
    "calendars/issue_168_expected_output.ics": (1, "2015-09-05T18:00:00+09:00"),
    "calendars/issue_168_input.ics": (1, "2015-09-05T18:00:00+09:00"),
    "calendars/issue_178_custom_component_inside_other.ics": (0, None),
    "calendars/issue_218_bad_tzid.ics": (1, "2017-02-28T21:00:00+09:00"),
    "calendars/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": (
        1,
        "2017-05-12T01:30:00+09:00",
    ),
    "calendars/issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics": (0, None),
    "calendars/issue_27_multiple_periods_in_freebusy_one_freebusy.ics": (0, None),
    "calendars/issue_313_globally_unique_tzid.ics": (3, "2020-04-26T21:00:00+09:00"),
    "calendars/issue_321_assert_dst_offset_is_not_false.ics": (1, "2020-04-03T17:20:00+09:00"),
    "calendars/issue_348_exception_parsing_value.ics": (1, "2019-06-24T15:30:00+09:00"),
    "calendars/issue_350.ics": (1, "2022-02-23T03:30:00+09:00"),
    "calendars/issue_351_whitespace_in_property_and_params.ics": (1, "2026-03-19T18:00:00+09:00"),
    "calendars/issue_466_convert_tzid_with_slash.ics": (376, "2022-10-22T03:00:00+09:00"),
    "calendars/issue_466_respect_unique_timezone.ics": (376, "2022-10-22T03:00:00+09:00"),
    "calendars/issue_526_calendar_with_different_events.ics": (2, "2021-11-02T00:00:00+09:00"),
    "calendars/issue_526_calendar_with_event_subset.ics": (1, "2021-11-02T00:00:00+09:00"),
    "calendars/issue_526_calendar_with_events.ics": (2, "2021-11-02T00:00:00+09:00"),
    "calendars/issue_526_calendar_with_shuffeled_events.ics": (2, "2021-11-02T00:00:00+09:00"),
    "calendars/issue_722_missing_timezones.ics": (
        2,
        "2014-08-29T21:00:00+09:00",
    ),  # no_start, no_start
    "calendars/issue_722_timezone_transition_ambiguity.ics": (4, "2024-03-03T05:00:00+09:00"),
    "calendars/issue_798_freebusy.ics": (0, None),
    "calendars/issue_836_do_not_quote_tzid.ics": (1, "2024-10-29T06:00:00+09:00"),
    "calendars/multiple_calendar_components.ics": (3, "2003-05-01"),
    "calendars/period_with_timezone.ics": (9, "2023-09-21T04:00:00+09:00"),
    "calendars/property_params.ics": (1, "2012-08-14"),
    "calendars/rfc_7265_appendix_example_1_ical.ics": (1, "2008-10-06"),
    "calendars/rfc_7265_appendix_example_2_ical.ics": (6, "2006-01-03T02:00:00+09:00"),
    "calendars/rfc_7265_example_1.ics": (0, None),
    "calendars/rfc_7953_3.ics": (0, None),
    "calendars/rfc_7986_properties.ics": (0, None),
    "calendars/rfc_9253_examples.ics": (2, "2025-10-28T18:22:39+09:00"),
    "calendars/time.ics": (0, None),
    "calendars/timezone_rdate.ics": (1, "2012-02-13T18:00:00+09:00"),
    "calendars/timezone_same_start.ics": (1, "2017-02-25T05:00:00+09:00"),
    "calendars/timezone_same_start_and_offset.ics": (1, "2017-02-24T12:00:00+09:00"),
    "calendars/timezoned.ics": (1, "2012-02-13T18:00:00+09:00"),
    "calendars/x_location.ics": (1000, "2016-10-28T21:00:00+09:00"),  # series_truncated
    "events/event_with_recurrence.ics": (97, "1996-04-01T10:00:00+09:00"),
    "events/event_with_recurrence_exdates_on_different_lines.ics": (
        10,
        "2012-03-27T17:00:00+09:00",
    ),
    "events/event_with_unicode_fields.ics": (1, "2010-10-10T19:00:00+09:00"),
    "events/issue_101_icalendar_chokes_on_umlauts_in_organizer.ics": (
        1,
        "2013-04-16T19:00:00+09:00",
    ),
    "events/issue_104_mark_events_broken.ics": (1, "2014-04-01T09:00:00+09:00"),
    "events/issue_112_missing_tzinfo_on_exdate.ics": (11, "2013-09-08T01:00:00+09:00"),
    "events/issue_156_RDATE_with_PERIOD.ics": (2, "1996-12-30T11:00:00+09:00"),
    "events/issue_156_RDATE_with_PERIOD_list.ics": (3, "1996-12-30T11:00:00+09:00"),
    "events/issue_157_removes_trailing_semicolon.ics": (16, "2015-03-25T10:10:10+09:00"),
    "events/issue_184_broken_representation_of_period.ics": (1, "2015-02-19T13:30:00+09:00"),
    "events/issue_355_url_escaping.ics": (1, "2022-08-22T19:00:00+09:00"),
    "events/issue_355_url_escaping_2.ics": (1, "2022-08-22T19:00:00+09:00"),
    "events/issue_53_description_parsed_properly.ics": (1, "2012-07-13T07:30:00+09:00"),
    "events/issue_70_rrule_causes_attribute_error.ics": (18, "2007-02-20T17:00:00+09:00"),
    "events/rfc_7265_example_4.ics": (1, "2011-05-12"),
    "events/rfc_9074_example_1.ics": (1, "2021-03-03T00:30:00+09:00"),
    "events/rfc_9074_example_2.ics": (1, "2021-03-03T00:30:00+09:00"),
    "events/rfc_9074_example_3.ics": (1, "2021-03-03T00:30:00+09:00"),
    "events/rfc_9074_example_4.ics": (1, "2021-03-03T00:30:00+09:00"),
}

# Files whose rules the importer repairs (so the reference library alone cannot read them).
REPAIRED = {"calendars/issue_165_missing_event.ics"}


def local(moment):
    return moment.astimezone(TOKYO)


def test_the_corpus_is_complete():
    """The lists above name every file: a file added to the corpus must be judged here."""
    assert set(corpus_files()) == set(REJECTED) | set(ACCEPTED)
    assert not set(REJECTED) & set(ACCEPTED)


def test_every_file_is_imported_or_rejected_with_a_reason(partner, inprocess):
    rejected, counts, firsts = {}, {}, {}
    for name, path in corpus_files().items():
        feed = PartnerFeed.objects.create(
            name=name[:120], url="", organisation=partner, enabled=True
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # icalendar warns about guessed TZIDs
            outcome = import_document(feed, path.read_bytes(), window=WINDOW)
        feed.refresh_from_db()
        rows = Occurrence.objects.filter(feed=feed).order_by("start", "pk")
        if not outcome.ok:
            assert feed.last_error and JAPANESE.search(feed.last_error), name
            assert feed.last_error == outcome.error
            assert not rows.exists(), name
            rejected[name] = outcome.error
            continue
        assert feed.last_error == ""
        counts[name] = rows.count()
        assert feed.event_count == counts[name]
        first = rows.first()
        if first is not None:
            firsts[name] = (
                local(first.start).date().isoformat()
                if first.all_day
                else local(first.start).isoformat()
            )
    assert sorted(rejected) == sorted(REJECTED)
    assert counts == {name: count for name, (count, _first) in ACCEPTED.items()}
    assert firsts == {name: first for name, (_count, first) in ACCEPTED.items() if first}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejections_say_why(name):
    code, problems = REJECTED[name]
    with pytest.raises(Rejected) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parse_calendar(corpus_files()[name].read_bytes(), *WINDOW)
    assert caught.value.code == code
    if code == "nothing_readable":
        assert caught.value.detail == problems


def test_counts_agree_with_the_reference_library():
    """Where nothing was left out, the dates are what recurring-ical-events alone gives."""
    checked = 0
    for name, path in corpus_files().items():
        if name not in ACCEPTED or name in REPAIRED:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = parse_calendar(path.read_bytes(), *WINDOW)
            if result.problems:
                continue
            components = icalendar.Calendar.from_ical(path.read_bytes(), multiple=True)
            reference = sum(len(recurring_ical_events.of(c).between(*WINDOW)) for c in components)
        assert len(result.occurrences) == reference, name
        checked += 1
    assert checked > 60
