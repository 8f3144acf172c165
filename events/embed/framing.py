"""Letting any site frame one response, while every other page keeps refusing.

The site refuses to be framed with ``X-Frame-Options`` (Django's clickjacking middleware)
and, where django-csp runs, with the ``frame-ancestors`` directive of its policy. For the
widget both are lifted on that response only: Django's ``xframe_options_exempt`` mark,
and django-csp's per-response replacement (what its ``csp_replace`` decorator sets), so
the rest of the site's policy still applies to the widget. Without django-csp the widget
says ``frame-ancestors *`` itself.
"""

from django.conf import settings
from django.utils.module_loading import import_string

ANY_SITE = {"frame-ancestors": ["*"]}


def csp_middleware_installed():
    try:
        from csp.middleware import CSPMiddleware
    except ImportError:
        return False
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, CSPMiddleware):
            return True
    return False


def framable_by_any_site(response):
    """Mark ``response`` as embeddable from any origin (http or https)."""
    response.xframe_options_exempt = True
    for attribute in ("_csp_replace", "_csp_replace_ro"):
        response.__dict__[attribute] = {**(getattr(response, attribute, None) or {}), **ANY_SITE}
    if not csp_middleware_installed():
        response["Content-Security-Policy"] = "frame-ancestors *"
    return response
