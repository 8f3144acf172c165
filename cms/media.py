"""Uploaded images served by the app server, for deployments without a web server in
front that can do it (``SERVE_MEDIA=true``). With nginx, serve ``/media/`` there instead
(docs/deployment.md) and leave this off.

Wagtail's documents are never served from here: their own view (/documents/…) checks
collection privacy, which a plain file server would bypass.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

# Uploads are not pages: nothing in them may run, whatever the file says it is.
MEDIA_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
SERVED_FOLDERS = ("images/", "original_images/")


@require_safe
def serve_media(request, path):
    # Checked after normalising, as serve() will: images/../documents/ is documents/.
    path = posixpath.normpath(path).lstrip("/")
    if not (settings.SERVE_MEDIA or settings.DEBUG) or not path.startswith(SERVED_FOLDERS):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
