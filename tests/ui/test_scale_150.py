"""Every screen of every journey lays out at 150 % text (WCAG 2.2 §1.4.4 Resize Text) without losing words: the
scripted persona plays every service of the catalogue, the status look-up and the withdrawal through the window
with "150%" chosen on the header, and on each screen no label or button has text cut off or elided; one more
journey does the same with high contrast on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.ui.test_persona_replay import hold_portal_still, silent
from ui import theme
from ui.demo import choose_display, every_journey_in_window
from ui.widgets.buttons import BigButton


def clipped(window: QWidget) -> list[str]:
    """What is cut off on screen now: `kind:objectName:text` of every visible label or button whose text needs
    more room than it has (a wrapping label: the wrapped text's height; otherwise the one line's width)."""
    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 1:
            continue
        if isinstance(widget, BigButton):
            if not widget.text_fits():
                found.append(f"button:{widget.objectName()}:{widget.text()}")
        elif isinstance(widget, QAbstractButton) and widget.text():
            if widget.fontMetrics().horizontalAdvance(widget.text()) > widget.contentsRect().width():
                found.append(f"button:{widget.objectName()}:{widget.text()}")
        elif isinstance(widget, QLabel) and widget.text() and widget.textFormat() != Qt.TextFormat.RichText:
            area = widget.contentsRect().adjusted(widget.margin(), widget.margin(), -widget.margin(),
                                                  -widget.margin())
            metrics = widget.fontMetrics()
            if widget.wordWrap():
                need = metrics.boundingRect(area, int(widget.alignment()) | Qt.TextFlag.TextWordWrap, widget.text())
                if need.height() > area.height() + 1:
                    found.append(f"label:{widget.objectName()}:{widget.text()[:40]}")
            elif max(metrics.horizontalAdvance(line) for line in widget.text().splitlines() or [""]) > area.width():
                found.append(f"label:{widget.objectName()}:{widget.text()[:40]}")
    return found


def watch_every_screen(driver: Any, high_contrast: bool = False) -> dict[str, list[str]]:
    """On every new screen the persona meets: choose 150 % (again after each wipe), then note what is cut off."""
    seen: dict[str, list[str]] = {}

    def look(name: str) -> Path | None:
        choose_display(driver, 1.5, high_contrast)
        driver.settle()
        assert theme.current().scale == 1.5 and theme.current().high_contrast is high_contrast
        seen[f"{len(seen):03d} {name}"] = clipped(driver.window)
        return None

    driver.shot = look
    return seen


def test_every_screen_of_every_journey_lays_out_at_150_percent(make_kiosk: Any, tmp_path: Path) -> None:
    driver = make_kiosk(hospital={"enabled": True, "queue_db": str(tmp_path / "h.db")})
    hold_portal_still(driver.kiosk)
    seen = watch_every_screen(driver)
    services = [s.code for s in driver.visit.offered_services()]
    rows = every_journey_in_window(driver, services, speech=silent(), shots=True)
    assert [r.service for r in rows] == [*services, "status_lookup", "withdrawal"]
    kinds = {name.split()[1].split(":")[0] for name in seen}
    assert {"welcome", "services", "question", "review", "done", "status", "withdraw_done"} <= kinds
    assert {name: cut for name, cut in seen.items() if cut} == {}


def test_a_journey_at_150_percent_in_high_contrast_lays_out_too(make_kiosk: Any, tmp_path: Path) -> None:
    driver = make_kiosk(hospital={"enabled": True, "queue_db": str(tmp_path / "h.db")})
    hold_portal_still(driver.kiosk)
    seen = watch_every_screen(driver, high_contrast=True)
    every_journey_in_window(driver, ["id_confirmation"], speech=silent(), shots=True, lookups=())
    assert len(seen) >= 5
    assert {name: cut for name, cut in seen.items() if cut} == {}


def test_the_check_finds_a_cut_label_and_a_cut_button(qtbot: Any) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    page.resize(400, 400)
    wrapped = QLabel("Một câu rất dài không thể nào nằm gọn trong một ô nhỏ như thế này được", page)
    wrapped.setObjectName("wrapped")
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 0, 120, 30)
    line = QLabel("Một dòng dài không xuống dòng", page)
    line.setObjectName("line")
    line.setGeometry(0, 40, 60, 40)
    button = BigButton("Gửi hồ sơ và in biên nhận ngay bây giờ cho người dân mang về nhà " * 3, "", parent=page)
    button.setObjectName("button")
    button.setGeometry(0, 100, 120, 40)
    roomy = QLabel("Có", page)
    roomy.setGeometry(0, 200, 300, 80)
    page.show()
    assert sorted(entry.split(":")[1] for entry in clipped(page)) == ["button", "line", "wrapped"]
