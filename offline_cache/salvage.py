"""Read every row that is still readable from a damaged SQLite file by walking its pages directly.

SQLite's own queries stop at the first broken link of a b-tree: a file cut in half loses every row behind a lost
interior page even though the leaf pages holding the rows are intact. This walk follows the file format
(sqlite.org/fileformat2.html) instead: it reads each page, keeps the table-leaf pages (§1.6, flag 0x0D) that are
not on the freelist, decodes their cells and overflow chains and the record format (§2.1), and overlays the
newest committed frames of the write-ahead log (§4, frame checksums verified) so rows not yet checkpointed count
too. Rows are told apart by shape (the queue's three tables have 16, 3 and 2 columns). Nothing here trusts a
length it has not bounds-checked; a cell that does not decode is skipped, never guessed.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

_HEADER = b"SQLite format 3\x00"
_TABLE_LEAF = 0x0D
_WAL_MAGIC = (0x377F0682, 0x377F0683)
SHAPES = {16: "submissions", 3: "attachments", 2: "meta"}

Value = int | float | str | bytes | None


class _Bad(Exception):
    """A cell or record that does not decode."""


def walk(path: Path) -> Iterator[tuple[str, tuple[Value, ...]]]:
    """Yield `(table, values)` for every readable row of the file at `path` (and its `-wal`, if present)."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        try:
            yield from _walk(bytes(mm[:100]) if mm is not None else b"", mm, size, _read_wal(path))
        finally:
            if mm is not None:
                mm.close()


