"""The code's structure, read from its source with ``ast`` (every import, also those
inside functions; migrations and tests left out), so that it stays as
``docs/architecture.md`` describes it:

- no import cycle among the modules of cms/, home/, events/ and ibasho/;
- apps import one way only: ``home`` ← ``events`` ← ``ibasho``, and nothing imports
  ``cms`` (only ``cms`` may import everything);
- inside ``events``, layers import only downwards: pure → records → services → pages →
  edges;
- only ``urls.py`` and ``wagtail_hooks.py`` import view modules;
- no module over 500 lines.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cms", "home", "events", "ibasho")
LIMIT = 500

# What each app must never import.
NEVER = {"home": ("events", "ibasho", "cms"), "events": ("ibasho", "cms"), "ibasho": ("cms",)}

PURE, RECORDS, SERVICES, PAGES, EDGES = range(5)
LAYER_NAMES = ("pure", "records", "services", "pages", "edges")
# Every module of ``events`` has a layer; a new module must be given one here.
EVENTS_LAYERS = {
    "events": PURE,  # the package: only the layering rule, in its docstring
    "events.choices": PURE,
    "events.schedules": PURE,
    "events.schedule_text": PURE,
    "events.categories": PURE,
    "events.uids": PURE,
    "events.clientaddr": PURE,  # the client address behind trusted proxies: request only
    "events.models.records": RECORDS,
    "events.bookings.models": RECORDS,
    "events.models.counters": RECORDS,
    "events.importers.models": RECORDS,
    "events.occurrences": SERVICES,
    "events.public_urls": SERVICES,
    "events.ratelimits": SERVICES,
    "events.versions": SERVICES,
    "events.statistics": SERVICES,
    "events.statistics.figures": SERVICES,
    "events.statistics.report": SERVICES,
    "events.tally": SERVICES,
    "events.pdf": SERVICES,
    "events.pdf_typeset": SERVICES,
    "events.bookings": SERVICES,
    "events.bookings.locking": SERVICES,
    "events.bookings.availability": SERVICES,
    "events.bookings.registration": SERVICES,
    "events.bookings.lottery": SERVICES,
    "events.bookings.slots": SERVICES,
    "events.bookings.mail": SERVICES,
    "events.bookings.retention": SERVICES,
    "events.bookings.tokens": SERVICES,
    "events.bookings.web": SERVICES,
    "events.bookings.outcome": SERVICES,
    "events.bookings.recovery": SERVICES,
    "events.bookings.forms": SERVICES,
    "events.importers": SERVICES,
    "events.importers.signals": SERVICES,
    "events.importers.text": SERVICES,
    "events.importers.rules": SERVICES,
    "events.importers.reasons": SERVICES,
    "events.importers.fetch": SERVICES,
    "events.importers.parse": SERVICES,
    "events.importers.isolated": SERVICES,
    "events.importers.sync": SERVICES,
    "events.importers.service": SERVICES,
    "events.models": PAGES,
    "events.models.mixins": PAGES,
    "events.models.pages": PAGES,
    "events.models.index": PAGES,
    "events.models.share": PAGES,
    "events.panels": PAGES,
    "events.forms": PAGES,
    "events.widgets": PAGES,
    "events.filters": PAGES,
    "events.calendar": PAGES,
    "events.event_context": PAGES,
    "events.consistency": PAGES,
    "events.flyers": PAGES,
    "events.programme": PAGES,
}
EDGE_PREFIXES = (
    "events.publishing",
    "events.signals",
    "events.feeds",
    "events.bookings.views",
    "events.bookings.admin_views",
    "events.bookings.desk_views",
    "events.bookings.exports",
    "events.bookings.audit",
    "events.bookings.scopes",
    "events.bookings.urls",
    "events.bookings.tasks",
    "events.tasks",
    "events.wagtail_hooks",
    "events.apps",
    "events.templatetags",
    "events.management",
    "events.demo_content",
    "events.demo_statistics",
    "events.factories",
    "events.embed",
    "events.statistics.charts",
    "events.statistics.export",
    "events.statistics.views",
    "events.importers.admin",
    "events.importers.tasks",
    "events.importers.factories",
)


def modules():
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = modules()
# Every view module: its last dotted part is "views" or ends with it (admin_views,
# desk_views, partner_views, twofactor_views…), so a new one is covered without a list.
VIEW_MODULES = {name for name in MODULES if name.rpartition(".")[2].endswith("views")}


def _resolve(name):
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name):
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            hit = _resolve(target)
            if hit and hit != name:
                found.add(hit)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name):
    if name in EVENTS_LAYERS:
        return EVENTS_LAYERS[name]
    if name.startswith(EDGE_PREFIXES):
        return EDGES
    raise AssertionError(f"{name} has no layer: add it to EVENTS_LAYERS in {__file__}")


def test_the_graph_is_read_from_the_source():
    # The reader itself must see known imports, or every check below passes vacuously.
    assert "events.models.records" in GRAPH["events.bookings.lottery"]
    assert "events.bookings.registration" in GRAPH["events.models.pages"]
    assert len(MODULES) > 50


def test_no_import_cycles():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == []


def test_apps_import_one_way():
    wrong = [
        (name, target)
        for name, targets in GRAPH.items()
        for target in targets
        if target.split(".")[0] in NEVER.get(name.split(".")[0], ())
    ]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.split(".")[0] == "events"))
def test_events_layers_import_only_downwards(name):
    mine = layer(name)
    upward = [
        (target, LAYER_NAMES[layer(target)])
        for target in GRAPH[name]
        if target.startswith("events") and layer(target) > mine
    ]
    assert upward == [], f"{name} ({LAYER_NAMES[mine]}) imports a higher layer"


def test_pure_modules_import_nothing_of_ours_but_each_other():
    for name, rank in EVENTS_LAYERS.items():
        if rank == PURE:
            ours = {t for t in GRAPH[name] if layer(t) != PURE or not t.startswith("events")}
            assert ours == set(), name


def test_only_urls_and_hooks_import_views():
    # The derivation finds the view modules of every app, not an empty set.
    assert {
        "events.bookings.views",
        "events.bookings.desk_views",
        "events.embed.views",
        "ibasho.views",
        "home.views",
        "home.partner_views",
        "home.twofactor_views",
    } <= VIEW_MODULES
    importers = [
        (name, target)
        for name, targets in GRAPH.items()
        for target in targets & VIEW_MODULES
        if name.rpartition(".")[2] not in {"urls", "wagtail_hooks"}
    ]
    assert importers == []


def test_no_module_over_500_lines():
    large = {
        str(path.relative_to(ROOT)): count
        for path in MODULES.values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert large == {}
