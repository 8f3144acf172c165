"""Settings for ``bench/bench_bookings.py``: production, with the static files in a temp dir.

``cms.settings.production`` keeps its static files in ``<project>/static`` through
WhiteNoise's manifest storage, so every page that uses ``{% static %}`` needs
``collectstatic`` to have run there first (otherwise it answers 500: "Missing staticfiles
manifest entry"). The load test must not write into the project, so this module is the
production settings unchanged except that ``STATIC_ROOT`` comes from ``BENCH_STATIC_ROOT``
(a temporary folder the benchmark fills with ``collectstatic`` and removes afterwards).
"""

import os

from cms.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
