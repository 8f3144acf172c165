"""Keep occurrences in step with publishing: publish → materialise, unpublish or
delete → withdraw; and keep an event's host in step with the tree."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import EventPage
from .occurrences import materialise, withdraw


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    materialise(instance)


@receiver(page_unpublished, sender=EventPage)
def event_unpublished(sender, instance, **kwargs):
    withdraw(instance)


@receiver(pre_delete, sender=EventPage)
def event_deleted(sender, instance, **kwargs):
    withdraw(instance, keep_title=True)


@receiver(post_page_move, sender=EventPage)
def event_moved(sender, instance, parent_page_after, **kwargs):
    # The host is the parent organisation; moving an event to another one changes it.
    EventPage.objects.filter(pk=instance.pk).update(host_id=parent_page_after.pk)
