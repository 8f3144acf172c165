"""The request being handled, for code that Wagtail calls without one (a page's admin
title, workflow signals). Set by ``CurrentRequestMiddleware`` for the length of a
request and cleared afterwards."""

import contextvars

_request = contextvars.ContextVar("ibasho_current_request", default=None)


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_request():
    return _request.get()


def current_user():
    """The logged-in user of the current request, or ``None``."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None
