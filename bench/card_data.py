"""Benchmark of the chip-data side: personalising virtual cards, parsing every LDS file, Passive and Active
Authentication, loading a trust folder. Prints a table of median times.

    .venv/bin/python bench/card_data.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from devices.card.emulator.issuer import TestIssuer
from devices.card.emulator.personalise import personalise
from devices.card.emulator.profile import load_profile, shipped_profiles_folder
from devices.card.identity import AccessProtocol, PassiveAuthStatus, SecurityReport
from devices.card.lds.assemble import identity_from_groups
from devices.card.lds.dg2 import parse_dg2
from devices.card.lds.dg13 import parse_dg13
from devices.card.lds.files import FID_SOD, dg_fid
from devices.card.lds.sod import parse_sod
from devices.card.protocol.active_auth import sign_active_auth, verify_active_auth
from devices.card.trust.master_list import build_master_list
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    today = datetime.now(UTC).date()
    rows: list[tuple[str, float, int]] = []
    ec_issuer, rsa_issuer = TestIssuer.generate(), TestIssuer.generate(key_type="rsa", rsa_pss=True)
    demo = load_profile(shipped_profiles_folder() / "demo.toml")
    bac = load_profile(shipped_profiles_folder() / "bac_only.toml")
    rows.append(("TestIssuer.generate (EC)", _median_ms(TestIssuer.generate, 5), 5))
    rows.append(("personalise demo (RSA-2048 AA key)", _median_ms(lambda: personalise(demo, ec_issuer), 5), 5))
    rows.append(("personalise bac_only (JPEG 2000)", _median_ms(lambda: personalise(bac, ec_issuer), 5), 5))
    image = personalise(demo, ec_issuer)
    groups = {n: image.files[dg_fid(n)] for n in (1, 2, 13, 14, 15)}
    rows.append(("parse DG13", _median_ms(lambda: parse_dg13(groups[13]), 200), 200))
    rows.append((f"parse DG2 ({len(groups[2]) // 1024} kB)", _median_ms(lambda: parse_dg2(groups[2]), 200), 200))
    rows.append(("parse EF.SOD", _median_ms(lambda: parse_sod(image.files[FID_SOD]), 200), 200))
    report = SecurityReport(AccessProtocol.PACE, PassiveAuthStatus.GENUINE)
    rows.append(("identity_from_groups", _median_ms(
        lambda: identity_from_groups(groups[1], groups[13], groups[2], report), 200), 200))
    for label, issuer in (("EC P-384/P-256", ec_issuer), ("RSA-PSS 3072/2048", rsa_issuer)):
        card = personalise(demo, issuer)
        card_groups = {n: card.files[dg_fid(n)] for n in (1, 2, 13, 14, 15)}
        store = TrustStore.from_certificates([issuer.csca_der])
        sod = card.files[FID_SOD]
        rows.append((f"verify_passive_auth, 5 DGs, {label}", _median_ms(
            partial(verify_passive_auth, sod, card_groups, store, today), 50), 50))
    assert image.aa_private_key is not None
    signature = sign_active_auth(image.aa_private_key, b"12345678")
    rows.append(("verify_active_auth RSA-2048 (9796-2)", _median_ms(
        lambda: verify_active_auth(groups[15], b"12345678", signature), 200), 200))
    with tempfile.TemporaryDirectory() as folder:
        issuers = [TestIssuer.generate(f"V{chr(65 + i)}") for i in range(20)]
        for issuer in issuers[:10]:
            issuer.write_trust_store(folder)
        ml = build_master_list([i.csca_der for i in issuers[10:]], issuers[0].dsc_key, issuers[0].dsc_der)
        with open(f"{folder}/list.ml", "wb") as handle:
            handle.write(ml)
        rows.append(("TrustStore.from_folder (10 PEM + ML of 10)", _median_ms(
            lambda: TrustStore.from_folder(folder), 20), 20))
    width = max(len(r[0]) for r in rows)
    print(f"{'operation'.ljust(width)}  {'median ms':>10}  {'runs':>5}")
    for name, ms, runs in rows:
        print(f"{name.ljust(width)}  {ms:>10.2f}  {runs:>5}")


if __name__ == "__main__":
    main()
