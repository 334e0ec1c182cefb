"""`kiosk portal-sim --payment-confirm-s`: a delay in seconds, or `manual` (only the `/_sim` call confirms)."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.portal.client import PortalClient

pytestmark = pytest.mark.integration

CLI = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


@contextmanager
def portal_sim(tmp_path: Path, confirm: str) -> Iterator[tuple[PortalClient, str]]:
    process = subprocess.Popen([*CLI, "portal-sim", "--port", "0", "--db", str(tmp_path / "sim.sqlite3"),
                                "--payment-confirm-s", confirm], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = next(line for line in process.stdout if line.startswith("PORT=")).strip().split("=")[1]
        url = f"http://127.0.0.1:{port}"
        client = PortalClient(url, kiosk_id="K", operator_id="OP")
        yield client, url
        client.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def open_payment(client: PortalClient) -> str:
    body = {"procedure_code": "1.004194", "agency_code": "000.00.01.H26", "form": {"data": {}},
            "applicant": {"id_number": "001090001234", "full_name": "Lê Thị Mai"}, "fees": {"expected_amount": 7000}}
    code = client.create_application(body, str(uuid.uuid4())).dossier_code
    assert client.request_payment(code, "1234").created
    return code


def test_zero_delay_confirms_at_once(tmp_path: Path) -> None:
    with portal_sim(tmp_path, "0") as (client, _):
        code = open_payment(client)
        assert client.payment_status(code, "1234").state == "paid"


def test_manual_waits_for_the_sim_call(tmp_path: Path) -> None:
    import urllib.request

    with portal_sim(tmp_path, "manual") as (client, url):
        code = open_payment(client)
        assert client.payment_status(code, "1234").state == "pending"
        request = urllib.request.Request(f"{url}/_sim/payments/{code}/confirm", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=5):
            pass
        assert client.payment_status(code, "1234").state == "paid"


@pytest.mark.parametrize("bad", ["-1", "soon", "nan"])
def test_a_bad_delay_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    done = subprocess.run([*CLI, "portal-sim", "--port", "0", "--db", str(tmp_path / "s.sqlite3"),
                           "--payment-confirm-s", bad], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--payment-confirm-s" in done.stderr
