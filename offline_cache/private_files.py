"""Files and folders only the kiosk's own user may read: everything under `kiosk.data_dir` (queue database and
its WAL/SHM, key, audit log, print-recovery and lock-out state, hospital queue numbers, printed PDFs).

Folders are 0700 and files 0600 (POSIX permission bits): names, ID numbers and photos are personal data under
Decree 13/2023/ND-CP, and no other account on the machine needs them. A file or folder found looser is tightened,
whatever the process umask. The queue uses these helpers and the kiosk imports them from here; the devices
package, which may not import this one, writes its printed PDFs with the same modes on its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as owner-only folders; tighten it if it already exists."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
    _tighten(path, FOLDER_MODE)
    return path


def private_file(path: Path, *, folder: bool = True) -> Path:
    """Make sure `path` exists as an owner-only file (created empty if missing), so a library that opens it
    afterwards (SQLite) never creates it with the umask's looser mode; with `folder`, in an owner-only folder."""
    path = Path(path)
    if folder:
        private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    _tighten(path, FILE_MODE)
    return path


def tighten_sqlite(path: Path) -> None:
    """An SQLite file and the WAL/SHM/journal files beside it, owner-only (SQLite copies the database's mode to
    the side files it creates, but ones left by an older version may be looser)."""
    path = Path(path)
    for candidate in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_FILES)):
        if candidate.exists():
            _tighten(candidate, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data`: written to a 0600 temporary file beside it, synced, renamed."""
    path = Path(path)
    private_dir(path.parent)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def open_private_append(path: Path) -> int:
    """An append-only descriptor on an owner-only file (created if missing)."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    with contextlib.suppress(OSError):
        os.fchmod(fd, FILE_MODE)
    return fd


def _tighten(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):  # not ours to change (a mounted folder): leave it, the file is still ours
        found = path.stat()
        # A shared folder (sticky, like /tmp) or another account's is never changed, even when run as root.
        if found.st_mode & stat.S_ISVTX or found.st_uid != os.geteuid():
            return
        if stat.S_IMODE(found.st_mode) != mode:
            path.chmod(mode)
