"""Content-Security-Policy: one policy for the public site, its own for Wagtail's admin.

The public policy allows scripts from our own origin only (no inline script; JSON-LD is
data, not script). Wagtail 8's admin still writes inline scripts for its widgets (date
choosers, image and snippet choosers, inline panels: wagtail/wagtail#1288), so the admin
gets a separate policy (``CONTENT_SECURITY_POLICY_ADMIN``) rather than a looser public
one. The pages where a password or a code is typed (sign-in, password reset, two-step
login) need no inline script and keep ``script-src 'self'``.
"""

from django.conf import settings

from csp.constants import SELF
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import default_config

# Under the admin prefix: where credentials are typed.
STRICT_ADMIN_PATHS = ("login/", "password_reset/", "2fa/verify/", "2fa/setup/")


def admin_policy(path):
    """The admin's directives for ``path``, or None outside the admin."""
    prefix = settings.WAGTAIL_ADMIN_PATH_PREFIX
    admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
    if not admin or not path.startswith(prefix):
        return None
    directives = dict(admin["DIRECTIVES"])
    if path[len(prefix) :].startswith(STRICT_ADMIN_PATHS):
        directives["script-src"] = [SELF]
    return directives


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            directives = admin_policy(request.path_info)
            if directives is not None:
                parts.config = default_config(directives)
        return parts
