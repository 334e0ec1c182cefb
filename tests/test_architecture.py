"""The project's modules import each other without circles, counting imports made only for type checking.

A circle makes the import order matter and hides which module owns what; it is found here as a strongly connected
component of the import graph (grimp, the graph import-linter checks its contracts on).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

PACKAGES = ("kiosk", "ui", "devices", "printing", "offline_cache")

# Packages whose inner circles are still being taken apart: a circle entirely inside one of them does not fail yet;
# any other does. None now (the window and the journey core are free of circles): every circle fails.
BEING_REWORKED: tuple[str, ...] = ()


def _inside(component: frozenset[str], package: str) -> bool:
    return all(m == package or m.startswith(package + ".") for m in component)


def circles(graph: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """Every strongly connected component with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_cycle_finder_finds_a_circle_through_three_modules_and_ignores_a_chain() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": []}
    assert circles(graph) == [frozenset({"a", "b", "c"})]


@pytest.fixture(scope="module")
def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)
    return {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}


def test_no_module_imports_itself_through_others(import_graph: dict[str, set[str]]) -> None:
    found = circles(import_graph)
    outside = [sorted(c) for c in found if not any(_inside(c, package) for package in BEING_REWORKED)]
    assert not outside, f"import circles: {outside}"


def _sources() -> list[tuple[str, str]]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # ui/ is left out: the window is being reworked onto the journey core.
    return [(str(path.relative_to(root)), path.read_text(encoding="utf-8"))
            for package in PACKAGES if package != "ui" for path in sorted((root / package).rglob("*.py"))]


def test_the_vietnam_time_zone_the_language_choice_and_submission_ids_are_defined_once() -> None:
    import re

    rules = {
        "the UTC+7 offset": (re.compile(r"timedelta\(hours=7\)|ZoneInfo\(\s*[\"']Asia/Ho_Chi_Minh"),
                             {"kiosk/vietnam.py"}),
        "the vi/en choice": (re.compile(r"\"en\" if [\w.()]+ == \"en\" else \"vi\""), {"kiosk/i18n/__init__.py"}),
        "the Language type": (re.compile(r"= Literal\[\"vi\", \"en\"\]"),
                              # printing/ sits below kiosk/ and may not import it, so it names the type itself
                              {"kiosk/i18n/__init__.py", "printing/labels.py"}),
        "a submission ID": (re.compile(r"(submission_id|sid)\b.*(uuid\.uuid4\(\)|token_hex\(16\))"), set()),
    }
    found = {what: sorted(name for name, text in _sources() if pattern.search(text)) for what, (pattern, _) in
             rules.items()}
    assert {what: names for what, names in found.items() if set(names) - rules[what][1]} == {}
    assert {what: set(names) for what, names in found.items() if what != "a submission ID"} == {
        what: allowed for what, (_, allowed) in rules.items() if what != "a submission ID"}


def test_the_language_choice_keeps_english_and_takes_anything_else_as_vietnamese() -> None:
    from kiosk.i18n import language_of

    assert [language_of(x) for x in ("en", "vi", "", "EN", "fr")] == ["en", "vi", "vi", "vi", "vi"]


def test_the_kiosk_mints_submission_ids_as_the_queue_does() -> None:
    import uuid

    from kiosk.operations import Operations

    minted = {Operations.new_submission_id() for _ in range(50)}
    assert len(minted) == 50
    assert all(uuid.UUID(sid).version == 4 and str(uuid.UUID(sid)) == sid for sid in minted)
