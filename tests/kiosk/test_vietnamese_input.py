from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.vietnamese_input import InputMode, Tone, VietnameseComposer, compose, title_case

T, V, SIMPLE = InputMode.TELEX, InputMode.VNI, InputMode.SIMPLE


def test_telex_name_from_the_brief() -> None:
    assert compose("Nguyeenx Thij Huwowng", T) == "Nguyễn Thị Hương"


def test_vni_name_from_the_brief() -> None:
    assert compose("Nguye6n4 Thi5 Hu7o7ng", V) == "Nguyễn Thị Hương"


@pytest.mark.parametrize(("keys", "word"), [
    ("Traanf", "Trần"), ("Vieejt Nam", "Việt Nam"), ("Dduwcs", "Đức"), ("truwowngf", "trường"),
    ("nguoiwf", "người"), ("huowng", "hương"), ("giuwax", "giữa"), ("gif", "gì"), ("quaws", "quắ"),
    ("quawng", "quăng"), ("khuyur", "khuỷu"), ("ngoaif", "ngoài"), ("muaf", "mùa"), ("cuar", "của"),
    ("ddi", "đi"), ("tw", "tư"), ("w", "ư"), ("Phuwowngf", "Phường"), ("Hoof Chis Minh", "Hồ Chí Minh"),
])
def test_telex_words(keys: str, word: str) -> None:
    assert compose(keys, T) == word


@pytest.mark.parametrize(("keys", "word"), [
    ("Tra6n2", "Trần"), ("Vie6t5 Nam", "Việt Nam"), ("D9u7c1", "Đức"), ("tru7o7ng2", "trường"),
    ("hoa2", "hoà"), ("so61 12", "số 12"), ("qua8ng", "quăng"), ("ba2", "bà"),
])
def test_vni_words(keys: str, word: str) -> None:
    assert compose(keys, V) == word


@pytest.mark.parametrize(("keys", "modern", "old"), [
    ("hoaf", "hoà", "hòa"), ("khoer", "khoẻ", "khỏe"), ("thuys", "thuý", "thúy"), ("hoas", "hoá", "hóa"),
])
def test_tone_placement_modern_and_old_style(keys: str, modern: str, old: str) -> None:
    assert compose(keys, T) == modern
    assert compose(keys, T, modern_tones=False) == old


@pytest.mark.parametrize(("keys", "word"), [("hoanf", "hoàn"), ("toans", "toán"), ("thuaanj", "thuận"),
                                            ("mias", "mía"), ("hoir", "hỏi"), ("quas", "quá")])
def test_tone_placement_with_final_consonants_and_qu(keys: str, word: str) -> None:
    assert compose(keys, T) == word


def test_tone_moves_when_the_syllable_grows() -> None:
    c = VietnameseComposer(T, modern_tones=False)
    for key in "hoaf":
        c.press(key)
    assert c.text == "hòa"
    c.press("n")
    assert c.text == "hoàn"


def test_doubled_keys_undo() -> None:
    assert compose("ass", T) == "as"
    assert compose("aaa", T) == "aa"
    assert compose("dddi", T) == "ddi"
    assert compose("oww", T) == "ow"


def test_z_and_0_remove_the_tone() -> None:
    assert compose("asz", T) == "a"
    assert compose("a10", V) == "a"


def test_tone_keys_without_a_vowel_are_letters() -> None:
    assert compose("str", T) == "str"
    assert compose("12", V) == "12"


def test_backspace_removes_the_last_letter_and_keeps_the_tone() -> None:
    c = VietnameseComposer(T)
    for key in "Nguyeenx":
        c.press(key)
    c.backspace()
    assert c.text == "Nguyễ"
    for _ in range(10):
        c.backspace()
    assert c.text == ""


def test_simple_mode_tone_and_shape_keys() -> None:
    c = VietnameseComposer(SIMPLE)
    for key in "Nguyen":
        c.press(key)
    assert c.apply_mark("ê") and c.apply_tone(Tone.NGA)
    c.press(" ")
    for key in "Thi":
        c.press(key)
    c.apply_tone(Tone.NANG)
    c.press(" ")
    for key in "Huong":
        c.press(key)
    assert c.apply_mark("ư")  # "uo" takes both horns: ươ
    assert c.text == "Nguyễn Thị Hương"


def test_simple_mode_letters_are_taken_literally() -> None:
    assert compose("Nguyeenx", SIMPLE) == "Nguyeenx"


def test_simple_mode_mark_with_nothing_to_change_types_the_letter() -> None:
    c = VietnameseComposer(SIMPLE)
    assert not c.apply_mark("đ")
    c.press("i")
    assert c.text == "đi"
    assert not c.apply_tone(Tone.SAC) or c.text == "đí"


def test_simple_mode_d_and_breve() -> None:
    c = VietnameseComposer(SIMPLE)
    for key in "dang":
        c.press(key)
    c.apply_mark("đ")
    c.apply_mark("ă")
    c.apply_tone(Tone.HUYEN)
    assert c.text == "đằng"


def test_a_tone_key_on_an_empty_field_does_nothing() -> None:
    c = VietnameseComposer(SIMPLE)
    assert not c.apply_tone(Tone.SAC) and c.text == ""


def test_names_are_title_cased() -> None:
    assert compose("nguyeenx thij huwowng", T, names=True) == "Nguyễn Thị Hương"
    assert title_case("NGUYỄN văn AN") == "Nguyễn Văn An"


def test_output_is_nfc_even_from_decomposed_input() -> None:
    c = VietnameseComposer(T)
    c.set_text(unicodedata.normalize("NFD", "Hương"))
    assert c.text == "Hương" and unicodedata.is_normalized("NFC", c.text)


def test_unknown_mark_and_multi_character_keys_are_refused() -> None:
    c = VietnameseComposer(T)
    with pytest.raises(ValueError):
        c.apply_mark("x")
    with pytest.raises(ValueError):
        c.press("ab")


def test_length_is_capped() -> None:
    c = VietnameseComposer(T, max_length=5)
    for key in "abcdefgh":
        c.press(key)
    assert len(c.text) == 5


@given(st.text(alphabet="abdeghiklmnoqtuvyAEOUD fjrswxz1234567890", max_size=30),
       st.sampled_from([T, V, SIMPLE]))
def test_any_keys_give_nfc_text_and_backspace_empties_it(keys: str, mode: InputMode) -> None:
    c = VietnameseComposer(mode)
    for key in keys:
        c.press(key)
    assert unicodedata.is_normalized("NFC", c.text)
    assert len(c.text) <= len(keys)
    for _ in range(len(c.text)):
        c.backspace()
    assert c.text == ""


@given(st.text(alphabet="bcghklmnpqtv ", max_size=20))
def test_keys_with_no_vowels_or_modifiers_are_typed_as_they_are(keys: str) -> None:
    assert compose(keys, T) == keys


def test_a_second_w_takes_back_a_lone_w_but_not_a_typed_u() -> None:
    assert compose("ww", T) == "w"
    assert compose("tww", T) == "tw"
    assert compose("tuww", T) == "tuw"


def test_capitals_keep_their_case_through_composition() -> None:
    assert compose("NGUYEENX", T) == "NGUYỄN"
    assert compose("DDUWCS", T) == "ĐỨC"
    assert compose("D9U7C1", V) == "ĐỨC"
