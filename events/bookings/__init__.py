"""Bookings: anonymous-friendly registration for occurrences, with capacity that is never
exceeded, waiting lists, lotteries, appointment slots, e-mail and data retention.

``models`` holds the records; the services are ``locking`` (the seat lock),
``availability`` (windows, seats, what the public sees), ``registration`` (book, cancel,
resize, promote, check in, close), ``lottery``, ``slots``, ``mail`` (the outbox),
``retention`` (counting, then deleting bookings after the retention period), ``tokens``
(secret links) and ``web`` (the public form's abuse limits). ``views`` serve the
secret-link pages; ``admin_views``, ``desk_views``, ``exports`` and ``audit`` the staff
side.
"""
