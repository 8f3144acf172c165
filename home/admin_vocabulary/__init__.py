"""Wagtail's own admin strings that partners and ward staff meet, in natural Japanese.

Wagtail's Japanese catalogue misses many of them and words others oddly (「調整のために提出
されました」). Our catalogue comes first in ``LOCALE_PATHS``, so its translations of these
exact msgids win. They are listed in this package so that ``make makemessages`` keeps them
in ``locale/ja/LC_MESSAGES/django.po``; nothing imports it at run time (the Japanese admin
test does, to check each one is translated). The admin's JavaScript strings are in
``locale/ja/LC_MESSAGES/djangojs.po``, kept by hand.

Where one of our own msgids is the same as Wagtail's ("Cancelled", "Moved"), our
translation is kept and the Wagtail string is not listed.
"""

from . import review, screens

STRINGS = [*review.STRINGS, *screens.STRINGS]
PLURALS = [*review.PLURALS, *screens.PLURALS]
