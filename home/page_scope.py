"""What a partner's editors see of the page tree in the admin.

Wagtail's page chooser lists every page, drafts included, and shows each page's *draft*
title. A partner's editors should see their own section (with its drafts) and the public
site, nothing of another partner's work in progress. So:

- ``browsable_pages(user)`` is what choosers and the explorer may list: the subtrees the
  user has page permissions on, their ancestors (to navigate there) and the public tree
  (live pages, not under an unpublished or private page).
- ``DraftTitleScopeMixin`` makes ``get_admin_display_title()`` return the published title
  of a page outside the current admin user's own subtrees, wherever Wagtail prints it
  (chooser, breadcrumbs, headers). The current user comes from ``CurrentRequestMiddleware``.

Ward staff have permissions on the whole tree, so nothing changes for them.
"""

from django.db.models import Q

from wagtail.models import Page, PageViewRestriction
from wagtail.permission_policies.pages import PagePermissionPolicy

from .admin_request import current_user

_policy = PagePermissionPolicy()


def permission_paths(user):
    """Tree paths of the pages ``user`` holds page permissions on (cached on the user).
    ``None`` means the whole tree (superusers)."""
    if not user.is_active or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_ibasho_permission_paths", None)
    if cached is None:
        cached = sorted({perm.page.path for perm in _policy.get_cached_permissions_for_user(user)})
        user._ibasho_permission_paths = cached
    return cached


def in_own_subtree(user, page):
    paths = permission_paths(user)
    return paths is None or any(page.path.startswith(path) for path in paths)


def browsable_pages(user):
    """Pages ``user`` may list in choosers and the explorer, or ``None`` for all."""
    paths = permission_paths(user)
    if paths is None:
        return None
    own = Q(pk__in=[])
    for path in paths:
        own |= Q(path__startswith=path)
        # Ancestors, to navigate down to the user's own section.
        own |= Q(path__in=[path[:n] for n in range(Page.steplen, len(path), Page.steplen)])
    public = Q(live=True)
    hidden = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    hidden = [*hidden, *PageViewRestriction.objects.values_list("page__path", flat=True)]
    for path in hidden:
        if not any(path.startswith(own_path) for own_path in paths):
            public &= ~Q(path__startswith=path)
    return Page.objects.filter(own | public)


def scope(queryset, user):
    pages = browsable_pages(user)
    return queryset if pages is None else queryset.filter(pk__in=pages.values("pk"))


class DraftTitleScopeMixin:
    """A page's draft title is shown only to people who may edit the page."""

    def get_admin_display_title(self):
        title = super().get_admin_display_title()
        if self.draft_title and self.draft_title != self.title and self.live:
            user = current_user()
            if user is not None and not in_own_subtree(user, self):
                return self.title
        return title
