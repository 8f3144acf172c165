"""The lock every change to a date's seats takes first.

``SELECT … FOR UPDATE`` on the occurrence row (PostgreSQL); on SQLite the IMMEDIATE
transaction already holds the database's write lock. Outside a transaction a row lock is
released at once and protects nothing, so the helper refuses to run there.
"""

from django.db import transaction

from ..models.records import Occurrence

# The concurrency tests switch this off once, to prove they can see an oversell.
LOCKING = True


class NotInTransaction(RuntimeError):
    """A seat change was attempted outside ``transaction.atomic()``."""


def lock_occurrence(occurrence_id):
    """The occurrence (with its event), locked until the surrounding transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction("lock_occurrence() must run inside transaction.atomic()")
    queryset = Occurrence.objects.select_related("event")
    if LOCKING:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=occurrence_id)
