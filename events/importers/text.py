"""Plain text from untrusted calendar fields: HTML reduced to text, one-line values, and
links that may be shown (http and https only). Pure functions; control characters go as
everywhere else on the site (``home.plaintext``, which imports nothing of Django)."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from home.plaintext import multi_line

TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
SPACES = re.compile(r"[ \t\u3000]+")
BLANK_LINES = re.compile(r"\n{3,}")
BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
HIDDEN = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("・")

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def looks_like_html(value: str) -> bool:
    return bool(TAG.search(value))


def plain_text(value, limit=2000) -> str:
    """Readable text: tags dropped (scripts and styles with their content), entities
    decoded, control characters removed, spaces and blank lines collapsed."""
    value = str(value or "")
    if looks_like_html(value):
        extractor = _TextExtractor()
        try:
            extractor.feed(value)
            extractor.close()
            value = "".join(extractor.parts)
        except Exception:  # noqa: BLE001 - malformed markup: fall back to stripping tags
            value = html.unescape(TAG.sub(" ", value))
    value = multi_line(value)
    lines = [SPACES.sub(" ", line).strip() for line in value.split("\n")]
    value = BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return shorten(value, limit)


def one_line(value, limit) -> str:
    """A title or place: plain text on one line."""
    text = plain_text(value, limit=limit * 4)
    return shorten(" ".join(text.split()), limit)


def shorten(value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def safe_link(value, limit=500) -> str:
    """The link when it is an absolute http(s) URL without spaces, else ``""``."""
    url = str(value or "").strip()
    if not url or len(url) > limit or any(c.isspace() or ord(c) < 32 for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    return url
