"""The number of people in one booking is capped at 20, with a clear message."""

import re

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from events.models import EventPage

FIELD = EventPage._meta.get_field("max_party_size")


@pytest.mark.parametrize(("size", "limit"), [(21, "20"), (500, "20"), (0, "1")])
def test_party_size_outside_1_to_20_is_refused(size, limit):
    with translation.override("ja"), pytest.raises(ValidationError) as refused:
        FIELD.clean(size, None)
    message = " ".join(refused.value.messages)
    assert limit in message and re.search(r"[ぁ-んァ-ン一-龥]", message), message  # Japanese


def test_one_to_twenty_is_allowed():
    assert FIELD.clean(20, None) == 20
    assert FIELD.clean(1, None) == 1