def _walk(head: bytes, mm: mmap.mmap | None, size: int, wal: tuple[int, dict[int, bytes]]
          ) -> Iterator[tuple[str, tuple[Value, ...]]]:
    wal_size, wal_pages = wal
    page_size = _page_size(head) or wal_size or 4096
    reserved = head[20] if len(head) > 20 and head[20] < 64 else 0
    usable = page_size - reserved

    def page(n: int) -> bytes | None:
        if n in wal_pages:
            return wal_pages[n]
        start = (n - 1) * page_size
        if mm is None or n < 1 or start + page_size > size:
            return None
        return bytes(mm[start : start + page_size])

    last = max(size // page_size, max(wal_pages, default=0))
    free = _freelist(page(1), page, last)
    for n in range(1, last + 1):
        if n in free:
            continue
        data = page(n)
        if data is None:
            continue
        for values in _leaf_rows(data, 100 if n == 1 else 0, usable, page, last):
            table = SHAPES.get(len(values))
            if table is not None:
                yield table, values


def _page_size(head: bytes) -> int:
    if len(head) < 100 or not head.startswith(_HEADER):
        return 0
    (raw,) = struct.unpack(">H", head[16:18])
    size = 65536 if raw == 1 else raw
    return size if size >= 512 and size & (size - 1) == 0 else 0


def _freelist(first: bytes | None, page: Callable[[int], bytes | None], last: int) -> set[int]:
    """Pages on the freelist hold stale rows (older versions, deleted rows): never salvage from them."""
    free: set[int] = set()
    if first is None or not first.startswith(_HEADER):
        return free
    (trunk,) = struct.unpack(">I", first[32:36])
    while 1 < trunk <= last and trunk not in free:
        free.add(trunk)
        data = page(trunk)
        if data is None:
            break
        nxt, count = struct.unpack(">II", data[:8])
        for i in range(min(count, (len(data) - 8) // 4)):
            (leaf,) = struct.unpack(">I", data[8 + 4 * i : 12 + 4 * i])
            free.add(leaf)
        trunk = nxt
    return free


def _leaf_rows(data: bytes, hdr: int, usable: int, page: Callable[[int], bytes | None], last: int
               ) -> Iterator[tuple[Value, ...]]:
    if len(data) < hdr + 8 or data[hdr] != _TABLE_LEAF:
        return
    (cells,) = struct.unpack(">H", data[hdr + 3 : hdr + 5])
    array_end = hdr + 8 + 2 * cells
    if array_end > usable:
        return
    for i in range(cells):
        (ptr,) = struct.unpack(">H", data[hdr + 8 + 2 * i : hdr + 10 + 2 * i])
        if not array_end <= ptr < usable:
            continue
        try:
            yield _record(_cell_payload(data, ptr, usable, page, last))
        except (_Bad, IndexError, struct.error, UnicodeDecodeError):
            continue


def _cell_payload(data: bytes, ptr: int, usable: int, page: Callable[[int], bytes | None], last: int) -> bytes:
    total, n1 = _varint(data, ptr)
    _rowid, n2 = _varint(data, ptr + n1)
    start = ptr + n1 + n2
    max_local = usable - 35
    if total <= max_local:
        if start + total > usable:
            raise _Bad("cell runs past the page")
        return data[start : start + total]
    min_local = (usable - 12) * 32 // 255 - 23
    local = min_local + (total - min_local) % (usable - 4)
    if local > max_local:
        local = min_local
    if start + local + 4 > usable or total > 1 << 31:
        raise _Bad("cell runs past the page")
    parts = [data[start : start + local]]
    have = local
    (overflow,) = struct.unpack(">I", data[start + local : start + local + 4])
    seen: set[int] = set()
    while have < total:
        if not 1 < overflow <= last or overflow in seen:
            raise _Bad("overflow chain broken")
        seen.add(overflow)
        chunk = page(overflow)
        if chunk is None:
            raise _Bad("overflow page missing")
        part = chunk[4:usable][: total - have]
        parts.append(part)
        have += len(part)
        (overflow,) = struct.unpack(">I", chunk[:4])
    return b"".join(parts)


def _record(payload: bytes) -> tuple[Value, ...]:
    header_len, n = _varint(payload, 0)
    if not n <= header_len <= len(payload):
        raise _Bad("record header")
    types = []
    pos = n
    while pos < header_len:
        t, k = _varint(payload, pos)
        types.append(t)
        pos += k
    values: list[Value] = []
    pos = header_len
    for t in types:
        value, width = _value(payload, pos, t)
        values.append(value)
        pos += width
    if pos != len(payload):
        raise _Bad("record length")
    return tuple(values)


_INT_WIDTHS = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _value(b: bytes, pos: int, t: int) -> tuple[Value, int]:
    if t == 0:
        return None, 0
    if t in _INT_WIDTHS:
        width = _INT_WIDTHS[t]
        if pos + width > len(b):
            raise _Bad("integer past the record")
        return int.from_bytes(b[pos : pos + width], "big", signed=True), width
    if t == 7:
        if pos + 8 > len(b):
            raise _Bad("real past the record")
        return struct.unpack(">d", b[pos : pos + 8])[0], 8
    if t in (8, 9):
        return t - 8, 0
    if t >= 12:
        width = (t - 12) // 2 if t % 2 == 0 else (t - 13) // 2
        if pos + width > len(b):
            raise _Bad("value past the record")
        raw = b[pos : pos + width]
        return (raw if t % 2 == 0 else raw.decode("utf-8")), width
    raise _Bad("reserved serial type")


def _varint(b: bytes, i: int) -> tuple[int, int]:
    value = 0
    for k in range(8):
        c = b[i + k]
        value = (value << 7) | (c & 0x7F)
        if c < 0x80:
            return value, k + 1
    return (value << 8) | b[i + 8], 9


def _read_wal(db: Path) -> tuple[int, dict[int, bytes]]:
    """Page size and the newest copy of each page in committed, checksum-valid WAL frames (§4.1–4.3)."""
    path = db.with_name(db.name + "-wal")
    try:
        data = path.read_bytes()
    except OSError:
        return 0, {}
    if len(data) < 32:
        return 0, {}
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">IIIIIIII", data[:32])
    if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
        return 0, {}
    order = ">" if magic & 1 else "<"
    s = _checksum(data[:24], (0, 0), order)
    if s != (c1, c2):
        return page_size, {}
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    pos = 32
    while pos + 24 + page_size <= len(data):
        pgno, commit, f_salt1, f_salt2, f1, f2 = struct.unpack(">IIIIII", data[pos : pos + 24])
        if (f_salt1, f_salt2) != (salt1, salt2):
            break
        s = _checksum(data[pos : pos + 8], s, order)
        s = _checksum(data[pos + 24 : pos + 24 + page_size], s, order)
        if s != (f1, f2):
            break
        pending[pgno] = data[pos + 24 : pos + 24 + page_size]
        if commit:
            committed.update(pending)
            pending = {}
        pos += 24 + page_size
    return page_size, committed


def _checksum(chunk: bytes, start: tuple[int, int], order: str) -> tuple[int, int]:
    s0, s1 = start
    words = struct.unpack(f"{order}{len(chunk) // 4}I", chunk)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1

