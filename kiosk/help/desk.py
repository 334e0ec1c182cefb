"""The help desk behind "Gọi cán bộ": one interface, a back end chosen by `[help] backend`.

A request returns a `HelpResult` the screen can show word for word, because it says only what the back end
confirmed: "slip_printed" (the slip is out of the printer: take it to counter N), "staff_told" (the alert system
accepted the request for the ward's staff), "acknowledged" (a member of staff answered it), or "failed" (nobody
could be told: go to the counter). Each result carries the time waited since the request.

Back ends:

- `slip` prints the "needs help" slip at once on the kiosk printer (`printing/help_slip.py`).
- `alertmanager` raises the alert `HelpRequested` directly through Alertmanager's API v2 (`POST /api/v2/alerts`,
  so help does not wait for a Prometheus scrape) with the labels kiosk, ward, province, reason, severity and a
  random `request` ID — no personal data. Alertmanager routes it by `ward` to that ward's staff webhook. The
  alert is posted again every `help.repeat_s` while open (Alertmanager would otherwise resolve it) and resolved
  (`endsAt` now) when the request is closed. **Acknowledgement is a silence**: staff acknowledge by silencing
  the alert (the "Silence" button on it in Alertmanager's web page, `amtool silence add request=<id>`, or one
  for the whole kiosk `kiosk=<id>`); the kiosk sees it through `GET /api/v2/alerts`, where Alertmanager itself
  reports the alert as suppressed by that silence. If Alertmanager cannot be reached, a slip is printed instead
  when a printer is there (`fallback`).
- `simulated` confirms at once and acknowledges after `help.simulated_ack_s` (demos and tests).

The journey calls `request(reason)` when the citizen taps "Gọi cán bộ", then `check(request_id)` every few
seconds while the help screen is shown (it also keeps the alert alive), and `close(request_id)` when staff
arrived or the session ends.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kiosk.fleet.metrics import HELP_REASONS, KioskLabels, bounded

if TYPE_CHECKING:
    from kiosk.fleet.metrics import KioskMetrics
    from kiosk.i18n import Translator

HelpKind = Literal["slip_printed", "staff_told", "acknowledged", "failed"]
ALERT_NAME = "HelpRequested"

_KEYS: dict[str, str] = {
    "slip_printed": "help.slip_printed",
    "staff_told": "help.staff_told",
    "acknowledged": "help.acknowledged",
    "failed": "help.failed",
}


@dataclass(frozen=True)
class HelpResult:
    """What the screen may truthfully say about one help request, and how long the citizen has waited."""

    kind: HelpKind
    request_id: str
    backend: str
    waited_s: float
    counter: str
    message_key: str = ""

    def __post_init__(self) -> None:
        if not self.message_key:
            object.__setattr__(self, "message_key", _KEYS[self.kind])

    @property
    def staff_told(self) -> bool:
        """True only when the back end confirmed that staff were reached ("Staff have been told")."""
        return self.kind in ("staff_told", "acknowledged")

    @property
    def waited_minutes(self) -> int:
        return int(self.waited_s // 60)

    def lines(self, translator: Translator) -> list[str]:
        """The sentence for the screen and the time waited, in the translator's language."""
        t = translator.text
        waited = (t("help.waited_under_minute") if self.waited_s < 60
                  else t("help.waited_minutes", minutes=self.waited_minutes))
        return [t(self.message_key, counter=self.counter), waited]


class HelpDesk(Protocol):
    """Tell staff that a citizen needs help, and find out whether they answered."""

    @property
    def backend(self) -> str: ...

    def request(self, reason: str = "citizen") -> HelpResult: ...

    def check(self, request_id: str) -> HelpResult: ...

    def close(self, request_id: str) -> None: ...

    def waiting_s(self) -> float:
        """How long the oldest request staff were told of has waited unanswered (0 when none): a metric."""
        ...


@dataclass
class _Open:
    request_id: str
    reason: str
    started: float  # monotonic
    result: HelpResult
    posted_at: float = 0.0  # monotonic time of the last post to the back end
    starts_at: str = ""


