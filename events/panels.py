"""Admin panels for events."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import Panel


class NextOccurrencesPanel(Panel):
    """Lists the next dates the schedule gives, so editors can check a rule before
    publishing. It reads the page being edited (the latest draft), not the live table."""

    def __init__(self, count=8, **kwargs):
        self.count = count
        kwargs.setdefault("heading", _("Next dates"))
        super().__init__(**kwargs)

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["count"] = self.count
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/panels/next_occurrences.html"

        def get_context_data(self, parent_context=None):
            from .occurrences import apply_exceptions, horizon_days
            from .schedule_text import format_range_ja
            from .schedules import expand

            context = super().get_context_data(parent_context)
            page = self.instance
            rows, error = [], None
            if page is not None and page.start_date:
                try:
                    now = timezone.now()
                    times = expand(
                        page.schedule, now, now + datetime.timedelta(days=horizon_days())
                    )
                    exceptions = list(page.exceptions.all())
                    for item in apply_exceptions(times, exceptions)[: self.panel.count]:
                        rows.append(
                            {
                                "text": format_range_ja(item.start, item.end, item.all_day),
                                "status": item.status,
                                "note": item.note,
                            }
                        )
                    context["description"] = page.schedule_text
                except (ValueError, TypeError) as exc:  # an incomplete draft
                    error = str(exc)
            context.update({"rows": rows, "error": error})
            return context
