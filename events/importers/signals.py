"""Sent after a partner calendar's events changed in our table (outside any transaction),
so cached feeds and pages can be dropped; ``events.signals`` listens."""

from django.dispatch import Signal

partner_events_changed = Signal()  # sender: PartnerFeed; kwargs: feed