class _BaseDesk:
    """Open requests, waiting times and counting; the back ends add how staff are reached."""

    name = "base"

    def __init__(self, counter: str, *, clock: Callable[[], float] = time.monotonic,
                 metrics: KioskMetrics | None = None) -> None:
        self.counter = counter
        self._clock = clock
        self._metrics = metrics
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return self.name

    def request(self, reason: str = "citizen") -> HelpResult:
        reason = bounded(reason, HELP_REASONS)
        rid = secrets.token_hex(4)
        if self._metrics is not None:
            self._metrics.help_requested(reason)
        entry = _Open(rid, reason, self._clock(), self._result("failed", rid, 0.0))
        with self._lock:
            self._open[rid] = entry
        kind = self._raise(entry)
        return self._settle(entry, kind, first=True)

    def check(self, request_id: str) -> HelpResult:
        with self._lock:
            entry = self._open[request_id]
        kind = entry.result.kind
        if kind in ("staff_told", "acknowledged"):
            kind = self._follow(entry)
        return self._settle(entry, kind)

    def close(self, request_id: str) -> None:
        with self._lock:
            entry = self._open.pop(request_id, None)
        if entry is not None:
            self._resolve(entry)

    def waiting_s(self) -> float:
        now = self._clock()
        with self._lock:
            waits = [now - e.started for e in self._open.values() if e.result.kind == "staff_told"]
        return max(waits, default=0.0)

    def _settle(self, entry: _Open, kind: HelpKind, *, first: bool = False) -> HelpResult:
        changed = first or kind != entry.result.kind
        entry.result = self._result(kind, entry.request_id, self._clock() - entry.started)
        if self._metrics is not None and changed:
            self._metrics.help_result(kind)
        return entry.result

    def _result(self, kind: HelpKind, rid: str, waited: float) -> HelpResult:
        return HelpResult(kind, rid, self.name, max(0.0, waited), self.counter)

    # ---- what a back end provides ----------------------------------------------------------------------------
    def _raise(self, entry: _Open) -> HelpKind:
        raise NotImplementedError

    def _follow(self, entry: _Open) -> HelpKind:
        return entry.result.kind

    def _resolve(self, entry: _Open) -> None:
        return None


class SlipHelpDesk(_BaseDesk):
    """Prints the "needs help" slip at once; `print_slip(reason)` raises (a `PrinterError`) when it could not."""

    name = "slip"

    def __init__(self, print_slip: Callable[[str], object], counter: str, **kw: Any) -> None:
        super().__init__(counter, **kw)
        self._print_slip = print_slip

    def _raise(self, entry: _Open) -> HelpKind:
        try:
            self._print_slip(entry.reason)
        except Exception:  # printer out of paper, offline, failed: the citizen must not be told it printed
            return "failed"
        return "slip_printed"


class SimulatedHelpDesk(_BaseDesk):
    """Staff "hear" at once and answer after `ack_after_s` seconds (demos and tests)."""

    name = "simulated"

    def __init__(self, counter: str, ack_after_s: float = 20.0, **kw: Any) -> None:
        super().__init__(counter, **kw)
        self.ack_after_s = ack_after_s

    def _raise(self, entry: _Open) -> HelpKind:
        return "acknowledged" if self.ack_after_s <= 0 else "staff_told"

    def _follow(self, entry: _Open) -> HelpKind:
        return "acknowledged" if self._clock() - entry.started >= self.ack_after_s else "staff_told"


