"""The iCalendar SEQUENCE of each event: it increases when the event's time or place
changes, so calendar clients replace their copy. Kept in ``EventFeedState``, outside the
page, so that reverting a revision cannot roll it back."""

import hashlib
import json

import recurrence

from ..models.records import EventFeedState


def schedule_fingerprint(event):
    """A digest of everything that decides when and where the event happens."""
    facts = {
        "dates": [str(event.start_date), str(event.end_date)],
        "times": [str(event.start_time), str(event.end_time), event.all_day],
        "rule": recurrence.serialize(event.recurrence) if event.recurrence else "",
        "options": [
            event.skip_public_holidays,
            event.skip_year_end,
            event.only_weekends_and_holidays,
        ],
        "place": [event.attendance_mode, event.venue_name, event.venue_address],
        "changes": sorted(
            json.dumps(
                [
                    str(e.original_date),
                    e.kind,
                    str(e.new_date),
                    str(e.new_start_time),
                    str(e.new_end_time),
                    e.new_venue_name,
                    e.new_venue_address,
                ]
            )
            for e in event.exceptions.all()
        ),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def record_sequence(event):
    """Bump the event's SEQUENCE when its time or place changed since the last publish."""
    fingerprint = schedule_fingerprint(event)
    state, created = EventFeedState.objects.get_or_create(
        event=event, defaults={"fingerprint": fingerprint}
    )
    if not created and state.fingerprint != fingerprint:
        state.fingerprint = fingerprint
        state.sequence += 1
        state.save(update_fields=["fingerprint", "sequence"])
    return state.sequence
