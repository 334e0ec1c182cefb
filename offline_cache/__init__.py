"""The encrypted, durable submission queue and the worker that drains it to the portal.

This package knows nothing of the kiosk: the portal is reached through the `Sender` protocol, which the kiosk's
portal adapter implements, and errors carry message keys the kiosk translates.
"""

from offline_cache.crypto import FileKeyProvider, KeyProvider, PayloadCipher, StaticKeyProvider
from offline_cache.errors import (
    QueueCorruptedError,
    QueueError,
    QueueKeyError,
    QueueStorageFullError,
    SubmissionNotFoundError,
    SubmissionNotWithdrawableError,
)
from offline_cache.queue import SqliteSubmissionQueue, new_submission_id
from offline_cache.records import (
    Attachment,
    Deferred,
    Delivered,
    FieldProblem,
    NewSubmission,
    OutgoingSubmission,
    ReceiptFacts,
    Refused,
    SendResult,
    SubmissionRecord,
    SubmissionState,
)
from offline_cache.sync import CircuitBreaker, RateLimiter, Sender, SyncPolicy, SyncProgress, SyncWorker, Withdrawer

__all__ = [
    "Attachment", "CircuitBreaker", "Deferred", "Delivered", "FieldProblem", "FileKeyProvider", "KeyProvider",
    "NewSubmission", "OutgoingSubmission", "PayloadCipher", "QueueCorruptedError", "QueueError", "QueueKeyError",
    "QueueStorageFullError", "RateLimiter", "ReceiptFacts", "Refused", "SendResult", "Sender",
    "SqliteSubmissionQueue", "StaticKeyProvider", "SubmissionNotFoundError", "SubmissionNotWithdrawableError",
    "SubmissionRecord", "SubmissionState", "SyncPolicy", "SyncProgress", "SyncWorker", "Withdrawer",
    "new_submission_id",
]
