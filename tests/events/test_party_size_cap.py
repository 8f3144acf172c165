"""The number of people in one booking is capped at 20, with a clear message."""

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from events.models import EventPage

FIELD = EventPage._meta.get_field("max_party_size")


@pytest.mark.parametrize(("size", "message"), [(21, "20人まで"), (500, "20人まで"), (0, "1人以上")])
def test_party_size_outside_1_to_20_is_refused(size, message):
    with translation.override("ja"), pytest.raises(ValidationError) as refused:
        FIELD.clean(size, None)
    assert message in " ".join(refused.value.messages)


def test_one_to_twenty_is_allowed():
    assert FIELD.clean(20, None) == 20
    assert FIELD.clean(1, None) == 1
