import datetime

from django.utils import timezone

import pytest

from events.factories import publish_event
from events.models import Occurrence
from events.schedules import TOKYO


def days_ahead(n):
    return timezone.now().astimezone(TOKYO).date() + datetime.timedelta(days=n)


def bookable_event(parent, **fields):
    defaults = {
        "booking_mode": "first_come",
        "capacity": 10,
        "max_party_size": 4,
        "start_date": days_ahead(10),
        "meeting_link": "https://meet.example.jp/private-room-42",
        "attendance_mode": "hybrid",
        "venue_access": "駅から徒歩5分",
    }
    defaults.update(fields)
    event = publish_event(parent, **defaults)
    return event, Occurrence.objects.get(event=event)


@pytest.fixture
def bookable(site_tree):
    return bookable_event(site_tree.ward)
