"""What docs/deploy/stack.sh checks in the database (run with `manage.py shell < this
file`): the scheduler's jobs, the outbox, the task results, and the counts compared after a
restore. Prints one JSON object."""

import json

from django.db.models import Count

from wagtail.images import get_image_model
from wagtail.models import Page

from django_tasks_db.models import DBTaskResult

from cms.models import PeriodicJob
from cms.periodic import jobs
from events.bookings.models import Booking, OutgoingMail
from events.models import Occurrence

Image = get_image_model()
state = {
    "jobs_expected": [job.name for job in jobs()],
    "jobs": {
        row.name: {"runs": row.runs, "error": row.last_error, "owner": row.lease_owner}
        for row in PeriodicJob.objects.all()
    },
    "mail": [
        {"kind": mail.kind, "status": mail.status}
        for mail in OutgoingMail.objects.order_by("pk").only("kind", "status")
    ],
    "tasks": {
        f"{row['task_path']}:{row['status']}": row["n"]
        for row in DBTaskResult.objects.values("task_path", "status").annotate(n=Count("id"))
    },
    "counts": {
        "pages": Page.objects.count(),
        "live pages": Page.objects.live().count(),
        "occurrences": Occurrence.objects.count(),
        "bookings": Booking.objects.count(),
        "images": Image.objects.count(),
        "renditions": Image.get_rendition_model().objects.count(),
        "outgoing mail": OutgoingMail.objects.count(),
    },
}
print(json.dumps(state, ensure_ascii=False, sort_keys=True))
