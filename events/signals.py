"""Keep occurrences in step with publishing: publish → materialise, unpublish or
delete → withdraw."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

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
