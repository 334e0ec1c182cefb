"""Vietnamese typing for the on-screen keyboard, without Qt: Telex, VNI and a simple tone-key mode for elderly users.

The engine keeps the typed text and re-composes the last syllable after every key, so a tone typed at the end of
a word ("Nguyeenx") lands on the right vowel ("Nguyễn") and moves when the syllable grows ("hoa" + f → "hoà",
then + n → "hoàn"). Text is always NFC (Unicode normalisation form C), the form the portal and the printer expect.

Tone placement (services.md §5.5) follows the "new style" (kiểu mới) rules used by current Vietnamese keyboards:
1. a vowel carrying a shape mark (ă â ê ô ơ ư) takes the tone; in "ươ" it is the ơ ("người", "Hương");
2. otherwise, with a final consonant the tone goes on the last vowel of the cluster ("hoàn", "thuận");
3. otherwise (an open syllable) three vowels put it on the middle one ("ngoài"), and two vowels on the first
   ("mía", "múa", "hỏi") except "oa", "oe", "uy", which put it on the second: "hoà", "khoẻ", "thuý" — the old
   style would write "hòa", "khỏe", "thúy" (choose it with `modern_tones=False`);
the "u" of "qu" and the "i" of "gi" (before another vowel) belong to the consonant ("quá", "giữa").
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

TONE_MARKS = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
_MARK_CHARS = frozenset(TONE_MARKS.values())
_VOWELS = frozenset("aăâeêioôơuưy")
_FINAL_CONSONANTS = frozenset("cmnptgh")
_MODERN_SECOND = frozenset({"oa", "oe", "uy"})


class Tone(StrEnum):
    SAC = "sac"
    HUYEN = "huyen"
    HOI = "hoi"
    NGA = "nga"
    NANG = "nang"


class InputMode(StrEnum):
    TELEX = "telex"
    VNI = "vni"
    SIMPLE = "simple"  # letters are typed as they are; tones and marks come from their own keys


TELEX_TONES = {"s": Tone.SAC, "f": Tone.HUYEN, "r": Tone.HOI, "x": Tone.NGA, "j": Tone.NANG}
VNI_TONES = {"1": Tone.SAC, "2": Tone.HUYEN, "3": Tone.HOI, "4": Tone.NGA, "5": Tone.NANG}
# The shape keys of simple mode and what each does to a plain vowel.
CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô", "ă": "â", "ơ": "ô"}
HORN = {"o": "ơ", "u": "ư", "ô": "ơ"}
BREVE = {"a": "ă", "â": "ă"}
MARK_KEYS = ("ă", "â", "ê", "ô", "ơ", "ư", "đ")


def _split(char: str) -> tuple[str, Tone | None]:
    """A letter into its toneless form (keeping ă â ê ô ơ ư) and its tone."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((Tone(name) for name, mark in TONE_MARKS.items() if mark in decomposed), None)
    bare = "".join(c for c in decomposed if c not in _MARK_CHARS)
    return unicodedata.normalize("NFC", bare), tone


def _with_tone(char: str, tone: Tone | None) -> str:
    if tone is None:
        return char
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", char) + TONE_MARKS[tone.value])


def _is_vowel(char: str) -> bool:
    return char.lower() in _VOWELS


def _is_letter(char: str) -> bool:
    return char.isalpha()


def _same_case(template: str, char: str) -> str:
    return char.upper() if template.isupper() else char


