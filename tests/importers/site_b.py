"""Site B of the two-site test, driven from the test through subprocesses:
``python -m tests.importers.site_b seed <feed-url-of-A>|change|refresh|shown``
(DJANGO_SETTINGS_MODULE=tests.importers.site_b_settings, its own DATABASE_URL)."""

import json
import sys

import django


def main(command, *args):
    django.setup()
    from tests.conftest import build_site_tree

    from . import sharing

    if command == "seed":
        tree = build_site_tree()
        sharing.build_events(tree, "B", weekday=6, hour=13)
        sharing.subscribe(tree, args[0])
    elif command == "change":
        sharing.change_events("B")
    elif command == "refresh":
        from events.importers.service import refresh_due_feeds

        for outcome in refresh_due_feeds(every=True):
            print(outcome.summary())
    elif command == "shown":
        print(json.dumps(sharing.shown(), ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
