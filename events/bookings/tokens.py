"""Secret management links and door codes.

The link carries a 256-bit random token; only its SHA-256 is stored, so a leaked database
does not open anyone's booking. The door code is short and avoids look-alike characters.
"""

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LENGTH = 6


def new_token():
    """``(token, hash)``: the token goes into the link, the hash into the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def find_booking(token):
    """The booking a link's token opens, or None. The hash lookup is followed by a
    constant-time comparison, so timing does not reveal how much of a hash matched."""
    from .models import Booking

    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    booking = Booking.objects.filter(token_hash=digest).select_related("occurrence__event").first()
    if booking is None or not hmac.compare_digest(booking.token_hash, digest):
        return None
    return booking
