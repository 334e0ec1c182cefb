"""The kiosk's applied updates: staged, validated, swapped in atomically, the last good one kept for roll-back.

Layout under `<data_dir>/updates/` (every file owner-only, like the rest of the data folder):

    catalogue/releases/<release>-<sha>/   unpacked service files of a release
    catalogue/current, catalogue/previous symbolic links to the release in service and the last good one
    config/releases/<release>-<sha>.toml  configuration profiles, with `current` and `previous` links likewise
    state.json                            what each link means (release number, digest, target name), the
                                          digests refused here, and a generation counter bumped on every swap

A swap replaces the `current` link with `rename(2)`, which is atomic: a reader sees the old release or the new
one, never a mixture, and a power cut leaves one of the two. A release that fails to load after the swap is
rolled back to `previous` and its digest is remembered, so the kiosk does not try it again until a new one is
published.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)

Kind = Literal["catalogue", "config"]
KINDS: tuple[Kind, ...] = ("catalogue", "config")
KEEP_REFUSED = 20


@dataclass(frozen=True)
class Release:
    kind: Kind
    release: int  # the publisher's release number (custom target metadata)
    sha256: str
    target: str  # the TUF target path, e.g. "catalogue.tar" or "config/ward.toml"
    path: Path  # the `current`/`previous` link (a folder for the catalogue, a file for a profile)


class ReleaseStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # ---- reading ------------------------------------------------------------------------------------------
    def current(self, kind: Kind) -> Release | None:
        return self._release(kind, "current")

    def previous(self, kind: Kind) -> Release | None:
        return self._release(kind, "previous")

    def is_refused(self, kind: Kind, sha256: str) -> bool:
        return sha256 in self._state().get(kind, {}).get("refused", [])

    def generation(self) -> int:
        return int(self._state().get("generation", 0))

    def _release(self, kind: Kind, slot: str) -> Release | None:
        link = self.root / kind / slot
        facts = self._state().get(kind, {}).get(slot)
        if not isinstance(facts, dict) or not link.exists():
            return None
        return Release(kind, int(facts["release"]), str(facts["sha256"]), str(facts["target"]), link)

    def _state(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # ---- writing ------------------------------------------------------------------------------------------
    def staging(self, kind: Kind) -> Path:
        """A fresh private folder to stage a release in (removed again by `promote` or `discard`)."""
        releases = self.root / kind / "releases"
        for folder in (self.root, self.root / kind, releases):
            _private_dirs(folder)
        return Path(tempfile.mkdtemp(prefix=".staging-", dir=releases))

    @staticmethod
    def discard(staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def promote(self, kind: Kind, staged: Path, release: int, sha256: str, target: str) -> Release:
        """Swap `staged` in as the current release; the one in service until now becomes `previous`."""
        releases = self.root / kind / "releases"
        name = f"{release}-{sha256[:16]}" + (".toml" if kind == "config" else "")
        final = releases / name
        if final.exists():  # the same release applied before and rolled away from
            _remove(final)
        content = staged / "profile.toml" if kind == "config" else staged
        os.replace(content, final)
        if content != staged:
            self.discard(staged)
        state = self._state()
        facts = state.setdefault(kind, {})
        old = facts.get("current")
        if old is not None and (self.root / kind / "current").exists():
            _point(self.root / kind / "previous", os.readlink(self.root / kind / "current"))
            facts["previous"] = old
        _point(self.root / kind / "current", os.path.join("releases", name))
        facts["current"] = {"release": release, "sha256": sha256, "target": target}
        state["generation"] = int(state.get("generation", 0)) + 1
        self._write_state(state)
        self._prune(kind)
        current = self.current(kind)
        assert current is not None
        return current

    def roll_back(self, kind: Kind) -> Release | None:
        """Refuse the current release and put the previous one back; None when there is no previous one."""
        state = self._state()
        facts = state.setdefault(kind, {})
        bad = facts.get("current")
        if isinstance(bad, dict):
            facts["refused"] = ([*facts.get("refused", []), bad["sha256"]])[-KEEP_REFUSED:]
        previous_link = self.root / kind / "previous"
        if isinstance(facts.get("previous"), dict) and previous_link.exists():
            _point(self.root / kind / "current", os.readlink(previous_link))
            previous_link.unlink()
            facts["current"] = facts.pop("previous")
        else:
            with contextlib.suppress(FileNotFoundError):
                (self.root / kind / "current").unlink()
            facts.pop("current", None)
            facts.pop("previous", None)
        state["generation"] = int(state.get("generation", 0)) + 1
        self._write_state(state)
        self._prune(kind)
        return self.current(kind)

    def refuse(self, kind: Kind, sha256: str) -> None:
        state = self._state()
        facts = state.setdefault(kind, {})
        facts["refused"] = ([*facts.get("refused", []), sha256])[-KEEP_REFUSED:]
        self._write_state(state)

    def _write_state(self, state: dict[str, Any]) -> None:
        _private_dirs(self.root)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.root / "state.json")
        _sync_dir(self.root)

    def _prune(self, kind: Kind) -> None:
        """Keep the releases the two links point at (and any staging in progress); delete the rest."""
        folder = self.root / kind
        keep = {os.path.basename(os.readlink(folder / slot)) for slot in ("current", "previous")
                if (folder / slot).is_symlink()}
        for entry in (folder / "releases").iterdir():
            if entry.name not in keep and not entry.name.startswith(".staging-"):
                _remove(entry)


def _point(link: Path, target: str) -> None:
    """Make `link` point at `target` in one atomic rename (never a moment without a link)."""
    tmp = link.with_name(f".{link.name}.new")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _sync_dir(link.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _private_dirs(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def profile_target(name: str) -> str:
    return f"config/{name}.toml"


C = TypeVar("C")


def with_applied_profile(config: C, store: ReleaseStore, target: str, load: Callable[[bytes, str], C],
                         refused: tuple[type[Exception], ...]) -> C:
    """`config` with the applied profile `target` laid over it by `load`; a profile that fails to load with one of
    `refused` is rolled back (then the previous one is tried, then none)."""
    caught: tuple[type[Exception], ...] = (*refused, OSError)
    while (release := store.current("config")) is not None and release.target == target:
        try:
            return load(release.path.read_bytes(), target)
        except caught as exc:
            # The setting is named, never the value (a profile may hold addresses or names).
            log.error("configuration profile release %d refused at start-up (setting %s); rolling back",
                      release.release, getattr(exc, "setting", "") or "-")
            store.roll_back("config")
    return config
