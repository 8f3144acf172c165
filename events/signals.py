"""Keep derived data in step with publishing: occurrences (materialise on publish, withdraw
on unpublish or delete), the feed SEQUENCE, cached feeds (and the CDN), and an event's
host when the page moves."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.http_cache import invalidate_documents

from .feeds import record_sequence
from .importers.signals import partner_events_changed
from .models import EventCategory, EventPage, PartnerFeed
from .occurrences import materialise, withdraw


# Receivers take every page and check the type: subclasses of EventPage (ibasho places)
# send these signals with their own class as the sender.
@receiver(page_published)
def event_published(sender, instance, **kwargs):
    if not isinstance(instance, EventPage):
        return
    record_sequence(instance)
    materialise(instance)
    grant_co_host_permissions(instance)
    purge_feeds(instance)


CO_HOST_PERMISSIONS = ("change_page", "lock_page")


def grant_co_host_permissions(event):
    """Co-hosts' editors may edit a joint event page (not publish it): a per-page
    permission for each co-host's editors' group, removed when the co-host is removed."""
    from django.contrib.auth.models import Permission

    from wagtail.models import GroupPagePermission

    from home.models import OrganisationPage

    wanted = {o.editors_group_id for o in event.co_hosts.all() if o.editors_group_id}
    partner_groups = OrganisationPage.objects.exclude(editors_group=None).values("editors_group")
    GroupPagePermission.objects.filter(page=event, group__in=partner_groups).exclude(
        group__in=wanted
    ).delete()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=CO_HOST_PERMISSIONS
    )
    for group_id in wanted:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group_id=group_id, page=event, permission=permission
            )


@receiver(page_unpublished)
def event_unpublished(sender, instance, **kwargs):
    if not isinstance(instance, EventPage):
        return
    withdraw(instance)
    purge_feeds(instance)


@receiver(pre_delete, sender=EventPage)
def event_deleted(sender, instance, **kwargs):
    withdraw(instance, keep_title=True)


@receiver(post_page_move)
def event_moved(sender, instance, parent_page_after, **kwargs):
    if not issubclass(sender, EventPage):
        return
    # The host is the parent organisation; moving an event to another one changes it.
    EventPage.objects.filter(pk=instance.pk).update(host_id=parent_page_after.pk)
    invalidate_documents()


# Anything that can change what a public feed shows makes every cached feed stale.
@receiver(page_published)
@receiver(page_unpublished)
def any_page_changed(sender, **kwargs):
    invalidate_documents()


@receiver(post_delete, sender=Page)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=EventCategory)
@receiver(post_save, sender=PartnerFeed)
@receiver(post_delete, sender=PartnerFeed)
@receiver(partner_events_changed)
def feed_inputs_changed(sender, **kwargs):
    invalidate_documents()


def purge_feeds(event):
    """Tell the CDN (if one is configured) that the feeds showing ``event`` changed. The
    event page's own paths are purged by Wagtail through ``get_cached_paths``."""
    invalidate_documents()
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    urls = [f"{settings.BASE_URL}/events/calendar.ics"]
    if event.category_id:
        urls.append(f"{settings.BASE_URL}/events/category/{event.category.slug}.ics")
    organisations = [event.host, *event.co_hosts.all()]
    urls += [f"{settings.BASE_URL}/partners/{o.slug}/calendar.ics" for o in organisations if o]
    purge_urls_from_cache(urls)
