"""The one service the UI and session call to submit, follow and withdraw a citizen's file.

Submit saves first (durably, encrypted), then tries the portal once with a short timeout: the citizen hears
either "sent, here is your file code" or "saved, it will be sent automatically", never a pretend success. The
sync worker sends whatever is left. Withdrawal follows the adapter contract: a file never handed to the portal
is cancelled locally and never sent; a sent file in status 1 is withdrawn at the portal at once; in status 2/4/5
the portal records a withdrawal request (status 7) and an officer decides; later statuses cannot be withdrawn.

A file still waiting whose earlier send went unanswered may be at the portal all the same, so it is never
cancelled as "never sent" on trust: it leaves the send queue (`withdrawing`), the portal is asked by idempotency
key (`GET /v1/applications/by-key`, see `kiosk.portal.contract`), and the file is withdrawn there, or cancelled
once the portal says it never arrived. If the portal cannot be asked now, the withdrawal stays pending and the
sync worker finishes it when the portal answers; the citizen is told which of the three happened.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from kiosk.config import KioskConfig
from kiosk.portal.client import PortalClient, Timeout
from kiosk.portal.contract import (
    STOPPED,
    SUPPLEMENT_REQUESTED,
    WITHDRAWAL_REQUESTED,
    StatusEvent,
    SupplementRequest,
    status_message_key,
)
from kiosk.portal.errors import (
    ApplicationNotFoundError,
    PortalError,
    PortalValidationError,
    WithdrawalRefusedError,
)
from kiosk.portal.sender import SUPPLEMENT_SERVICE, PortalSender
from offline_cache import (
    Attachment,
    FieldProblem,
    FileKeyProvider,
    OutgoingSubmission,
    QueueCorruptedError,
    QueueError,
    ReceiptFacts,
    SqliteSubmissionQueue,
    SubmissionNotFoundError,
    SubmissionNotWithdrawableError,
    SubmissionRecord,
    SubmissionState,
    SyncPolicy,
    SyncProgress,
    SyncWorker,
    new_submission_id,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
FIRST_TRY_TIMEOUT: Timeout = (2.0, 5.0)
FIRST_TRY_RETRY_S = 5.0  # the default of `portal.first_try_retry_s`
# A send the kiosk gave up on (timed out, connection lost) may still be on its way or being processed at the
# portal. The portal's "no file under this key" is believed only once the last send ended this long ago.
WITHDRAW_QUIET_S = 60.0


@dataclass(frozen=True)
class SubmitOutcome:
    """`kind`: "sent" (file code and due date known), "queued" (saved, sent later) or "rejected" (fix fields)."""

    kind: Literal["sent", "queued", "rejected"]
    submission_id: str
    message_key: str
    receipt: ReceiptFacts
    file_code: str | None = None
    due_at: str | None = None
    problems: tuple[FieldProblem, ...] = ()
    estimated_due: str | None = None  # the date the review screen showed (ISO), when the caller gave it
    parts: tuple[tuple[str, str, int], ...] = ()  # combined file: (procedure code, file code, status) per part

    @property
    def due_differs_from_estimate(self) -> bool:
        """The portal set a result date other than the kiosk's estimate: the receipt screen must say so, and the
        receipt prints only the portal's date (see `kiosk.receipts.desk.due_note`)."""
        if not self.due_at or not self.estimated_due:
            return False
        try:
            return datetime.fromisoformat(self.due_at).date() != date.fromisoformat(self.estimated_due)
        except ValueError:
            return False


@dataclass(frozen=True)
class StatusOutcome:
    """`kind`: "found", "not_found", "waiting" (still on the kiosk) or "unavailable" (portal down)."""

    kind: Literal["found", "not_found", "waiting", "unavailable"]
    message_key: str
    status: int | None = None
    due_at: str | None = None
    history: tuple[StatusEvent, ...] = ()
    supplement: SupplementRequest | None = None   # status 5: what the officer asked to be added


@dataclass(frozen=True)
class WithdrawOutcome:
    """`kind`: "withdrawn_locally" (never reached the portal, cancelled), "withdrawn" (at the portal), "requested"
    (an officer decides), "pending" (recorded; finished when the portal answers), "too_late", "busy" (being sent
    this very moment: ask again shortly), "nothing_to_withdraw", "not_found", "unavailable"."""

    kind: str
    message_key: str
    status: int | None = None


def masked_id(id_last4: str) -> str:
    return "*" * 8 + id_last4[-4:]


