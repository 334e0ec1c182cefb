"""Revocation in Passive Authentication (ICAO 9303-12 §7.1.4, RFC 5280 §5): a CSCA's CRL past its nextUpdate
cannot vouch that a Document Signer is still good, so the answer is `unchecked` with the reason (or, when the kiosk is
set to refuse, `untrusted`); a Document Signer listed on a trusted CRL is `untrusted`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from devices.card.emulator.issuer import TestIssuer
from devices.card.identity import PassiveAuthStatus
from devices.card.lds.dg1 import build_dg1
from devices.card.lds.sod import sign_sod
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore

TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
GROUPS = {1: build_dg1(TD1)}
NOW = datetime.now(UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate(dsc_not_before=NOW - timedelta(days=100))


def _store(issuer: TestIssuer, folder: Path, *crls: bytes, expired_crl: str = "unchecked") -> TrustStore:
    issuer.write_trust_store(folder)
    for index, data in enumerate(crls):
        (folder / f"csca-{index}.crl").write_bytes(data)
    return TrustStore.from_folder(folder, expired_crl=expired_crl)  # type: ignore[arg-type]


def _check(issuer: TestIssuer, store: TrustStore, at: date = TODAY) -> tuple[PassiveAuthStatus, str, str]:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    result = verify_passive_auth(sod, GROUPS, store, at)
    return result.status, result.reason, result.detail


def test_a_current_crl_not_listing_the_signer_is_genuine(issuer: TestIssuer, tmp_path: Path) -> None:
    store = _store(issuer, tmp_path, issuer.crl())
    assert _check(issuer, store)[:2] == (PassiveAuthStatus.GENUINE, "")


def test_an_expired_crl_leaves_passive_authentication_unchecked_with_the_reason(issuer: TestIssuer,
                                                                                tmp_path: Path) -> None:
    expired = issuer.crl(this_update=NOW - timedelta(days=60), next_update=NOW - timedelta(days=2))
    status, reason, detail = _check(issuer, _store(issuer, tmp_path, expired))
    assert status is PassiveAuthStatus.UNCHECKED
    assert reason == "crl_expired"
    assert "CRL" in detail and (NOW - timedelta(days=2)).date().isoformat() in detail


def test_an_expired_crl_is_refused_when_the_kiosk_is_set_to(issuer: TestIssuer, tmp_path: Path) -> None:
    expired = issuer.crl(this_update=NOW - timedelta(days=60), next_update=NOW - timedelta(days=2))
    status, reason, _ = _check(issuer, _store(issuer, tmp_path, expired, expired_crl="refuse"))
    assert status is PassiveAuthStatus.UNTRUSTED
    assert reason == "crl_expired"


def test_the_newest_crl_counts(issuer: TestIssuer, tmp_path: Path) -> None:
    old = issuer.crl(this_update=NOW - timedelta(days=60), next_update=NOW - timedelta(days=30))
    store = _store(issuer, tmp_path, old, issuer.crl(this_update=NOW - timedelta(days=1)))
    assert _check(issuer, store)[0] is PassiveAuthStatus.GENUINE


def test_the_same_crl_is_current_before_its_next_update(issuer: TestIssuer, tmp_path: Path) -> None:
    crl = issuer.crl(this_update=NOW - timedelta(days=60), next_update=NOW - timedelta(days=2))
    store = _store(issuer, tmp_path, crl)
    assert _check(issuer, store, TODAY - timedelta(days=3))[0] is PassiveAuthStatus.GENUINE


@pytest.mark.parametrize("expired", [False, True])
def test_a_revoked_signer_is_untrusted_even_on_an_expired_crl(issuer: TestIssuer, tmp_path: Path,
                                                              expired: bool) -> None:
    when = {"this_update": NOW - timedelta(days=60), "next_update": NOW - timedelta(days=2)} if expired else {}
    crl = issuer.crl(revoked=[issuer.dsc_cert.serial_number], **when)  # type: ignore[arg-type]
    status, reason, detail = _check(issuer, _store(issuer, tmp_path, crl))
    assert status is PassiveAuthStatus.UNTRUSTED
    assert reason == "dsc_revoked"
    assert "revoked" in detail


def test_an_expired_crl_signed_by_someone_else_changes_nothing(issuer: TestIssuer, tmp_path: Path) -> None:
    outsider = TestIssuer.generate()
    forged = outsider.crl(this_update=NOW - timedelta(days=60), next_update=NOW - timedelta(days=2),
                          issuer_name=issuer.csca_cert.subject)
    assert _check(issuer, _store(issuer, tmp_path, forged))[0] is PassiveAuthStatus.GENUINE


def test_without_a_trust_store_the_reason_says_so(issuer: TestIssuer) -> None:
    sod = sign_sod(GROUPS, issuer.dsc_key, issuer.dsc_der)
    result = verify_passive_auth(sod, GROUPS, None, TODAY)
    assert (result.status, result.reason) == (PassiveAuthStatus.UNCHECKED, "no_trust_store")
