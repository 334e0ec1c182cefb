from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.speech.normaliser import SpeechNormaliser
from kiosk.speech.numbers import number_vi


@functools.cache
def _shared() -> SpeechNormaliser:
    return SpeechNormaliser.from_catalogue()


@pytest.fixture(scope="module")
def norm() -> SpeechNormaliser:
    return _shared()


@pytest.mark.parametrize(("n", "words"), [
    (0, "không"), (10, "mười"), (11, "mười một"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"),
    (25, "hai mươi lăm"), (105, "một trăm linh năm"), (110, "một trăm mười"), (1005, "một nghìn không trăm linh năm"),
    (2025, "hai nghìn không trăm hai mươi lăm"), (15000, "mười lăm nghìn"), (1_500_000, "một triệu năm trăm nghìn"),
    (2_000_050, "hai triệu không trăm năm mươi"), (1_000_000_000, "một tỷ"),
])
def test_numbers_follow_vietnamese_reading_rules(n: int, words: str) -> None:
    assert number_vi(n) == words


def test_a_date_is_read_as_day_month_year(norm: SpeechNormaliser) -> None:
    assert norm.normalise("12/3/2025", "vi") == "ngày mười hai tháng ba năm hai nghìn không trăm hai mươi lăm"


def test_april_is_thang_tu_and_other_separators_work(norm: SpeechNormaliser) -> None:
    assert norm.normalise("Hẹn 05-04-2026.", "vi") == (
        "Hẹn ngày năm tháng tư năm hai nghìn không trăm hai mươi sáu.")


def test_an_impossible_date_is_not_read_as_a_date(norm: SpeechNormaliser) -> None:
    assert "tháng" not in norm.normalise("31/02/2025", "vi")


def test_phone_numbers_are_read_digit_by_digit_in_their_groups(norm: SpeechNormaliser) -> None:
    expected = "không chín một hai, ba bốn năm, sáu bảy tám"
    assert norm.normalise("0912 345 678", "vi") == expected
    assert norm.normalise("0912345678", "vi") == expected
    assert norm.normalise("0912.345.678", "vi") == expected
    assert norm.normalise("+84 912 345 678", "vi") == "cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám"


def test_hotlines_are_read_digit_by_digit(norm: SpeechNormaliser) -> None:
    assert norm.normalise("Gọi 1900 1234", "vi") == "Gọi một chín không không, một hai ba bốn"


@pytest.mark.parametrize(("written", "spoken"), [
    ("Thẻ BHYT", "Thẻ bảo hiểm y tế"),
    ("UBND phường", "ủy ban nhân dân phường"),
    ("CCCD hoặc CMND", "căn cước công dân hoặc chứng minh nhân dân"),
    ("Phiếu LLTP", "Phiếu lý lịch tư pháp"),
    ("TP.HCM", "thành phố Hồ Chí Minh"),
    ("HĐND", "hội đồng nhân dân"),
])
def test_abbreviations_are_expanded(norm: SpeechNormaliser, written: str, spoken: str) -> None:
    assert norm.normalise(written, "vi") == spoken


def test_abbreviations_inside_other_words_are_left_alone(norm: SpeechNormaliser) -> None:
    assert norm.normalise("TPBank", "vi") == "TPBank"


def test_times(norm: SpeechNormaliser) -> None:
    assert norm.normalise("14:30", "vi") == "mười bốn giờ ba mươi phút"
    assert norm.normalise("8h30 sáng", "vi") == "tám giờ ba mươi phút sáng"
    assert norm.normalise("lúc 8h", "vi") == "lúc tám giờ"
    assert norm.normalise("08:05", "vi") == "tám giờ năm phút"


def test_amounts_use_dots_for_thousands_and_commas_for_decimals(norm: SpeechNormaliser) -> None:
    assert norm.normalise("Phí 1.500.000đ", "vi") == "Phí một triệu năm trăm nghìn đồng"
    assert norm.normalise("2,5 kg", "vi") == "hai phẩy năm kg"
    assert norm.normalise("giảm 50%", "vi") == "giảm năm mươi phần trăm"


def test_file_codes_are_spelled(norm: SpeechNormaliser) -> None:
    assert norm.normalise("H26.01-0001", "vi") == "hát hai sáu, không một, không không không một"
    assert norm.normalise("Mẫu CT01", "vi") == "Mẫu xê tê không một"


def test_long_identifiers_are_read_in_threes(norm: SpeechNormaliser) -> None:
    assert norm.normalise("001090012345", "vi") == (
        "không không một, không chín không, không một hai, ba bốn năm")


def test_progress_and_plain_numbers(norm: SpeechNormaliser) -> None:
    assert norm.normalise("Bước 2/5", "vi") == "Bước hai trên năm"
    assert norm.normalise("có 125 người", "vi") == "có một trăm hai mươi lăm người"


def test_text_is_nfc_normalised(norm: SpeechNormaliser) -> None:
    decomposed = "Nguye\u0302\u0303n"
    assert norm.normalise(decomposed, "vi") == "Nguyễn"


def test_english_equivalents(norm: SpeechNormaliser) -> None:
    assert norm.normalise("12/3/2025", "en") == "12 March 2025"
    assert norm.normalise("BHYT card", "en") == "health insurance card"
    assert norm.normalise("call 0912 345 678", "en") == "call zero nine one two, three four five, six seven eight"
    assert norm.normalise("fee 1.500.000đ", "en") == "fee 1500000 dong"
    assert norm.normalise("2,5%", "en") == "2 point five percent"


def test_every_acronym_in_the_catalogue_has_both_languages_and_no_digits() -> None:
    from kiosk.i18n import load_catalogue

    acronyms = {k: v for k, v in load_catalogue().items() if k.startswith("speech.acronym_")}
    assert len(acronyms) >= 10
    for texts in acronyms.values():
        assert texts["vi"] and texts["en"] and not any(c.isdigit() for c in texts["vi"] + texts["en"])


def test_every_session_prompt_normalises_to_text_without_digits(norm: SpeechNormaliser) -> None:
    from kiosk.i18n import Translator

    t = Translator()
    for key in [k for k in t.catalogue if k.startswith("session.")]:
        for lang in ("vi", "en"):
            t.language = lang  # type: ignore[assignment]
            text = t.text(key, file_code="H26.01-0001", seconds=30, step=2, total=5)
            if lang == "vi":
                assert not any(c.isdigit() for c in norm.normalise(text, lang)), key


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 /.,:-+%đhABHYTUNDCQa", max_size=40))
def test_no_digit_is_left_for_espeak_to_guess_in_vietnamese(text: str) -> None:
    spoken = _shared().normalise(text, "vi")
    assert not any(c.isdigit() for c in spoken), spoken
