"""A small HTTP client for the deployment checks (smoke.py, stack_client.py) and the
two-app-server tests: standard library only, one connection per request.

It keeps cookies by hand: production's cookies are Secure, and the standard cookie jar
would not send them over the plain connection a pretend proxy uses. Two ways to reach
the site:

- through a real TLS proxy: ``Browser("https://127.0.0.1:8443", cafile=...)``;
- as the proxy itself, straight to gunicorn: ``Browser("http://127.0.0.1:8000",
  forwarded_for="198.51.100.23")`` sends ``X-Forwarded-Proto: https`` and the visitor's
  address in ``X-Forwarded-For``, as nginx does.
"""

import http.client
import re
import ssl
import urllib.parse

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name.lower(), "")


class Browser:
    def __init__(self, base, *, cafile=None, forwarded_for=None, user_agent="ibasho-check"):
        parts = urllib.parse.urlsplit(base)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.context = ssl.create_default_context(cafile=cafile) if cafile else None
        self.forwarded_for = forwarded_for
        self.user_agent = user_agent
        self.cookies = {}

    def origin(self):
        """The site's own origin: HTTPS, whether we are the proxy or behind it."""
        return f"https://{self.host}:{self.port}"

    def request(self, method, path, body=None, headers=None):
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=30, context=self.context
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": self.user_agent}
        if self.forwarded_for is not None:
            sent.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": self.forwarded_for})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            received = {}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, val = value.split(";", 1)[0].partition("=")
                    self.cookies[key.strip()] = val.strip()
                received[name.lower()] = value
            return Response(raw.status, received, raw.read())
        finally:
            connection.close()

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path, data, headers=None):
        """A form POST as a browser on the site's page sends it (Origin and Referer)."""
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin(),
            "Referer": self.origin() + path,
        }
        sent.update(headers or {})
        return self.request("POST", path, body=urllib.parse.urlencode(data), headers=sent)

    def csrf_token(self, path):
        """The CSRF token of the form on ``path`` (None when the page has no form)."""
        match = CSRF_FIELD.search(self.get(path).text)
        return match.group(1) if match else None
