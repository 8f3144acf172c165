"""Text that comes in from outside (forms, query strings, page titles) loses the control
characters nobody types on purpose: they break e-mail headers, calendar lines and
spreadsheets, and a title with a line break can hide what it says. Used at the edge:
form fields, filter queries and model validation of single-line fields."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, DEL, and the Unicode line/paragraph separators; tab,
# line feed and carriage return are treated separately (allowed in multi-line text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def single_line(value):
    """One line of text: control characters removed, line breaks and tabs become one
    space, surrounding space trimmed."""
    if not value:
        return value
    return _LINE_BREAKS.sub(" ", _CONTROL.sub("", str(value))).strip()


def multi_line(value):
    """Text that may have several lines: control characters removed, CR LF and CR become
    LF."""
    if not value:
        return value
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def has_control_characters(value, allow_line_breaks=False):
    if not value:
        return False
    value = str(value)
    if _CONTROL.search(value):
        return True
    return not allow_line_breaks and bool(re.search(r"[\r\n\t]", value))


ONE_LINE_MESSAGE = _("Please write this on one line, without line breaks or control characters.")


def validate_single_line(value):
    """Model and form validator for single-line fields (titles, names, places)."""
    if has_control_characters(value):
        raise ValidationError(ONE_LINE_MESSAGE, code="control_characters")


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
