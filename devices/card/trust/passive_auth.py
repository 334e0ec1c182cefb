"""Passive Authentication: is the data on the chip what the issuing state signed? (ICAO 9303-11 §5.1, 9303-12 §7)

1. EF.SOD's CMS signature: the signed attributes' content type and message digest match the LDSSecurityObject, and
   the signature over the signed attributes verifies with the Document Signer certificate (DSC) carried in SOD.
2. Every data group read is hashed with SOD's algorithm and compared with the signed hash.
3. The DSC is signed by a trusted CSCA (matched by issuer name and key identifier), and both are within their
   validity periods on the day of the check.
4. The DSC is not on a trusted CRL of its CSCA (9303-12 §7.1.4), and that CSCA's newest CRL is not past its
   nextUpdate: an expired list cannot vouch for the DSC, so the answer is unchecked (or untrusted when the trust
   store is set to refuse), with the reason.
Outcome priority: tampered (a wrong hash or signature) over untrusted (no chain to a trusted CSCA, a revoked DSC)
over unchecked (no trust store configured, an expired CRL) over genuine. `detail` is technical and never holds
personal data; `reason` is a stable code for the last two cases (no_trust_store, crl_expired, dsc_revoked).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from asn1crypto import cms, core, x509

from devices.card.identity import PassiveAuthStatus
from devices.card.lds.errors import LdsError
from devices.card.lds.sod import OID_LDS_SECURITY_OBJECT, Sod, digest, parse_sod
from devices.card.trust.signatures import CHECK_ERRORS, load_public_key, verify_signature
from devices.card.trust.trust_store import Revocation, TrustStore

log = logging.getLogger(__name__)

REASON_NO_TRUST_STORE = "no_trust_store"
REASON_CRL_EXPIRED = "crl_expired"
REASON_DSC_REVOKED = "dsc_revoked"


@dataclass(frozen=True)
class PassiveAuthResult:
    status: PassiveAuthStatus
    tampered_groups: tuple[int, ...] = ()
    detail: str = ""
    reason: str = ""  # REASON_* code, when the outcome has one a person must act on


def verify_passive_auth(
    sod: bytes, groups: Mapping[int, bytes], trust_store: TrustStore | None, at: date,
) -> PassiveAuthResult:
    """Check SOD and the data groups that were read (`groups`: DG number → whole file bytes)."""
    try:
        parsed = parse_sod(sod)
    except LdsError as exc:
        return PassiveAuthResult(PassiveAuthStatus.TAMPERED, detail=f"SOD unreadable: {exc}")
    tampered = _compare_hashes(parsed, groups)
    try:
        signature_problem = _check_cms_signature(parsed)
    except CHECK_ERRORS as exc:
        signature_problem = f"SOD signature cannot be checked ({type(exc).__name__}: {exc})"
    if signature_problem or tampered:
        details = [signature_problem] if signature_problem else []
        if tampered:
            details.append("hash mismatch in DG" + ", DG".join(str(n) for n in tampered))
        return PassiveAuthResult(PassiveAuthStatus.TAMPERED, tuple(tampered), "; ".join(details))
    if trust_store is None:
        return PassiveAuthResult(PassiveAuthStatus.UNCHECKED, detail="no trust store configured",
                                 reason=REASON_NO_TRUST_STORE)
    dsc = parsed.signer_certificate
    if dsc is None:  # unreachable: _check_cms_signature refuses a SOD without its DSC
        return PassiveAuthResult(PassiveAuthStatus.TAMPERED, detail="no Document Signer certificate in SOD")
    try:
        chain_problem = _check_chain(dsc, trust_store, at)
    except CHECK_ERRORS as exc:
        chain_problem = f"DSC cannot be checked ({type(exc).__name__})"
    if chain_problem:
        return PassiveAuthResult(PassiveAuthStatus.UNTRUSTED, detail=chain_problem)
    revocation = trust_store.revocation(dsc, at)
    if revocation.status is Revocation.REVOKED:
        return PassiveAuthResult(PassiveAuthStatus.UNTRUSTED, detail="DSC revoked by its CSCA",
                                 reason=REASON_DSC_REVOKED)
    if revocation.status is Revocation.CRL_EXPIRED:
        detail = f"the CSCA's newest CRL was due on {revocation.next_update}; revocation not checked"
        log.warning("Passive Authentication: %s (trust folder needs a current CRL)", detail)
        status = PassiveAuthStatus.UNTRUSTED if trust_store.expired_crl == "refuse" else PassiveAuthStatus.UNCHECKED
        return PassiveAuthResult(status, detail=detail, reason=REASON_CRL_EXPIRED)
    return PassiveAuthResult(PassiveAuthStatus.GENUINE, detail=f"{len(groups)} groups match, DSC chains to CSCA")


def _compare_hashes(sod: Sod, groups: Mapping[int, bytes]) -> list[int]:
    bad = []
    for number in sorted(groups):
        signed = sod.hashes.get(number)
        if signed is None or not hmac.compare_digest(signed, digest(sod.hash_algorithm, groups[number])):
            bad.append(number)
    return bad


def _attribute(attrs: cms.CMSAttributes, name: str) -> object:
    values = [a["values"] for a in attrs if a["type"].native == name]
    if len(values) != 1 or len(values[0]) != 1:
        return None
    return values[0][0]


def _check_cms_signature(sod: Sod) -> str:
    """'' when the SOD signature is right, else why not."""
    signed = sod.signed_data
    info = signed["signer_infos"][0]
    cert = sod.signer_certificate
    if cert is None:
        return "no Document Signer certificate in SOD"
    content = bytes(signed["encap_content_info"]["content"].contents)
    digest_name = info["digest_algorithm"]["algorithm"].native
    attrs = info["signed_attrs"]
    if isinstance(attrs, core.Void) or len(attrs) == 0:
        to_verify = content  # RFC 5652 allows no signed attributes; the signature is then over the content itself
    else:
        content_type = _attribute(attrs, "content_type")
        if not isinstance(content_type, cms.ContentType) or content_type.dotted != OID_LDS_SECURITY_OBJECT:
            return "signed content-type attribute is wrong"
        message_digest = _attribute(attrs, "message_digest")
        if not isinstance(message_digest, core.OctetString) or not hmac.compare_digest(
            message_digest.native, digest(digest_name, content)
        ):
            return "signed message digest does not match the security object"
        # The signature covers the DER SET OF attributes, not the [0]-tagged form stored in SignerInfo.
        to_verify = b"\x31" + bytes(attrs.dump())[1:]
    key = load_public_key(cert.public_key)
    if not verify_signature(key, bytes(info["signature"].native), to_verify, info["signature_algorithm"], digest_name):
        return "SOD signature does not verify with the DSC"
    return ""


def _within(cert: x509.Certificate, at: date) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native.date() <= at <= validity["not_after"].native.date())


def _may_issue(csca: x509.Certificate) -> bool:
    """A CSCA certificate must be a CA (9303-12 §7.1.1); one that says it is not cannot vouch for a DSC."""
    constraints = csca.basic_constraints_value
    return constraints is None or bool(constraints["ca"].native)


def _check_chain(dsc: x509.Certificate, store: TrustStore, at: date) -> str:
    """'' when the DSC was signed by a trusted CSCA and both are valid on `at`, else why not."""
    candidates = [c for c in store.issuers_for(dsc) if _may_issue(c)]
    if not candidates:
        return "no trusted CSCA matches the DSC issuer"
    usage = dsc.key_usage_value
    if usage is not None and "digital_signature" not in usage.native:
        return "DSC key usage does not allow signing documents"
    tbs = bytes(dsc["tbs_certificate"].dump())
    signature = bytes(dsc["signature_value"].native)
    for csca in candidates:
        key = load_public_key(csca.public_key)
        if not verify_signature(key, signature, tbs, dsc["signature_algorithm"]):
            continue
        if not _within(dsc, at):
            return "DSC expired or not yet valid"
        if not _within(csca, at):
            return "CSCA expired or not yet valid"
        return ""
    return "DSC signature does not verify with any matching CSCA"
