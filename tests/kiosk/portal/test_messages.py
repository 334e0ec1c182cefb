"""Every message key the queue, portal adapter and submissions service can hand to the UI exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import offline_cache.errors as queue_errors
from kiosk.i18n import Translator
from kiosk.portal import errors as portal_errors

ROOT = Path(__file__).resolve().parents[3]


def _error_classes(module: object) -> list[type]:
    return [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Exception)
            and hasattr(v, "message_key")]


def test_every_error_names_a_message_that_exists() -> None:
    t = Translator("vi")
    classes = _error_classes(queue_errors) + _error_classes(portal_errors)
    assert len(classes) >= 14
    for cls in classes:
        assert t.has(cls.message_key), cls


def test_every_literal_queue_key_in_the_code_exists() -> None:
    t = Translator("en")
    files = [ROOT / "kiosk" / "submissions.py", ROOT / "kiosk" / "cli" / "queue.py",
             ROOT / "kiosk" / "cli" / "portal_sim.py", *sorted((ROOT / "kiosk" / "portal").rglob("*.py"))]
    keys = {k for f in files for k in re.findall(r'"(queue\.[a-z_0-9]+)"', f.read_text(encoding="utf-8"))}
    assert len(keys) > 20
    missing = sorted(k for k in keys if not t.has(k))
    assert missing == []
    for state in ("queued", "sending", "accepted", "rejected", "withdrawn"):
        assert t.has(f"queue.state_{state}")
    for status in range(1, 11):
        assert t.has(f"queue.status_{status}")
