"""An e-mail backend for tests: the mail server refuses the first N messages (the edge of
the world), then behaves like Django's in-memory backend."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise ConnectionRefusedError("smtp down")
        return super().send_messages(messages)
