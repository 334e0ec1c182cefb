from kiosk.i18n import LANGUAGES, Translator, load_catalogue


def test_every_message_has_every_language() -> None:
    missing = [(key, lang) for key, texts in load_catalogue().items() for lang in LANGUAGES if not texts.get(lang)]
    assert missing == []


def test_translator_switches_language_and_fills_placeholders() -> None:
    t = Translator(language="vi")
    vi = t.text("common.config_error", detail="x")
    t.language = "en"
    en = t.text("common.config_error", detail="x")
    assert vi != en and "x" in vi and "x" in en
