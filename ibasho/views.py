"""The GeoJSON the map reads: every live public ibasho with a location."""

import json
from decimal import Decimal

from django.http import HttpResponse

from events.public_urls import absolute_page_url, site_root_path

from .models import IbashoPage


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def geojson(request):
    """Every live public ibasho with a location, as GeoJSON ([longitude, latitude]); only
    public fields (no meeting links, no contact persons)."""
    features = []
    root = site_root_path()
    for place in IbashoPage.visible():
        if not place.has_location:
            continue
        features.append(
            {
                "type": "Feature",
                "id": place.pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [_number(place.longitude), _number(place.latitude)],
                },
                "properties": {
                    "name": place.title,
                    "url": absolute_page_url(place, root),
                    "kind": place.get_kind_display(),
                    "who": place.audience_label,
                    "area": place.area,
                    "address": place.venue_address,
                    "station": place.nearest_station,
                    "schedule": place.schedule_text,
                    "free": place.fee == 0,
                    "step_free": place.step_free,
                    "organisation": place.host.title if place.host else "",
                },
            }
        )
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response
