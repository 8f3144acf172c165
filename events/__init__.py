"""Events: categories, event pages with their schedules, the materialised occurrences, bookings
and calendar feeds. The map of the modules is in docs/architecture.md.

Layering rule (checked by tests/architecture/test_layers.py, imports inside functions
count): each layer imports only the layers below it, never one above, with no cycles.

    pure      choices, schedules, schedule_text, categories      import nothing of ours
    records   models.records (categories, Occurrence, feed state), bookings.models,
              models.counters (the anonymous statistics counters)
    services  occurrences (materialise), bookings.locking / availability / registration /
              lottery / slots / mail / retention / tokens / web / forms, public_urls,
              tally, statistics.figures / report, pdf
    pages     models.mixins, models.pages, models.index, panels, forms, widgets, filters,
              calendar, event_context, flyers and programme (the context helpers of the
              pages' routes)
    edges     publishing, feeds/, embed/, statistics charts / export / views, signals,
              views, admin views, wagtail_hooks, tasks, templatetags, management commands,
              demo content and statistics, factories

Only urls.py and wagtail_hooks.py import view modules. ``events`` imports neither ``ibasho``
nor ``cms``; ``home`` knows nothing of events or places. A venue that is an ibasho is a
lazy "ibasho.IbashoPage" reference.
"""
