"""A catalogue folder as one reproducible tar archive, and its careful unpacking on the kiosk.

The catalogue travels as one TUF target so that a kiosk can only ever hold a whole, signed set of services. The
archive is built reproducibly (sorted names, zero times and owners, ustar format, POSIX.1-1988) so publishing an
unchanged folder gives byte-identical data and therefore no new release. Unpacking accepts only regular files
with plain `*.yaml`/`*.yml` names, never links, folders or paths, whatever the signature says: the signature
proves who made the archive, not that it is harmless.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
from pathlib import Path

MAX_FILES = 500
MAX_FILE_BYTES = 1_048_576
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.ya?ml")


class BundleError(ValueError):
    """The archive is not a catalogue bundle this kiosk accepts."""


def catalogue_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and _NAME.fullmatch(p.name))


def build_bundle(folder: Path) -> bytes:
    """The reproducible archive of the service files in `folder`."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in catalogue_files(folder):
            data = path.read_bytes()
            info = tarfile.TarInfo(path.name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def unpack_bundle(archive: Path, target: Path) -> list[str]:
    """Write the archive's service files into the empty folder `target`; return their names."""
    names: list[str] = []
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                if not member.isreg() or not _NAME.fullmatch(member.name) or member.name in names:
                    raise BundleError(f"unexpected entry {member.name[:80]!r} in the catalogue archive")
                if member.size > MAX_FILE_BYTES or len(names) >= MAX_FILES:
                    raise BundleError("catalogue archive too large")
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - isreg() members always have data
                    raise BundleError(f"unreadable entry {member.name!r}")
                fd = os.open(target / member.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(source.read(MAX_FILE_BYTES + 1))
                names.append(member.name)
    except (tarfile.TarError, EOFError) as exc:
        raise BundleError(f"not a tar archive ({exc})") from exc
    if not names:
        raise BundleError("the catalogue archive holds no service files")
    return names
