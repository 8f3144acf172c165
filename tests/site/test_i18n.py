"""Japanese first, with a compiled ``ja`` catalogue and an English interface."""

from pathlib import Path

from django.utils import translation

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def test_ja_catalogue_is_compiled():
    assert (PROJECT / "locale/ja/LC_MESSAGES/django.mo").exists()


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("Contact the desk", "相談する"),
        ("Consultation desk", "相談窓口"),
        ("Verified by the ward", "区が確認した団体"),
        ("Family association", "家族会"),
        ("Partner municipality", "連携自治体"),
    ],
)
def test_interface_strings_are_translated(english, japanese):
    with translation.override("ja"):
        assert translation.gettext(english) == japanese


def test_every_catalogue_entry_is_translated():
    from babel.messages.pofile import read_po

    with open(PROJECT / "locale/ja/LC_MESSAGES/django.po", "rb") as po:
        catalogue = read_po(po)
    missing = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
