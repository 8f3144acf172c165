"""The control characters nobody types on purpose, removed from text: the pure half of
``home.text``, with nothing of Django, so that the sandboxed calendar parser
(``events.importers.isolated``) can use it in its small child process."""

import re

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


def has_control_characters(value):
    """Whether one-line text holds a control character, a line break or a tab."""
    if not value:
        return False
    return bool(_CONTROL.search(str(value)) or _LINE_BREAKS.search(str(value)))
