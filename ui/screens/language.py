"""Language screen: Vietnamese first, English second (services.md §5.4); the header switch works everywhere else."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen


class LanguageScreen(Screen):
    name = "language"
    show_back = False
    step = 0

    def build(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("language_title")))
        layout.addWidget(self.text(self.t("language_hint"), "hint"))
        vi_button = self.button("Tiếng Việt", "globe", min_height=200, translate=False)
        vi_button.setObjectName("lang_vi")
        en_button = self.button("English", "globe", role="secondary", min_height=200, translate=False)
        en_button.setObjectName("lang_en")
        vi_button.clicked.connect(lambda: self._choose("vi"))
        en_button.clicked.connect(lambda: self._choose("en"))
        layout.addWidget(vi_button)
        layout.addWidget(en_button)
        layout.addStretch(1)

    def voice_key(self) -> str:
        return "language_title"

    def _choose(self, language: str) -> None:
        self.ctx.kiosk.session.choose_language(language)
