"""An EMVCo merchant-presented QR reader for the tests, written apart from the kiosk's encoder.

It splits ID-length-value data objects (two-digit ID, two-digit length), refuses anything left over or cut
short, and recomputes the CRC with the standard library's `binascii.crc_hqx` (CRC-16/CCITT with the initial
value 0xFFFF, i.e. CRC-16/CCITT-FALSE), so a fault in the kiosk's CRC cannot hide behind the same code.
"""

from __future__ import annotations

import binascii


class EmvFormatError(ValueError):
    pass


def split(text: str) -> dict[str, str]:
    """The data objects of one template, in order; a repeated ID is an error."""
    out: dict[str, str] = {}
    at = 0
    while at < len(text):
        if at + 4 > len(text):
            raise EmvFormatError(f"dangling bytes at {at}")
        tag, size = text[at:at + 2], text[at + 2:at + 4]
        if not (tag.isdigit() and size.isdigit()):
            raise EmvFormatError(f"bad ID or length at {at}")
        end = at + 4 + int(size)
        if end > len(text):
            raise EmvFormatError(f"object {tag} runs past the end")
        if tag in out:
            raise EmvFormatError(f"object {tag} twice")
        out[tag] = text[at + 4:end]
        at = end
    return out


def crc_ok(payload: str) -> bool:
    """The last object is 63 with four hex digits, the CRC of everything before them (its ID and length too)."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    expected = binascii.crc_hqx(payload[:-4].encode("ascii"), 0xFFFF)
    return payload[-4:] == f"{expected:04X}"


def decode(payload: str) -> dict[str, object]:
    """Root objects, with templates 38 (and its 01) and 62 split too; raises if the CRC is wrong."""
    if not crc_ok(payload):
        raise EmvFormatError("CRC does not match")
    root: dict[str, object] = dict(split(payload))
    if list(root)[-1] != "63":
        raise EmvFormatError("63 is not the last object")
    if "38" in root:
        account = split(str(root["38"]))
        root["38"] = {**account, "01": split(account["01"])} if "01" in account else account
    if "62" in root:
        root["62"] = split(str(root["62"]))
    return root
