"""The kiosk's update client: verify with TUF, stage, validate, swap between visits, roll back what fails.

One `KioskUpdater.run_once()`:

1. refreshes the TUF metadata with python-tuf's `ngclient.Updater` (root → timestamp → snapshot → targets).
   Everything TUF refuses ends the run with the current release untouched: an older version than the one
   already trusted (rollback attack), metadata past its expiry (freeze attack), metadata versions or files that
   do not match what the snapshot and targets metadata promise (mix-and-match attack), bad signatures;
2. for the catalogue (`catalogue.tar`) and this kiosk's configuration profile (`config/NAME.toml`), downloads
   a target only when its digest differs from the release in service and was not refused here before;
3. stages it in a private folder and validates it with the kiosk's own loaders — `load_catalogue`, the check
   behind `kiosk services check`, and the configuration loader with the profile laid over the local file;
4. asks `busy()` — "is a visit in progress?" — and, if one is, leaves the swap for the next run: a citizen
   never sees the services or settings change under them;
5. swaps the release in (store.py), loads it once more from its final place and hands it to `on_applied`
   (the running kiosk reloads it); if either fails, the previous release is put back and the new one refused.

The release number of what runs is reported through the `kiosk_update_release` gauge (metrics.py).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import urllib3
from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import TargetFile
from tuf.ngclient import Updater
from tuf.ngclient.urllib3_fetcher import Urllib3Fetcher

from kiosk.catalogue.loader import CatalogueInvalidError, load_catalogue
from kiosk.config import ConfigError
from kiosk.updates.bundle import BundleError, unpack_bundle
from kiosk.updates.profiles import parse_profile
from kiosk.updates.publish import CATALOGUE_TARGET
from kiosk.updates.store import Kind, ReleaseStore, profile_target

log = logging.getLogger(__name__)

Status = Literal["current", "applied", "deferred", "refused", "rolled_back", "absent"]


@dataclass(frozen=True)
class UpdateSettings:
    repository_url: str
    root_file: Path
    state_dir: Path  # <data_dir>/updates
    config_profile: str = ""
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    status: Status
    release: int | None = None  # the release in service after this run
    reason: str = ""  # why a release was refused, in technical words without content


@dataclass
class UpdateReport:
    verified: bool
    error: str = ""  # "rollback", "expired", "mismatch", "signature", "unreachable", "metadata"
    outcomes: list[Outcome] = field(default_factory=list)
    bytes_fetched: int = 0

    def outcome(self, kind: Kind) -> Outcome | None:
        return next((o for o in self.outcomes if o.kind == kind), None)


class _CountingFetcher(Urllib3Fetcher):
    """The default fetcher, counting the bytes it receives (for the fleet benchmark and the technician)."""

    def __init__(self, socket_timeout: int) -> None:
        super().__init__(socket_timeout=socket_timeout, app_user_agent="cccd-kiosk")
        self.received = 0

    def _fetch(self, url: str) -> Iterator[bytes]:
        for chunk in super()._fetch(url):
            self.received += len(chunk)
            yield chunk


class KioskUpdater:
    def __init__(self, settings: UpdateSettings, busy: Callable[[], bool],
                 validate_config: Callable[[dict[str, Any]], object],
                 on_applied: Callable[[Kind, Path], object] | None = None,
                 report_release: Callable[[str, int], None] | None = None) -> None:
        self.settings = settings
        self.report_release = report_release
        self.busy = busy
        self.validate_config = validate_config
        self.on_applied = on_applied
        self.store = ReleaseStore(settings.state_dir)
        self._lock = threading.Lock()

    def run_once(self) -> UpdateReport:
        with self._lock:
            return self._run()

    def _run(self) -> UpdateReport:
        fetcher = _CountingFetcher(max(1, round(self.settings.timeout_s)))
        try:
            updater = self._updater(fetcher)
            updater.refresh()
        except Exception as exc:
            reason = _classify(exc)
            log.warning("update metadata refused (%s: %s); keeping the releases in service", reason,
                        type(exc).__name__)
            self._report_releases()
            return UpdateReport(False, reason, [], fetcher.received)
        report = UpdateReport(True)
        wanted: list[tuple[Kind, str]] = [("catalogue", CATALOGUE_TARGET)]
        if self.settings.config_profile:
            wanted.append(("config", profile_target(self.settings.config_profile)))
        for kind, target in wanted:
            try:
                report.outcomes.append(self._update(updater, kind, target))
            except Exception as exc:
                reason = _classify(exc)
                log.warning("update of %s refused (%s: %s)", kind, reason, type(exc).__name__)
                report.outcomes.append(Outcome(kind, "refused", self._release_number(kind), reason))
        report.bytes_fetched = fetcher.received
        self._report_releases()
        return report

    def _updater(self, fetcher: _CountingFetcher) -> Updater:
        meta_dir = self.settings.state_dir / "tuf"
        meta_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (meta_dir / "root.json").exists():
            # The installed root is the trust anchor; after the first run TUF keeps its own (rotated) copy.
            shutil.copyfile(self.settings.root_file, meta_dir / "root.json")
        base = self.settings.repository_url.rstrip("/")
        return Updater(str(meta_dir), f"{base}/metadata/", str(self.settings.state_dir / "downloads"),
                       f"{base}/targets/", fetcher=fetcher, bootstrap=None)

    def _update(self, updater: Updater, kind: Kind, target: str) -> Outcome:
        info = updater.get_targetinfo(target)
        current = self.store.current(kind)
        if info is None:
            return Outcome(kind, "absent", current.release if current else None)
        digest = info.hashes["sha256"]
        release = _release_of(info)
        if current is not None and current.sha256 == digest:
            return Outcome(kind, "current", current.release)
        if self.store.is_refused(kind, digest):
            return Outcome(kind, "refused", self._release_number(kind), "refused_before")
        path = updater.find_cached_target(info) or updater.download_target(info)
        staged = self.store.staging(kind)
        try:
            problem = self._stage(kind, Path(path), staged, target)
            if problem:
                self.store.refuse(kind, digest)
                log.warning("%s release %d refused: %s", kind, release, problem)
                return Outcome(kind, "refused", self._release_number(kind), problem)
            if self.busy():
                return Outcome(kind, "deferred", self._release_number(kind), "visit_in_progress")
            applied = self.store.promote(kind, staged, release, digest, target)
        finally:
            if staged.exists():
                ReleaseStore.discard(staged)
        problem = self._load_applied(kind, applied.path, target)
        if problem:
            log.error("%s release %d failed to load after the swap (%s); rolling back", kind, release, problem)
            back = self.store.roll_back(kind)
            if back is not None and self.on_applied is not None:
                self.on_applied(kind, back.path)
            return Outcome(kind, "rolled_back", back.release if back else None, problem)
        log.info("%s release %d applied", kind, release)
        return Outcome(kind, "applied", release)

    def _stage(self, kind: Kind, downloaded: Path, staged: Path, target: str) -> str:
        """Copy the verified target into `staged` and validate it there; the problem in a few words, or ""."""
        if kind == "catalogue":
            try:
                unpack_bundle(downloaded, staged)
            except BundleError as exc:
                return f"bundle: {exc}"
        else:
            shutil.copyfile(downloaded, staged / "profile.toml")
        return self._validate(kind, staged if kind == "catalogue" else staged / "profile.toml", target)

    def _validate(self, kind: Kind, path: Path, target: str) -> str:
        try:
            if kind == "catalogue":
                load_catalogue(path)
            else:
                self.validate_config(parse_profile(path.read_bytes(), target))
        except CatalogueInvalidError as exc:
            return f"catalogue: {len(exc.problems)} problem(s), first in {exc.problems[0].file}"
        except ConfigError as exc:
            return f"config: setting {exc.setting or '-'}"
        return ""

    def _load_applied(self, kind: Kind, path: Path, target: str) -> str:
        problem = self._validate(kind, path, target)
        if problem or self.on_applied is None:
            return problem
        try:
            self.on_applied(kind, path)
        except Exception as exc:
            return f"load: {type(exc).__name__}"
        return ""

    def _release_number(self, kind: Kind) -> int | None:
        current = self.store.current(kind)
        return current.release if current else None

    def _report_releases(self) -> None:
        if self.report_release is None:
            return
        kinds: tuple[Kind, ...] = ("catalogue", "config")
        for kind in kinds:
            self.report_release(kind, self._release_number(kind) or 0)


def _release_of(info: TargetFile) -> int:
    custom = info.custom if isinstance(info.custom, dict) else {}
    release = custom.get("release", 0)
    return release if isinstance(release, int) and release >= 0 else 0


def _classify(exc: BaseException) -> str:
    """A short reason for the log, the report and the technician screen."""
    if isinstance(exc, tuf_errors.BadVersionNumberError):
        # "… must be >= N": older than what is trusted; "Expected targets.json version …": a snapshot listing an
        # older targets version than the trusted snapshot did. Anything else is metadata that does not match.
        text = str(exc)
        return "rollback" if "must be >=" in text or ".json version" in text else "mismatch"
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        return "expired"
    if isinstance(exc, tuf_errors.LengthOrHashMismatchError | tuf_errors.DownloadLengthMismatchError):
        return "mismatch"
    if isinstance(exc, tuf_errors.UnsignedMetadataError):
        return "signature"
    if isinstance(exc, tuf_errors.DownloadError | urllib3.exceptions.HTTPError | OSError):
        return "unreachable"
    return "metadata"


class UpdateLoop:
    """Runs `run_once` every `interval_s` on a daemon thread (in the kiosk process), sooner after a deferral."""

    def __init__(self, updater: KioskUpdater, interval_s: float, retry_s: float = 30.0) -> None:
        self.updater = updater
        self.interval_s = interval_s
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: UpdateReport | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="kiosk-updates", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.last = self.updater.run_once()
            except Exception:
                log.exception("update run failed")
                self.last = None
            deferred = self.last is not None and any(o.status == "deferred" for o in self.last.outcomes)
            wait = self.retry_s if deferred else self.interval_s
            self._stop.wait(max(0.0, wait - (time.monotonic() - started)))
