"""Text that comes in from outside (forms, query strings, page titles) loses the control
characters nobody types on purpose: they break e-mail headers, calendar lines and
spreadsheets, and a title with a line break can hide what it says. Used at the edge:
form fields, filter queries and model validation of single-line fields. The pure
functions live in ``home.plaintext`` (nothing of Django) and are re-exported here."""

from django.utils.translation import gettext_lazy as _

from .plaintext import has_control_characters, multi_line, single_line

__all__ = [
    "ONE_LINE_MESSAGE",
    "PlainTextFormMixin",
    "has_control_characters",
    "multi_line",
    "single_line",
    "single_line_errors",
]

ONE_LINE_MESSAGE = _("Please write this on one line, without line breaks or control characters.")


def single_line_errors(instance):
    """``{field: message}`` for the instance's single-line text fields (``CharField``s)
    that hold line breaks or control characters; for a model's ``clean()``."""
    from django.db import models

    errors = {}
    for field in instance._meta.concrete_fields:
        if type(field) is models.CharField or isinstance(field, models.SlugField):
            value = getattr(instance, field.attname, None)
            if isinstance(value, str) and has_control_characters(value):
                errors[field.name] = ONE_LINE_MESSAGE
    return errors


class PlainTextFormMixin:
    """For public forms: every text value loses control characters; one-line inputs lose
    line breaks too (multi-line text areas keep theirs)."""

    def clean(self):
        from django import forms

        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(value, str):
                keep_lines = isinstance(field.widget, forms.Textarea)
                cleaned[name] = multi_line(value) if keep_lines else single_line(value)
        return cleaned
