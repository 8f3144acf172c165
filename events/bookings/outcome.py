"""Where a booking stands, in plain words, and what happens next: the one place that
decides what the secret-link page, the booking's .ics and the mails say about a state.

抽選前 / 当選 / 落選 / キャンセル待ち N番目 / 確定 / キャンセル済み (and 中止 when the date
itself was called off). Only a confirmed place on a date that takes place tells the person
to show the code at the door.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..choices import BookingMode, BookingStatus
from ..schedule_text import format_moment_ja
from ..schedules import TOKYO
from .availability import registration_window, waiting_position


@dataclass
class Outcome:
    # lottery_pending, won, not_drawn, waiting, confirmed, cancelled, date_cancelled, past
    state: str
    label: str
    next_steps: list = field(default_factory=list)
    position: int | None = None
    closes_at: datetime.datetime | None = None

    @property
    def is_confirmed(self):
        """A confirmed place on a date that takes place: the code opens the door."""
        return self.state in {"won", "confirmed"}

    @property
    def is_pending(self):
        """Entered, not decided yet: the page is worth keeping to learn the result."""
        return self.state in {"lottery_pending", "waiting"}

    @property
    def is_void(self):
        """No place, now or later: cancelled, not drawn, or the date called off."""
        return self.state in {"not_drawn", "cancelled", "date_cancelled"}

    @property
    def is_over(self):
        """Nothing more will happen: no code, no link to keep, nothing to change."""
        return self.state in {"not_drawn", "cancelled", "date_cancelled", "past"}


def won_lottery(booking):
    """A confirmed place that came from the draw (staff may add people after it)."""
    occurrence = booking.occurrence
    event = occurrence.event
    return (
        event is not None
        and event.booking_mode == BookingMode.LOTTERY
        and occurrence.lottery_drawn_at is not None
        and booking.created_at <= occurrence.lottery_drawn_at
    )


def outcome_of(booking, now=None):
    """The booking's state in words, with what happens next."""
    now = now or timezone.now()
    occurrence = booking.occurrence
    has_email = bool(booking.email)
    if booking.status == BookingStatus.CANCELLED:
        return Outcome("cancelled", pgettext("booking", "Cancelled"))
    if booking.status == BookingStatus.NOT_DRAWN:
        return Outcome(
            "not_drawn",
            _("Not drawn"),
            [_("We are sorry: you were not drawn in the lottery, so there is no place for you.")],
        )
    if occurrence.end <= now:
        return Outcome("past", _("This date is over"))
    if occurrence.is_cancelled:
        steps = [_("This date has been called off. There is nothing you need to do.")]
        if occurrence.note:
            steps.append(occurrence.note)
        return Outcome("date_cancelled", _("Called off"), steps)
    if booking.status == BookingStatus.LOTTERY:
        return _lottery_pending(booking, now, has_email)
    if booking.status == BookingStatus.WAITING:
        position = waiting_position(booking)
        steps = [
            _(
                "The date is full. When a place frees up, it goes to the waiting list in "
                "the order of registration; you are number %(n)d."
            )
            % {"n": position},
            _(
                "Your place is then confirmed by itself and this page will say "
                "“Confirmed”. You do not need to do anything."
            ),
        ]
        if has_email:
            steps.append(_("We will also tell you by e-mail."))
        steps.append(
            _(
                "Until then you do not have a place yet. If no place frees up before the "
                "date, you cannot take part this time."
            )
        )
        label = _("Waiting list: number %(n)d") % {"n": position}
        return Outcome("waiting", label, steps, position=position)
    door = _("On the day, show or say this code at the door. You do not need to give your name.")
    if won_lottery(booking):
        return Outcome("won", _("Drawn: your place is confirmed"), [door])
    return Outcome("confirmed", _("Confirmed"), [door])


def _lottery_pending(booking, now, has_email):
    _opens, closes = registration_window(booking.occurrence)
    today = now.astimezone(TOKYO).date()
    deadline = format_moment_ja(closes, today)
    if now < closes:
        first = _(
            "Entries close on %(deadline)s. The lottery is drawn right after that, and "
            "the result appears on this page."
        ) % {"deadline": deadline}
    else:
        first = _(
            "Entries closed on %(deadline)s. The lottery will be drawn shortly; the "
            "result appears on this page."
        ) % {"deadline": deadline}
    steps = [first]
    if has_email:
        steps.append(_("We will also send the result to the e-mail address you gave."))
    steps.append(
        _(
            "You do not have a place yet. If you are drawn, this code becomes your code "
            "for the door."
        )
    )
    return Outcome("lottery_pending", _("Before the draw"), steps, closes_at=closes)
