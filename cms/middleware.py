"""Small project middleware."""


class LanguageByPathOnlyMiddleware:
    """The language is decided by the URL alone (Japanese at the root, English under /en/),
    so responses need no ``Vary: Accept-Language``; dropping it lets a CDN cache one copy.
    Place it before ``LocaleMiddleware`` so its response step runs after that one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        vary = response.get("Vary")
        if vary:
            kept = [v.strip() for v in vary.split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
