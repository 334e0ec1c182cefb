"""Choose a service (at most six big choices per page), then see what it needs before starting.

services.md §6.1: citizens want to see "Giấy tờ cần mang", the fee and the time *before* they start; the details
page shows them, and "Bắt đầu" opens the form, prefilled from the chip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.buttons import BigButton
from ui.widgets.icons import ICONS

PER_PAGE = 6


def service_icon(spec: Any) -> str:
    icon = str(getattr(spec, "icon", "") or "")
    if icon in ICONS:
        return icon
    if getattr(spec, "kind", "") == "hospital":
        return "hospital"
    return CATALOGUE_ICONS.get(icon, "document")


# The catalogue names its pictures by meaning; these are the kiosk's drawings for them.
CATALOGUE_ICONS = {"id-card": "card", "house-key": "home", "suitcase": "suitcase", "baby": "baby",
                   "certificate": "document", "scales": "scales", "camera-car": "car", "family-shield": "shield",
                   "magnifier": "search", "hospital": "hospital"}


class ServicesScreen(Screen):
    name = "services"
    show_back = False
    step = 3

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.page = 0

    def enter(self) -> None:
        self.page = 0
        super().enter()

    def voice_key(self) -> str:
        return "services_title"

    def offered(self) -> list[Any]:
        # A ward office has no hospital desk: its kiosk (hospital.enabled = false) must not offer check-in.
        hospital = self.ctx.kiosk.hospital is not None
        return [s for s in self.ctx.kiosk.catalogue.services
                if s.kind != "lookup" and (hospital or s.kind != "hospital")]

    def build(self, layout: QVBoxLayout) -> None:
        lang = self.ctx.language
        layout.addWidget(self.title(self.t("services_title")))
        layout.addWidget(self.text(self.t("services_hint"), "hint"))
        services = self.offered()
        pages = max(1, -(-len(services) // PER_PAGE))
        self.page = min(self.page, pages - 1)
        buttons: list[BigButton] = []
        for spec in services[self.page * PER_PAGE:(self.page + 1) * PER_PAGE]:
            b = BigButton(spec.name.get(lang), service_icon(spec), role="secondary", tile=True, min_height=300)
            b.setObjectName(f"service_{spec.code}")
            b.clicked.connect(lambda _=False, code=spec.code: self._pick(code))
            buttons.append(b)
        layout.addWidget(self.choice_grid(buttons), 1)
        if pages > 1:
            more = self.button("services_more" if self.page < pages - 1 else "services_first", "next",
                               role="secondary")
            more.setObjectName("services_more")
            more.clicked.connect(lambda: self._turn(pages))
            layout.addWidget(more)

    def back(self) -> bool:
        if self.page > 0:
            self.page -= 1
            self.rebuild()
            return True
        return False

    def _turn(self, pages: int) -> None:
        self.page = (self.page + 1) % pages
        self.rebuild()

    def _pick(self, code: str) -> None:
        self.ctx.scratch["service"] = code
        self.ctx.scratch["return_to"] = "services"
        self.ctx.navigate("service_info")


class ServiceInfoScreen(Screen):
    name = "service_info"
    speaks_on_enter = True
    step = 3

    def voice_key(self) -> str:
        return "service_info_voice"

    def voice_params(self) -> dict[str, object]:
        spec = self._spec()
        return {"name": spec.name.get(self.ctx.language) if spec else ""}

    def _spec(self) -> Any:
        code = self.ctx.scratch.get("service")
        return self.ctx.kiosk.catalogue.get(code) if code else None

    def enter(self) -> None:
        super().enter()
        self.ctx.kiosk.session.set_reading_screen(True)

    def build(self, layout: QVBoxLayout) -> None:
        spec = self._spec()
        if spec is None:
            return
        lang = self.ctx.language
        layout.addWidget(self.title(spec.name.get(lang)))
        layout.addWidget(self.text(spec.agency_name.get(lang), "hint"))
        frame, inner = self.card_frame()
        inner.addWidget(self.text(self.t("bring_title"), "title"))
        if spec.bring:
            for item in spec.bring:
                inner.addWidget(self.text("•  " + item.get(lang)))
        else:
            inner.addWidget(self.text(self.t("bring_nothing")))
        layout.addWidget(frame)
        facts, box = self.card_frame()
        box.addWidget(self.text(self.t("fee_line", fee=self.ctx.kiosk.fee_text(spec, lang))))
        box.addWidget(self.text(self.t("time_line", days=spec.processing_working_days) if spec.processing_working_days
                                else self.t("time_same_day")))
        if spec.processing_note is not None:
            box.addWidget(self.text(spec.processing_note.get(lang), "hint"))
        layout.addWidget(facts)
        layout.addStretch(1)
        start = self.button("service_start", "next", role="success", min_height=150)
        start.setObjectName("service_start")
        start.clicked.connect(self._start)
        layout.addWidget(start)

    def _start(self) -> None:
        spec = self._spec()
        session = self.ctx.kiosk.session
        form = self.ctx.kiosk.new_form(spec, session.identity, self.ctx.language)
        self.ctx.scratch.pop("return_to", None)
        session.choose_service(spec.code, form)
