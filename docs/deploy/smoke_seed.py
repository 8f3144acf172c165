"""Prepare the smoke test's database (run with `manage.py shell < this file`): an image
with a rendition, and print what the smoke client needs as KEY=value lines."""

import io

from django.core.files.images import ImageFile
from django.utils import timezone

from wagtail.images import get_image_model

from PIL import Image as PILImage

from events.bookings.availability import availability
from events.models import Occurrence

buffer = io.BytesIO()
PILImage.new("RGB", (64, 48), (40, 120, 110)).save(buffer, "PNG")
Image = get_image_model()
image = Image.objects.filter(title="smoke").first()
if image is None:
    image = Image(title="smoke")
    image.file.save("smoke.png", ImageFile(buffer, name="smoke.png"), save=False)
    image.save()
print(f"RENDITION={image.get_rendition('fill-32x24').url}")

candidates = (
    Occurrence.objects.filter(start__gt=timezone.now(), event__booking_mode="first_come")
    .exclude(status="cancelled")
    .select_related("event")
)
for occurrence in candidates.order_by("start")[:200]:
    if availability(occurrence).state in {"open", "few"}:
        print(f"BOOKING_PAGE={occurrence.event.url}{occurrence.original_date.isoformat()}/")
        break
