"""The one error every LDS parser raises: a chip file that cannot be understood (ICAO 9303-10 §4).

Parsers of chip files are total: whatever bytes a chip (or a cloned or corrupted card) sends, they return a value or
raise `LdsError`, never IndexError/UnicodeDecodeError/asn1crypto internals. The message is technical and never holds
personal data; `message_key` is what the kiosk translates for the citizen.
"""

from __future__ import annotations


class LdsError(ValueError):
    """A chip file is malformed: ask the citizen to try the card again, or staff to check it."""

    message_key = "card_data.unreadable"

    def __init__(self, message: str, *, file: str = "") -> None:
        super().__init__(f"{file}: {message}" if file else message)
        self.file = file
