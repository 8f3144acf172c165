"""Partner calendars: fetch (``fetch``), read (``parse``, run in a budgeted subprocess by
``isolated``), store (``sync``) and refresh on a schedule (``service``).

``parse``, ``rules``, ``text`` and ``isolated`` import nothing of Django, so the parser can
run in a small child process with its own time and memory limits.
"""
