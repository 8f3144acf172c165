"""Bookings: anonymous-friendly registration for occurrences, with capacity that is never
exceeded, waiting lists, lotteries, appointment slots, e-mail and data retention.

``models`` holds the records, ``capacity`` every rule about seats (under a lock),
``tokens`` the secret links, ``mail`` the outbox, ``retention`` the deletion of bookings
after the retention period (counted first). Views stay thin.
"""
