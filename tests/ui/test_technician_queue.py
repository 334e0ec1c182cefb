"""Technician mode's queue tab tells staff about damaged rows and about a queue file that lost rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel

from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue
from tests.ui.conftest import TECH_PIN, ui_config
from tests.ui.test_staff_modes import secret_gesture


def test_queue_tab_shows_damaged_rows_and_lost_rows(make_kiosk: Any, tmp_path: Path) -> None:
    config = ui_config(tmp_path)
    queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    facts = ReceiptFacts("1.004194", "********1234", "1234", 0.0)
    ids = [queue.enqueue("1.004194", {"n": i}, facts).submission_id for i in range(3)]
    queue.close()
    conn = sqlite3.connect(config.queue.db_path)
    conn.execute("UPDATE submissions SET state='damaged', last_error='damaged_payload' WHERE id=?", (ids[0],))
    conn.execute("DELETE FROM submissions WHERE id=?", (ids[1],))  # a row lost behind the kiosk's back
    conn.commit()
    conn.close()

    driver = make_kiosk()
    secret_gesture(driver)
    driver.type(TECH_PIN, "pin_pad", submit=True)
    driver.wait_page("technician")
    driver.tap("tech_tab_queue")
    labels = [w for w in driver.window.findChildren(QLabel) if w.isVisible()]
    text = "\n".join(w.text() for w in labels)
    assert f"{driver.kiosk.translate('ui.queue_damaged', 'vi')}: 1" in text
    warnings = [w.text() for w in labels if w.objectName() == "tech_queue_warning"]
    expected = driver.kiosk.translate("queue.incident_rows_missing", "vi", expected=3, found=2)
    assert warnings == ["✗ " + expected]
