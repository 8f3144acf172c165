"""A copy of the consultation desk's contact details that needs no database.

When the database is down the site answers with a static 503 page that still gives the
desk's phone number (cms/errors.py). The number lives in the database, so a copy is kept
as a small JSON file in the media storage (shared by every app server, like uploads),
written whenever the desk setting is saved and by ``manage.py save_outage_contact``
(run at each deploy). ``OUTAGE_CONTACT`` in the settings is the last resort.
"""

import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

SNAPSHOT_NAME = "outage/desk-contact.json"
FIELDS = ("name", "phone", "hours")


def _contact(desk):
    return {field: getattr(desk, field, "") or "" for field in FIELDS}


def save_snapshot():
    """Write every site's desk contact (public details only) to the media storage."""
    from wagtail.models import Site

    from .models import ConsultationDesk

    sites = {}
    default = None
    for site in Site.objects.all():
        contact = _contact(ConsultationDesk.for_site(site))
        sites[site.hostname] = contact
        if site.is_default_site:
            default = contact
    data = json.dumps({"sites": sites, "default": default}, ensure_ascii=False).encode()
    if default_storage.exists(SNAPSHOT_NAME):
        default_storage.delete(SNAPSHOT_NAME)
    default_storage.save(SNAPSHOT_NAME, ContentFile(data))
    return sites


def load_contact(hostname=""):
    """The desk's contact for ``hostname`` without touching the database: the snapshot,
    else ``settings.OUTAGE_CONTACT``, else None."""
    try:
        with default_storage.open(SNAPSHOT_NAME) as handle:
            data = json.loads(handle.read().decode())
        contact = data["sites"].get(hostname) or data.get("default")
        if contact and contact.get("phone"):
            return contact
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    fallback = getattr(settings, "OUTAGE_CONTACT", None) or {}
    return fallback if fallback.get("phone") else None


def desk_saved(sender, instance, **kwargs):
    """post_save of ConsultationDesk: refresh the copy. Never breaks the save."""
    try:
        save_snapshot()
    except OSError:
        logger.exception("Could not write the desk contact for the outage page.")
