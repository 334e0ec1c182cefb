"""How long a file waits in the queue after its first try failed is the kiosk's setting, not a fixed 5 s."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.submissions import SubmissionService


def closed_port() -> int:
    """A loopback port nobody listens on, so the first try fails at once with "connection refused"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("retry_s", [0.5, 42.0])
def test_a_failed_first_try_waits_the_configured_time_before_the_retry(tmp_path: Path, retry_s: float) -> None:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path)},
                                "portal": {"base_url": f"http://127.0.0.1:{closed_port()}",
                                           "first_try_retry_s": retry_s, "connect_timeout_s": 1.0}})
    service = SubmissionService.from_config(config)  # not started: nothing but the first try sends
    try:
        before = time.time()
        outcome = service.submit("id_confirmation", {"purpose": "bank"}, (), "2345")
        after = time.time()
        assert outcome.kind == "queued"
        due = service.queue.get(outcome.submission_id).next_attempt_at
        assert before + retry_s <= due <= after + retry_s
    finally:
        service.stop()
