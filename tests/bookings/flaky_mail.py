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


class HangingEmailBackend(EmailBackend):
    """A mail server that accepts the connection and then never answers: the worker
    sending through it is stuck until it is killed. It leaves a file at
    ``$HANGING_MAIL_MARKER`` so the test knows the send has begun."""

    def send_messages(self, messages):
        import os
        import time
        from pathlib import Path

        Path(os.environ["HANGING_MAIL_MARKER"]).write_text("sending")
        time.sleep(120)
        return 0