class AlertmanagerHelpDesk(_BaseDesk):
    """Raises `HelpRequested` through Alertmanager's API v2; acknowledgement is a silence (module docstring)."""

    name = "alertmanager"

    def __init__(self, url: str, labels: KioskLabels, counter: str, *, timeout_s: float = 3.0,
                 repeat_s: float = 60.0, fallback: _BaseDesk | None = None,
                 wall_clock: Callable[[], float] = time.time, **kw: Any) -> None:
        super().__init__(counter, **kw)
        import requests

        self.url = url.rstrip("/")
        self.labels = labels
        self.timeout_s = timeout_s
        self.repeat_s = repeat_s
        self.fallback = fallback
        self._wall = wall_clock
        self._http = requests.Session()
        self._fell_back: dict[str, str] = {}

    def alert_labels(self, entry: _Open) -> dict[str, str]:
        return {"alertname": ALERT_NAME, **self.labels.as_dict(), "reason": entry.reason,
                "request": entry.request_id, "severity": "page"}

    def _post(self, entry: _Open, ends_in_s: float) -> bool:
        import requests

        now = self._wall()
        if not entry.starts_at:
            entry.starts_at = _iso(now)
        alert = {"labels": self.alert_labels(entry),
                 "annotations": {"summary": f"Help requested at kiosk {self.labels.kiosk}",
                                 "counter": self.counter},
                 "startsAt": entry.starts_at, "endsAt": _iso(now + ends_in_s)}
        try:
            answer = self._http.post(f"{self.url}/api/v2/alerts", json=[alert], timeout=self.timeout_s)
        except requests.RequestException:
            return False
        if answer.status_code != 200:
            return False
        entry.posted_at = self._clock()
        return True

    def _raise(self, entry: _Open) -> HelpKind:
        # endsAt well past the next repost, so a kiosk that loses power leaves the request open for a while.
        if self._post(entry, 3 * self.repeat_s):
            return "staff_told"
        if self.fallback is not None:
            fallback = self.fallback.request(entry.reason)
            self._fell_back[entry.request_id] = fallback.request_id
            return fallback.kind
        return "failed"

    def _follow(self, entry: _Open) -> HelpKind:
        import requests

        if self._clock() - entry.posted_at >= self.repeat_s:
            self._post(entry, 3 * self.repeat_s)
        if entry.result.kind == "acknowledged":
            return "acknowledged"
        query = [("filter", f'alertname="{ALERT_NAME}"'), ("filter", f'request="{entry.request_id}"'),
                 ("silenced", "true"), ("active", "true"), ("inhibited", "true")]
        try:
            answer = self._http.get(f"{self.url}/api/v2/alerts", params=query, timeout=self.timeout_s)
            alerts = answer.json() if answer.status_code == 200 else []
        except (requests.RequestException, ValueError):
            return entry.result.kind  # unknown now: keep saying what was last confirmed
        silenced = any((a.get("status") or {}).get("silencedBy") for a in alerts if isinstance(a, dict))
        return "acknowledged" if silenced else "staff_told"

    def _resolve(self, entry: _Open) -> None:
        if entry.result.staff_told:
            self._post(entry, 0.0)
        rid = self._fell_back.pop(entry.request_id, None)
        if rid is not None and self.fallback is not None:
            self.fallback.close(rid)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class HelpDeskParts:
    """What `build_help_desk` needs from the kiosk (kept small so tests and the simulator can supply it)."""

    labels: KioskLabels
    print_slip: Callable[[str], object] | None = None
    metrics: KioskMetrics | None = None
    clock: Callable[[], float] = time.monotonic
    extra: dict[str, Any] = field(default_factory=dict)


def build_help_desk(config: Any, parts: HelpDeskParts) -> HelpDesk:
    """The back end `[help] backend` names."""
    h = config.help
    common: dict[str, Any] = {"clock": parts.clock, "metrics": parts.metrics}
    if h.backend == "simulated":
        return SimulatedHelpDesk(h.counter, ack_after_s=h.simulated_ack_s, **common)
    slip = SlipHelpDesk(parts.print_slip, h.counter, **common) if parts.print_slip is not None else None
    if h.backend == "alertmanager":
        fallback = replace_metrics(slip) if slip is not None else None
        return AlertmanagerHelpDesk(h.alertmanager_url, parts.labels, h.counter, timeout_s=h.timeout_s,
                                    repeat_s=h.repeat_s, fallback=fallback, **common)
    if slip is None:
        raise ValueError("help.backend = 'slip' needs a printer")
    return slip


def replace_metrics(desk: _BaseDesk) -> _BaseDesk:
    """A fallback desk counts nothing itself: the desk in front of it already counted the request."""
    desk._metrics = None
    return desk


__all__ = ["AlertmanagerHelpDesk", "HelpDesk", "HelpDeskParts", "HelpResult", "SimulatedHelpDesk", "SlipHelpDesk",
           "build_help_desk"]
