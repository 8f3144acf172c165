"""Yearly statistics (年度, April–March, Asia/Tokyo) for the ward's evaluation, built only
from the anonymous counters and, for bookings not purged yet, the same counts taken on the
fly (``events.tally``), so a purge never changes a figure.

``figures`` sums the counters for a fiscal year and a scope (all, or the organisations a
partner belongs to); ``report`` turns them into the tables every output shows, with cells
below five hidden; ``charts``, ``export`` and ``views`` draw, export and serve them.
"""