class Syllable:
    """The last word being typed: toneless letters plus one tone for the whole syllable."""

    def __init__(self, text: str) -> None:
        self.letters: list[str] = []
        self.tone: Tone | None = None
        for char in text:
            bare, tone = _split(char)
            self.letters.append(bare)
            self.tone = tone or self.tone

    def lower(self) -> str:
        return "".join(self.letters).lower()

    def vowel_indices(self) -> list[int]:
        """The vowel cluster (the first run of vowels), without the u of "qu" and the i of "gi"."""
        low = self.lower()
        indices: list[int] = []
        for i, char in enumerate(low):
            if char in _VOWELS:
                if indices and indices[-1] != i - 1:
                    break
                indices.append(i)
        if low.startswith("qu") and len(indices) > 1 and indices[0] == 1:
            indices = indices[1:]
        if low.startswith("gi") and len(indices) > 1 and indices[0] == 1:
            indices = indices[1:]
        return indices

    def tone_index(self, modern: bool = True) -> int | None:
        vowels = self.vowel_indices()
        if not vowels:
            return None
        low = self.lower()
        marked = [i for i in vowels if low[i] in "ăâêôơư"]
        if marked:
            return marked[-1]  # "ươ" → ơ; "uyê" → ê
        if vowels[-1] + 1 < len(low) and low[vowels[-1] + 1] in _FINAL_CONSONANTS:
            return vowels[-1]
        if len(vowels) >= 3:
            return vowels[1]
        if len(vowels) == 2:
            pair = low[vowels[0]] + low[vowels[1]]
            return vowels[1] if modern and pair in _MODERN_SECOND else vowels[0]
        return vowels[0]

    def render(self, modern: bool = True) -> str:
        at = self.tone_index(modern)
        if at is None:  # a tone with no vowel to carry it cannot be shown; keep the letters
            return "".join(self.letters)
        return "".join(_with_tone(c, self.tone) if i == at else c for i, c in enumerate(self.letters))

    # ---- the shape changes, each returning False when there is nothing to change --------------------------------
    def reshape(self, table: dict[str, str], wanted: str | None = None) -> bool:
        """Give the last vowel in the cluster that `table` knows (or the one matching `wanted`) its new shape."""
        for i in reversed(self.vowel_indices()):
            low = self.letters[i].lower()
            if low in table and (wanted is None or low == wanted or table[low] == CIRCUMFLEX.get(wanted, "")):
                self.letters[i] = _same_case(self.letters[i], table[low])
                return True
        return False

    def horn(self) -> bool:
        """"uo"/"ưo"/"uơ" → "ươ" (both letters take the horn), else the last o or u."""
        low = self.lower()
        for pair in ("uo", "ưo", "uơ"):
            at = low.find(pair)
            if at >= 0:
                self.letters[at] = _same_case(self.letters[at], "ư")
                self.letters[at + 1] = _same_case(self.letters[at + 1], "ơ")
                return True
        return self.reshape(HORN)

    def unshape(self, shaped: str) -> bool:
        """Undo a doubled key: the vowel goes back to plain (the caller then types the key as a letter)."""
        plain = {"â": "a", "ă": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"}
        for i in reversed(range(len(self.letters))):
            if self.letters[i].lower() in shaped:
                self.letters[i] = _same_case(self.letters[i], plain[self.letters[i].lower()])
                return True
        return False

    def stroke_d(self) -> bool:
        if self.letters and self.letters[0].lower() == "d":
            self.letters[0] = _same_case(self.letters[0], "đ")
            return True
        return False


class VietnameseComposer:
    """The keyboard's text: feed it keys, read `text`. One instance per input field."""

    def __init__(self, mode: InputMode = InputMode.TELEX, *, names: bool = False, modern_tones: bool = True,
                 max_length: int = 200) -> None:
        self.mode = mode
        self.names = names  # Title Case, for people's names
        self.modern_tones = modern_tones
        self.max_length = max_length
        self._text = ""
        self._lone_w = False  # the last key was a w that made an ư on its own ("ww" then gives "w")

    @property
    def text(self) -> str:
        text = unicodedata.normalize("NFC", self._text)
        return title_case(text) if self.names else text

    def set_text(self, text: str) -> None:
        self._text = unicodedata.normalize("NFC", text)[: self.max_length]

    def clear(self) -> None:
        self._text = ""

    def backspace(self) -> None:
        """Remove the last letter; the rest of the syllable keeps its tone, re-placed for the shorter syllable."""
        if not self._text:
            return
        head, syllable = self._split_last()
        if not syllable.letters:
            self._text = self._text[:-1]
            return
        syllable.letters.pop()
        self._text = head + syllable.render(self.modern_tones)

    def press(self, key: str) -> None:
        """One key of the on-screen keyboard: a letter, a digit, a space or a punctuation mark."""
        if len(key) != 1:
            raise ValueError("press() takes one character; use apply_tone / apply_mark for the tone and mark keys")
        lone_w, self._lone_w = self._lone_w, False
        if self.mode is InputMode.TELEX and self._telex(key, lone_w):
            return
        if self.mode is InputMode.VNI and self._vni(key):
            return
        self._append(key)

    def apply_tone(self, tone: Tone | None) -> bool:
        """A tone key (sắc, huyền, hỏi, ngã, nặng; None removes it) on the last syllable; False if it has no vowel."""
        head, syllable = self._split_last()
        if not syllable.vowel_indices():
            return False
        syllable.tone = tone
        self._text = head + syllable.render(self.modern_tones)
        return True

    def apply_mark(self, mark: str) -> bool:
        """A shape key (ă â ê ô ơ ư đ) on the last syllable; with nothing to reshape the letter itself is typed."""
        if mark not in MARK_KEYS:
            raise ValueError(f"unknown mark key {mark!r}")
        head, syllable = self._split_last()
        changed = {
            "ă": lambda: syllable.reshape(BREVE),
            "â": lambda: syllable.reshape(CIRCUMFLEX, "a"),
            "ê": lambda: syllable.reshape(CIRCUMFLEX, "e"),
            "ô": lambda: syllable.reshape(CIRCUMFLEX, "o"),
            "ơ": lambda: syllable.horn() if "u" in syllable.lower() or "ư" in syllable.lower()
            else syllable.reshape({"o": "ơ", "ô": "ơ"}),
            "ư": lambda: syllable.horn() if "o" in syllable.lower() else syllable.reshape({"u": "ư"}),
            "đ": syllable.stroke_d,
        }[mark]()
        if changed:
            self._text = head + syllable.render(self.modern_tones)
        else:
            self._append(mark)
        return changed

    # ---- inside -----------------------------------------------------------------------------------------------
    def _split_last(self) -> tuple[str, Syllable]:
        end = len(self._text)
        start = end
        while start > 0 and _is_letter(self._text[start - 1]):
            start -= 1
        return self._text[:start], Syllable(self._text[start:end])

    def _append(self, key: str) -> None:
        if len(self._text) >= self.max_length:
            return
        head, syllable = self._split_last()
        if _is_letter(key) and syllable.letters:
            # Re-place the tone: a new letter can move it ("hoá" + n → "hoán"; "thuỷ" + ê… → "thuyế").
            syllable.letters.append(key)
            self._text = head + syllable.render(self.modern_tones)
        else:
            self._text += key

    def _tone_key(self, tone: Tone, key: str) -> bool:
        head, syllable = self._split_last()
        if not syllable.vowel_indices():
            return False
        if syllable.tone is tone:  # the same tone key twice: take the tone off and type the letter
            syllable.tone = None
            self._text = head + syllable.render(self.modern_tones)
            return False
        syllable.tone = tone
        self._text = head + syllable.render(self.modern_tones)
        return True

    def _shape_key(self, action: str, key: str) -> bool:
        head, syllable = self._split_last()
        if not syllable.letters:
            return False
        done = {
            "circumflex": lambda: syllable.reshape(CIRCUMFLEX, key.lower() if key.isalpha() else None),
            "horn": syllable.horn,
            "breve": lambda: syllable.reshape(BREVE),
            "stroke": syllable.stroke_d,
        }[action]()
        if not done:
            undo = {"circumflex": CIRCUMFLEX.get(key.lower(), "âêô"), "horn": "ơư", "breve": "ă", "stroke": "đ"}[action]
            if key.isalpha() and syllable.unshape(undo):
                self._text = head + syllable.render(self.modern_tones)
            return False
        self._text = head + syllable.render(self.modern_tones)
        return True

    def _telex(self, key: str, after_lone_w: bool) -> bool:
        low = key.lower()
        if low in TELEX_TONES:
            return self._tone_key(TELEX_TONES[low], key)
        if low == "z":
            return self.apply_tone(None) if self._split_last()[1].tone else False
        if low in "aeo":
            family = {"a": "aăâ", "e": "eê", "o": "oơô"}[low]
            if any(c in family for c in self._split_last()[1].lower()):
                return self._shape_key("circumflex", key)
            return False
        if low == "w":
            syllable = self._split_last()[1]
            if not syllable.vowel_indices():
                self._append(_same_case(key, "ư"))  # a lone w is ư, as in every Telex keyboard
                self._lone_w = True
                return True
            if after_lone_w and syllable.lower().endswith("ư"):
                # "ww": the second w takes back the ư the first one made, leaving a plain w
                self._text = self._text[:-1] + key
                return True
            cluster = {syllable.lower()[i] for i in syllable.vowel_indices()}
            return self._shape_key("horn" if cluster & set("uoôơư") else "breve", key)
        if low == "d" and self._split_last()[1].lower().startswith(("d", "đ")):
            return self._shape_key("stroke", key)
        return False

    def _vni(self, key: str) -> bool:
        if key in VNI_TONES:
            return self._tone_key(VNI_TONES[key], key)
        if key == "0":
            return self.apply_tone(None) if self._split_last()[1].tone else False
        action = {"6": "circumflex", "7": "horn", "8": "breve", "9": "stroke"}.get(key)
        return self._shape_key(action, key) if action else False


def title_case(text: str) -> str:
    """"nGUYỄN thị hương" → "Nguyễn Thị Hương": each word capitalised, the rest lower case (NFC kept)."""
    words = text.split(" ")
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def compose(keys: str, mode: InputMode = InputMode.TELEX, *, names: bool = False, modern_tones: bool = True) -> str:
    """Type `keys` one by one and return the result: `compose("Nguyeenx", InputMode.TELEX)` → "Nguyễn"."""
    composer = VietnameseComposer(mode, names=names, modern_tones=modern_tones)
    for key in keys:
        composer.press(key)
    return composer.text