class SubmissionService:
    def __init__(self, queue: SqliteSubmissionQueue, client: PortalClient, agency_code: str, *,
                 worker: SyncWorker | None = None, first_try_timeout: Timeout = FIRST_TRY_TIMEOUT,
                 retention_days: int = 30, first_retry_s: float = FIRST_TRY_RETRY_S,
                 clock: Callable[[], float] = time.time, withdraw_quiet_s: float = WITHDRAW_QUIET_S) -> None:
        self.queue = queue
        self.client = client
        self.worker = worker
        self.retention_days = retention_days
        self.first_retry_s = first_retry_s
        self._clock = clock
        self._quick = PortalSender(client, agency_code, timeout=first_try_timeout)
        # The worker leaves a fresh withdrawal to the kiosk's own immediate try for this long, so the two do not
        # ask the portal at the same time.
        self._withdraw_grace_s = max(first_retry_s, sum(first_try_timeout))
        self._withdraw_quiet_s = withdraw_quiet_s
        if worker is not None and worker.withdrawer is None:
            worker.withdrawer = self
        # Told (service code, outcome) after every submit, e.g. by the fleet metrics; must not raise.
        self.observers: list[Callable[[str, SubmitOutcome], None]] = []

    @classmethod
    def from_config(cls, config: KioskConfig, base_url: str | None = None,
                    clock: Callable[[], float] = time.time) -> SubmissionService:
        """Build the queue, client, sender and worker from settings (the worker is started by `start`).

        `clock` (seconds since the epoch) stamps rows and schedules retries; queue, worker and service share it,
        so a demo's shifted clock keeps back-offs consistent."""
        q = config.queue
        queue = SqliteSubmissionQueue(q.db_path, FileKeyProvider(q.key_file), clock=clock)
        client = PortalClient.from_config(config, base_url)
        policy = SyncPolicy(backoff_base_s=q.backoff_base_s, backoff_max_s=q.backoff_max_s,
                            breaker_failures=q.breaker_failures, breaker_probe_s=q.breaker_probe_s,
                            max_rate_per_s=q.max_rate_per_s, retention_days=float(q.retention_days),
                            concurrency=max(1, q.max_in_flight))
        worker = SyncWorker(queue, PortalSender(client, config.kiosk.agency_code), policy, clock=clock)
        return cls(queue, client, config.kiosk.agency_code, worker=worker, retention_days=q.retention_days,
                   first_retry_s=config.portal.first_try_retry_s, clock=clock)

    def start(self) -> None:
        """Heal interrupted sends, apply retention, start the background sync."""
        self.queue.recover_interrupted()
        self.queue.purge_payloads(self.retention_days * 86400.0)
        if self.worker is not None:
            self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.client.close()
        self.queue.close()

    # ---- submit --------------------------------------------------------------------------------------------

    def submit(self, service_code: str, payload: Mapping[str, Any], attachments: Sequence[Attachment] = (),
               applicant_id_last4: str = "", *, service_name: str = "",
               submission_id: str | None = None, estimated_due: date | None = None) -> SubmitOutcome:
        """Save durably, then try once. Raises `QueueError` (disk full, damaged file) only if it could not save.

        `estimated_due` is the result date the review screen showed; the outcome carries it beside the portal's
        `due_at` so the receipt screen can say when the two differ."""
        outcome = self._submit(service_code, payload, attachments, applicant_id_last4, service_name=service_name,
                               submission_id=submission_id)
        if estimated_due is not None:
            outcome = replace(outcome, estimated_due=estimated_due.isoformat())
        for observe in self.observers:
            try:
                observe(service_code, outcome)
            except Exception:  # counting must never cost the citizen the answer
                log.exception("submission observer failed")
        return outcome

    def submit_supplement(self, file_code: str, id_last4: str, attachments: Sequence[Attachment],
                          items: Sequence[str] = (), *, submission_id: str | None = None) -> SubmitOutcome:
        """Papers added to a filed case that asks for them (status 5): saved and sent exactly like a submission
        (encrypted queue first, one quick try, the sync worker for the rest), under the supplement's own
        idempotency key, to the file's supplements endpoint (`kiosk.portal.sender.SUPPLEMENT_SERVICE`). The
        outcome's `file_code` is the file the papers were added to."""
        payload = {"dossier_code": file_code.strip(), "id_last4": id_last4.strip(), "items": list(items)}
        return self._submit(SUPPLEMENT_SERVICE, payload, attachments, id_last4, service_name="Bổ sung hồ sơ",
                            submission_id=submission_id)

    def _submit(self, service_code: str, payload: Mapping[str, Any], attachments: Sequence[Attachment],
                applicant_id_last4: str, *, service_name: str, submission_id: str | None) -> SubmitOutcome:
        sid = submission_id or new_submission_id()
        if submission_id is not None:
            existing = self._existing(submission_id)
            if existing is not None:  # a second tap on Submit with the same key: answer, never save twice
                return existing
        # The JSON round trip makes the first try send exactly what a later re-send from the queue will.
        clean = json.loads(json.dumps(dict(payload), ensure_ascii=False, sort_keys=True))
        receipt = ReceiptFacts(service_code=service_code, masked_id=masked_id(applicant_id_last4),
                               id_last4=applicant_id_last4[-4:], received_at=self._clock(),
                               service_name=service_name)
        self._repairing(lambda: self.queue.enqueue(service_code, clean, receipt, attachments, submission_id=sid,
                                                   claim=True))
        if self.worker is not None and not self.worker.breaker.allows():
            # The portal is known to be down: answer "saved" at once instead of making the citizen wait out a
            # timeout; the worker's next probe will find out when it is back. Nothing was sent, so a withdrawal
            # may still cancel it as never sent.
            return self._leave_queued(sid, receipt, "portal_down", None, untried=True)
        item = OutgoingSubmission(sid, service_code, clean, tuple(attachments), attempt=1)
        try:
            delivered = self._quick.deliver(item)
        except PortalValidationError as exc:
            problems = tuple(FieldProblem(e.field, e.code, e.message_vi, e.message_en) for e in exc.errors)
            self.queue.mark_rejected(sid, "validation", problems)
            return SubmitOutcome("rejected", sid, exc.message_key, receipt, problems=problems)
        except PortalError as exc:
            if not exc.retryable:
                self.queue.mark_rejected(sid, exc.reason_code)
                return SubmitOutcome("rejected", sid, exc.message_key, receipt)
            return self._leave_queued(sid, receipt, exc.reason_code, exc.retry_after_s)
        except Exception:  # an adapter bug must not strand the row in `sending`: it is saved, let the worker try
            log.exception("first send failed unexpectedly for %s", sid)
            return self._leave_queued(sid, receipt, "sender_error", None)
        sent_receipt = replace(receipt, file_code=delivered.file_code, due_at=delivered.due_at)
        try:
            self.queue.mark_accepted(sid, delivered.file_code, delivered.due_at, delivered.portal_status)
        except QueueError as exc:
            # The portal has the file, so the citizen is told so; the row is handed back and its re-send under
            # the same key will be answered with this same file code.
            log.error("could not record acceptance of %s: %s", sid, exc.message_key)
            with contextlib.suppress(QueueError):
                self.queue.release([sid])
        return SubmitOutcome("sent", sid, "queue.sent", sent_receipt, file_code=delivered.file_code,
                             due_at=delivered.due_at, parts=delivered.parts)

    def _repairing(self, action: Callable[[], T]) -> T:
        """Run a queue action; if the file turns out damaged, set it aside (what reads is salvaged into a
        fresh file, see `SqliteSubmissionQueue.repair`) and run it once more. A second failure goes up as a
        `QueueError` whose message key the UI shows."""
        try:
            return action()
        except QueueCorruptedError:
            log.error("queue file damaged; setting it aside and salvaging")
            self.queue.repair()
            return action()

    def _leave_queued(self, sid: str, receipt: ReceiptFacts, reason: str, retry_after_s: float | None, *,
                      untried: bool = False) -> SubmitOutcome:
        self.queue.mark_deferred(sid, reason, self._clock() + max(self.first_retry_s, retry_after_s or 0.0),
                                 untried=untried)
        if self.worker is not None:
            self.worker.wake()
        return SubmitOutcome("queued", sid, "queue.saved_will_send", receipt)

    def _existing(self, sid: str) -> SubmitOutcome | None:
        try:
            record = self.queue.get(sid)
        except SubmissionNotFoundError:
            return None
        if record.state is SubmissionState.ACCEPTED:
            return SubmitOutcome("sent", sid, "queue.sent", record.receipt, file_code=record.file_code,
                                 due_at=record.due_at)
        if record.state is SubmissionState.REJECTED:
            return SubmitOutcome("rejected", sid, "queue.portal_validation", record.receipt,
                                 problems=record.problems)
        if record.state in (SubmissionState.WITHDRAWN, SubmissionState.WITHDRAWING):
            return SubmitOutcome("rejected", sid, f"queue.state_{record.state.value}", record.receipt)
        return SubmitOutcome("queued", sid, "queue.saved_will_send", record.receipt)

    # ---- follow --------------------------------------------------------------------------------------------

    def lookup_status(self, file_code: str, id_last4: str) -> StatusOutcome:
        """Status by the portal's file code, or by the local reference a receipt carries while the file waits."""
        local_ref = self._local_reference(file_code, id_last4)
        if local_ref is not None:
            return self.local_status(local_ref)
        try:
            found = self.client.get_status(file_code.strip(), id_last4.strip())
        except ApplicationNotFoundError:
            return StatusOutcome("not_found", "queue.file_not_found")
        except PortalError as exc:
            return StatusOutcome("unavailable", exc.message_key)
        local = self.queue.find_by_file_code(found.dossier_code)
        if local is not None:
            self.queue.set_portal_status(local.submission_id, found.status)
        return StatusOutcome("found", status_message_key(found.status), found.status, found.due_at, found.history,
                             supplement=found.supplement_request if found.status == SUPPLEMENT_REQUESTED else None)

    def local_status(self, submission_id: str) -> StatusOutcome:
        """Status of a file this kiosk holds, even before it reached the portal."""
        record = self.queue.get(submission_id)
        if record.file_code is None:
            if record.state in (SubmissionState.QUEUED, SubmissionState.SENDING):
                return StatusOutcome("waiting", "queue.saved_will_send")
            return StatusOutcome("not_found", f"queue.state_{record.state.value}")
        return self.lookup_status(record.file_code, record.receipt.id_last4)

    # ---- withdraw ------------------------------------------------------------------------------------------

    def withdraw(self, *, submission_id: str | None = None, file_code: str | None = None,
                 id_last4: str = "", reason_code: str = "") -> WithdrawOutcome:
        """Withdraw by this kiosk's submission id, or by file code (or a receipt's local reference) + last four
        ID digits. `reason_code` (why the citizen withdraws) goes to the portal with a withdrawal made there."""
        if submission_id is None and file_code:
            submission_id = self._local_reference(file_code, id_last4)
        if submission_id is not None:
            record = self.queue.get(submission_id)
            if record.state in (SubmissionState.QUEUED, SubmissionState.WITHDRAWING):
                # For a waiting row, its last change is when its last send ended (or was found interrupted).
                sends_ended = record.updated_at if record.state is SubmissionState.QUEUED else None
                try:
                    state = self.queue.withdraw(submission_id, ask_portal_after_s=self._withdraw_grace_s)
                except SubmissionNotWithdrawableError as exc:
                    record = self.queue.get(submission_id)
                    if exc.state == SubmissionState.SENDING.value:
                        return WithdrawOutcome("busy", "queue.withdraw_busy")
                else:
                    if state is SubmissionState.WITHDRAWN:
                        return WithdrawOutcome("withdrawn_locally", "queue.withdrawn_locally")
                    outcome = self._ask_portal_and_withdraw(submission_id, sends_ended)
                    if outcome.kind == "pending":  # this try is over: the worker takes it on with its back-off
                        self.queue.defer_withdrawal(submission_id, "withdrawal_pending", self._clock())
                        if self.worker is not None:
                            self.worker.wake()
                    return outcome
            if record.state is SubmissionState.SENDING:
                return WithdrawOutcome("busy", "queue.withdraw_busy")
            if record.state is not SubmissionState.ACCEPTED or record.file_code is None:
                return WithdrawOutcome("nothing_to_withdraw", "queue.nothing_to_withdraw")
            file_code, id_last4 = record.file_code, record.receipt.id_last4
        if not file_code:
            return WithdrawOutcome("not_found", "queue.file_not_found")
        try:
            result = self.client.withdraw(file_code.strip(), id_last4.strip(), reason_code=reason_code)
        except ApplicationNotFoundError:
            return WithdrawOutcome("not_found", "queue.file_not_found")
        except WithdrawalRefusedError as exc:
            if exc.status in (WITHDRAWAL_REQUESTED, STOPPED):  # already withdrawn or stopped: nothing left to do
                return WithdrawOutcome("nothing_to_withdraw", "queue.nothing_to_withdraw", exc.status)
            return WithdrawOutcome("too_late", "queue.withdraw_too_late", exc.status)
        except PortalError as exc:
            return WithdrawOutcome("unavailable", exc.message_key)
        local = self.queue.find_by_file_code(result.dossier_code)
        if local is not None:
            self.queue.set_portal_status(local.submission_id, result.status)
        if result.outcome == "withdrawn":
            return WithdrawOutcome("withdrawn", "queue.withdrawn_at_portal", result.status)
        return WithdrawOutcome("requested", "queue.withdrawal_requested", result.status)

    def finish_withdrawal(self, submission_id: str) -> bool:
        """The sync worker's hook (`offline_cache.Withdrawer`): True once a pending withdrawal is settled."""
        return self._ask_portal_and_withdraw(submission_id).kind != "pending"

    def _ask_portal_and_withdraw(self, sid: str, sends_ended: float | None = None) -> WithdrawOutcome:
        """Settle a `withdrawing` row: only the portal's own "no file under this key", given once the last send
        has had `withdraw_quiet_s` to arrive, proves it never will; anything short of that leaves the withdrawal
        pending (kind "pending"), never sent as new."""
        record = self.queue.get(sid)
        if record.state is not SubmissionState.WITHDRAWING:
            return self._settled_meanwhile(record)
        try:
            found = self.client.find_by_key(sid)
        except PortalError as exc:
            log.info("withdrawal of %s pending: portal look-up failed (%s)", sid, exc.reason_code)
            return WithdrawOutcome("pending", "queue.withdrawal_pending")
        if found is None:
            quiet_since = record.updated_at if sends_ended is None else sends_ended
            if self._clock() - quiet_since < self._withdraw_quiet_s:
                log.info("withdrawal of %s pending: its last send ended too recently to rule out a late arrival", sid)
                return WithdrawOutcome("pending", "queue.withdrawal_pending")
            self.queue.settle_withdrawal(sid, None, None, None)
            return self._settled_meanwhile(self.queue.get(sid))
        try:
            result = self.client.withdraw(found.dossier_code, record.receipt.id_last4)
        except WithdrawalRefusedError as exc:  # already withdrawn or stopped (an earlier answer lost), or too late
            self.queue.settle_withdrawal(sid, found.dossier_code, found.due_at, exc.status or found.status)
            return self._settled_meanwhile(self.queue.get(sid))
        except ApplicationNotFoundError:  # the receipt's ID digits do not open it: staff must look at it
            log.error("withdrawal of %s: the portal holds it but refused its ID digits", sid)
            self.queue.settle_withdrawal(sid, found.dossier_code, found.due_at, found.status)
            return WithdrawOutcome("not_found", "queue.file_not_found", found.status)
        except PortalError as exc:
            log.info("withdrawal of %s pending: portal withdrawal failed (%s)", sid, exc.reason_code)
            return WithdrawOutcome("pending", "queue.withdrawal_pending")
        self.queue.settle_withdrawal(sid, result.dossier_code, found.due_at, result.status)
        return self._settled_meanwhile(self.queue.get(sid))

    @staticmethod
    def _settled_meanwhile(record: SubmissionRecord) -> WithdrawOutcome:
        """What a settled withdrawal means for the citizen, read from the row (whoever settled it)."""
        if record.state is SubmissionState.WITHDRAWN:
            return WithdrawOutcome("withdrawn_locally", "queue.withdrawn_locally")
        if record.state is SubmissionState.WITHDRAWING:
            return WithdrawOutcome("pending", "queue.withdrawal_pending")
        status = record.portal_status
        if status == STOPPED:
            return WithdrawOutcome("withdrawn", "queue.withdrawn_after_check", status)
        if status == WITHDRAWAL_REQUESTED:
            return WithdrawOutcome("requested", "queue.withdrawal_requested", status)
        return WithdrawOutcome("too_late", "queue.withdraw_too_late", status)

    def _local_reference(self, code: str, id_last4: str) -> str | None:
        """The submission id when `code` is one of this kiosk's local references (printed while the file waited)
        and the ID digits match; None otherwise, so nobody reaches another person's file by its reference."""
        code, id_last4 = code.strip(), id_last4.strip()
        if not code or not id_last4:
            return None
        for candidate in dict.fromkeys((code, code.lower())):  # references are lower-case; the keypad types capitals
            try:
                record = self.queue.get(candidate)
            except SubmissionNotFoundError:
                continue
            return candidate if record.receipt.id_last4 == id_last4 else None
        return None

    # ---- read models ---------------------------------------------------------------------------------------

    def progress(self) -> SyncProgress:
        if self.worker is not None:
            worker = self.worker
            return self._repairing(worker.progress)
        counts = self._repairing(self.queue.counts)
        return SyncProgress(counts[SubmissionState.QUEUED], counts[SubmissionState.SENDING],
                            counts[SubmissionState.ACCEPTED], counts[SubmissionState.REJECTED], True,
                            None, None, None, self.queue.next_due_at())

    def record(self, submission_id: str) -> SubmissionRecord:
        """Everything a receipt reprint needs: `record(...).receipt` (file code, due date, masked ID, times)."""
        return self._repairing(lambda: self.queue.get(submission_id))
