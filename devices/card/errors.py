"""The card stack's one exception hierarchy: every failure a chip read can meet, as something a person can act on.

Each error carries a stable `code` (for logs, statistics and CLI exit codes) and a `message_key` that the kiosk
translates (`kiosk/i18n/card.toml`); this package never holds citizen-facing text. Vendor errors (pyscard
exceptions, ISO/IEC 7816-4 status words, parse errors) are converted into these at the adapter edge.
Messages passed to the constructors are technical and must never contain personal data.
"""

from __future__ import annotations


class CardError(Exception):
    """Base of every card-stack error."""

    code = "card_error"
    message_key = "card.unexpected"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class NoReaderError(CardError):
    """No PC/SC reader is connected (or the one named in the settings is missing): plug in / check the reader."""

    code = "no_reader"
    message_key = "card.no_reader"


class NoCardError(CardError):
    """The reader is there but no card lies on it: place the card."""

    code = "no_card"
    message_key = "card.no_card"


class CardRemovedError(CardError):
    """The card left the reader (or the link broke) in the middle of a read: place the card again."""

    code = "card_removed"
    message_key = "card.card_removed"


class AccessDeniedError(CardError):
    """BAC/PACE failed with every access key tried: the MRZ / QR / typed details do not match this card."""

    code = "access_denied"
    message_key = "card.access_denied"


class AuthenticityError(CardError):
    """The chip's data is edited, signed by an untrusted signer, or the chip is a copy (ICAO 9303-11 §5, §6)."""

    code = "not_authentic"
    message_key = "card.not_authentic"

    def __init__(self, detail: str = "", groups: tuple[int, ...] = ()) -> None:
        super().__init__(detail)
        self.groups = groups


class StaffCheckNeededError(AuthenticityError):
    """The chip is genuine but its own data disagrees (e.g. ID number vs birth date): a staff member must check the
    card by hand. A subclass of AuthenticityError so that code handling only that still refuses the read."""

    code = "inconsistent_data"
    message_key = "card.staff_check_needed"

    def __init__(self, detail: str = "", problems: tuple[str, ...] = ()) -> None:
        super().__init__(detail)
        self.problems = problems


class CardProtocolError(CardError):
    """The chip answered something the protocol does not allow (bad status word, malformed APDU or TLV)."""

    code = "protocol_error"
    message_key = "card.read_failed"

    def __init__(self, detail: str = "", sw: int | None = None) -> None:
        super().__init__(detail)
        self.sw = sw


class ApduFormatError(CardProtocolError):
    """Bytes that are not a well-formed ISO/IEC 7816-4 command or response APDU."""

    code = "apdu_format"


class SecureMessagingError(CardProtocolError):
    """A secure-messaging object is missing or its MAC is wrong (ICAO 9303-11 §9.8): the session is gone. Not a
    removal: the card is still there, but the protected link to it broke (a disturbed field, a faulty chip)."""

    code = "secure_messaging"
    message_key = "card.secure_messaging"


class UnsupportedCardError(CardProtocolError):
    """The chip offers only protocols or parameters this reader does not implement."""

    code = "unsupported_card"
    message_key = "card.unsupported"
