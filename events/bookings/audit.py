"""The audit trail of staff work with bookings, shown in Wagtail's site history.

An entry names the date and what was done (viewed, listed, exported, cancelled with which
reason, drawn), never a participant: no nickname, e-mail, door code or search text.
"""

from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

# (action, label, past-tense message) for Wagtail's log registry.
ACTIONS = [
    ("ibasho.bookings.view", _("View bookings"), _("Viewed the bookings")),
    ("ibasho.bookings.list", _("List bookings"), _("Listed the bookings")),
    ("ibasho.bookings.export", _("Export bookings"), _("Exported the bookings")),
    ("ibasho.bookings.cancel", _("Cancel a booking"), _("Cancelled a booking")),
    ("ibasho.bookings.draw", _("Draw a lottery"), _("Drew the lottery")),
    ("ibasho.bookings.close", _("Close registration"), _("Closed registration")),
    ("ibasho.bookings.reopen", _("Reopen registration"), _("Reopened registration")),
]


def _unwrapped(obj):
    """The object behind (possibly nested) lazy wrappers: the two-step login middleware
    wraps ``request.user`` again, and Wagtail's log registry looks only one level deep."""
    while isinstance(obj, LazyObject):
        getattr(obj, "pk", None)  # evaluate the wrapper
        obj = obj._wrapped
    return obj


def audit(request, action, occurrence, data=None):
    """Record who looked at or changed which date's bookings, and when."""
    from wagtail.log_actions import log

    label = str(occurrence) if occurrence is not None else "all"
    log(
        instance=occurrence if occurrence is not None else _unwrapped(request.user),
        action=action,
        user=request.user,
        title=label,
        data={"occurrence": occurrence.pk if occurrence is not None else None, **(data or {})},
    )
