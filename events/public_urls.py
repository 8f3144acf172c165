"""Public addresses of pages without a request: a page's path relative to the default
site's root, and its absolute URL under ``BASE_URL`` (feeds, mails, print lists and the
map data are read outside the page that links them)."""

from django.conf import settings

from wagtail.models import Site


def site_root_path():
    """The default site's root ``url_path``: page paths are made relative to it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


def page_path(page, root_path):
    """The page's path on the site (its ``url_path`` less the site root's)."""
    return path_on_site(page.url_path, root_path)


def path_on_site(url_path, root_path):
    """A page's path on the site from its ``url_path`` (when only the value was read)."""
    return "/" + url_path[len(root_path) :].lstrip("/")


def absolute_page_url(page, root_path=None):
    root_path = site_root_path() if root_path is None else root_path
    return settings.BASE_URL + page_path(page, root_path)
