"""Building blocks for idempotent demo content (used by ``seed_demo`` in every app).

Running the seed twice must give the same content: pages are found by slug under
their parent, updated in place when their fields differ, and published once.
"""

from django.db import transaction

from wagtail.models import Site

import recurrence


def upsert_page(parent, model, slug, **fields):
    """Create or update the ``model`` page with ``slug`` under ``parent`` and publish it.

    Returns ``(page, created)``. A page whose fields already match is left alone, so a
    second run makes no new revisions.
    """
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        page = existing.specific
        if not isinstance(page, model):
            raise ValueError(f"/{slug}/ exists as {type(page).__name__}, expected {model.__name__}")
        changed = False
        for name, value in fields.items():
            if _field_value(page, name) != _comparable(value):
                setattr(page, name, value)
                changed = True
        if changed or not page.live:
            page.save_revision().publish()
        return page, False
    page = model(slug=slug, **fields)
    with transaction.atomic():
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page, True


def _comparable(value):
    if hasattr(value, "rrules"):  # a django-recurrence Recurrence has no equality
        return recurrence.serialize(value)
    if hasattr(value, "raw_data"):
        return [{"type": b["type"], "value": b["value"]} for b in value.raw_data]
    return value


def _field_value(page, name):
    return _comparable(getattr(page, name))


def remove_welcome_page(root):
    """Delete the "Welcome to your new Wagtail site!" page that Wagtail's migration
    creates (a plain ``Page`` with no children), so our home page can take its place."""
    for page in root.get_children().filter(content_type__app_label="wagtailcore"):
        if not page.get_children().exists():
            page.delete()


def ensure_site_root(home_page, site_name):
    """Point the default site at ``home_page``."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home_page
    site.site_name = site_name
    site.save()
    return site
