"""The portal client over HTTPS with certificate verification and a client certificate (mutual TLS)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.portal.client import PortalClient
from kiosk.portal.errors import PortalAccessError, PortalUnavailableError
from kiosk.portal.simulator import RunningSimulator, start_simulator
from tests.integration.queue.conftest import body

pytestmark = pytest.mark.integration


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _issue(folder: Path, stem: str, cn: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
           *, ca: bool = False, server: bool = False) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(cn))
               .issuer_name(issuer[0].subject if issuer else _name(cn)).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    (folder / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / f"{stem}.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    return cert, key


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    ca = _issue(tmp_path, "ca", "Test Province CA", None, ca=True)
    _issue(tmp_path, "server", "portal", ca, server=True)
    _issue(tmp_path, "kiosk", "KIOSK-TEST", ca)
    _issue(tmp_path, "stranger", "stranger", _issue(tmp_path, "other-ca", "Other CA", None, ca=True))
    return tmp_path


@pytest.fixture
def tls_sim(pki: Path) -> Iterator[RunningSimulator]:
    sim = start_simulator(db=pki / "sim.sqlite3", tls_cert=pki / "server.pem", tls_key=pki / "server.key",
                          client_ca=pki / "ca.pem")
    yield sim
    sim.stop()


def test_mutual_tls_with_the_kiosk_certificate_works(pki: Path, tls_sim: RunningSimulator) -> None:
    assert tls_sim.url.startswith("https://")
    c = PortalClient(tls_sim.url, kiosk_id="K", operator_id="O", verify=str(pki / "ca.pem"),
                     client_cert=(str(pki / "kiosk.pem"), str(pki / "kiosk.key")))
    try:
        assert c.create_application(body(), "tls-1").dossier_code
    finally:
        c.close()


def test_an_unknown_server_certificate_is_refused(pki: Path, tls_sim: RunningSimulator) -> None:
    c = PortalClient(tls_sim.url, kiosk_id="K", operator_id="O", verify=True,
                     client_cert=(str(pki / "kiosk.pem"), str(pki / "kiosk.key")))
    try:
        with pytest.raises(PortalAccessError):
            c.create_application(body(), "tls-2")
    finally:
        c.close()
    assert tls_sim.applications() == []


def test_a_client_without_an_accepted_certificate_gets_nothing_in(pki: Path, tls_sim: RunningSimulator) -> None:
    for cert in (None, (str(pki / "stranger.pem"), str(pki / "stranger.key"))):
        c = PortalClient(tls_sim.url, kiosk_id="K", operator_id="O", verify=str(pki / "ca.pem"), client_cert=cert)
        try:
            with pytest.raises((PortalAccessError, PortalUnavailableError)):
                c.create_application(body(), "tls-3")
        finally:
            c.close()
    assert tls_sim.applications() == []
