from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache import ReceiptFacts, SqliteSubmissionQueue, StaticKeyProvider

KEY = bytes(range(32))


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def receipt(last4: str = "1234") -> ReceiptFacts:
    return ReceiptFacts(service_code="1.004194", masked_id="********" + last4, id_last4=last4,
                        received_at=1_800_000_000.0, service_name="Đăng ký tạm trú")


def payload(n: int = 0) -> dict[str, object]:
    return {"applicant": {"id_number": f"0010900{n:05d}", "full_name": "Nguyễn Thị Hoa"},
            "form": {"schema_id": "ct01", "data": {"address": "12 Phố Huế", "n": n}}}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue(tmp_path: Path, clock: FakeClock) -> Iterator[SqliteSubmissionQueue]:
    q = SqliteSubmissionQueue(tmp_path / "queue.sqlite3", StaticKeyProvider(KEY), clock=clock)
    yield q
    q.close()
