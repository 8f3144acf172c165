"""Admin forms for events."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

import recurrence
from recurrence import exceptions as recurrence_exceptions
from recurrence.forms import RecurrenceField as BaseRecurrenceFormField

from .widgets import RecurrenceRuleWidget


class RecurrenceRuleField(BaseRecurrenceFormField):
    """django-recurrence's form field with the Japanese rule editor and messages."""

    widget = RecurrenceRuleWidget

    def clean(self, value):
        if not value:
            return None
        try:
            recurrence.deserialize(value)
        except (recurrence_exceptions.DeserializationError, ValueError, TypeError):
            raise forms.ValidationError(
                _("The repeat settings could not be read. Check the dates (e.g. 2027-03-31)."),
                code="invalid",
            ) from None
        return super().clean(value)


class EventPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "recurrence" in self.fields:
            field = self.fields["recurrence"]
            self.fields["recurrence"] = RecurrenceRuleField(
                required=False, label=field.label, help_text=field.help_text
            )
        if "co_hosts" in self.fields:
            # Approved (live) organisations only, and those already chosen: the names of
            # partners still waiting for the ward's approval are nobody else's business.
            chosen = self.instance.co_hosts.all() if self.instance.pk else []
            field = self.fields["co_hosts"]
            field.queryset = field.queryset.filter(
                Q(live=True) | Q(pk__in=[org.pk for org in chosen])
            ).order_by("title")

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("recurrence")
        if rule and rule.rrules:
            first = rule.rrules[0]
            if first.freq == recurrence.WEEKLY and not first.byday:
                self.add_error(
                    "recurrence", _("Tick at least one day of the week for a weekly event.")
                )
            if first.freq == recurrence.MONTHLY and first.byday == []:
                self.add_error("recurrence", _("Tick the weeks and days of the month."))
        return cleaned
