"""Benchmark: full chip reads through real pcscd + vpcd + the emulated CCCD, with and without extended length.

Run:  .venv/bin/python bench/card_read.py [--reads N]

Starts a private pcscd (own socket and vpcd port) and the emulator as a separate process, then reads the card N
times in this process (access control, COM, DG14 + CA, DG1, DG13, DG2 ~20 kB, DG15 + AA, SOD, Passive
Authentication). Prints APDUs per read against the minimum the file sizes allow, wall time and this process's CPU
time per read (the emulator's CPU is not counted: on a kiosk it is the card's). Targets: APDUs ≤ 1.2 × minimum,
CPU ≤ 50 ms per read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devices.card.access_keys import from_details
from devices.card.emulator.pcscd import start_pcscd
from devices.card.emulator.personalise import TestIssuer, load_profile, personalise
from devices.card.emulator.profile import shipped_profiles_folder
from devices.card.protocol.secure_messaging import max_plain_le

KEY = from_details("001190012345", "900314", "300314")
KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]
FILES = (0x011E, 0x010E, 0x0101, 0x010D, 0x0102, 0x010F, 0x011D)  # COM, DG14, DG1, DG13, DG2, DG15, SOD


def _profile(folder: Path, access: str, extended: bool) -> Path:
    text = (shipped_profiles_folder() / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('photo = "portrait.jpg"', f'photo = "{shipped_profiles_folder() / "portrait.jpg"}"')
    text = text.replace("extended_length = true", f"extended_length = {'true' if extended else 'false'}")
    if access == "BAC":
        text = text.replace('pace_curve = "brainpoolP256r1"', 'pace_curve = "none"')
    path = folder / f"bench-{access}-{'ext' if extended else 'short'}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _minimum(path: Path, access: str, extended: bool) -> int:
    """Fewest APDUs any reader could use: access control, CA, AA, and each file in maximal chunks."""
    image = personalise(load_profile(path), TestIssuer.generate())
    block = 16 if access == "PACE" else 8  # AES-128 after PACE here, 3DES after BAC; CA switches to AES
    chunk = max_plain_le(16 if access == "PACE" else block, 65536 if extended else 256)
    ca_chunk = max_plain_le(16, 65536 if extended else 256)
    access_apdus = 7 if access == "PACE" else 3  # CardAccess+MSE+4×GA+SELECT | SELECT+GET CHALLENGE+EXT AUTH
    if access == "BAC":
        access_apdus += 1  # the reader still looks for EF.CardAccess first
    total = access_apdus + 2 + (1 if extended else 2)  # CA (MSE+GA); AA (RSA-2048 answer needs GET RESPONSE)
    for fid in FILES:
        size = len(image.files[fid])
        total += -(-size // (chunk if fid in (0x011E, 0x010E) else ca_chunk))
    return total


def _read_once() -> tuple[int, float, float]:
    from devices.card.pcsc import PcscChannel, choose_reader
    from devices.card.protocol.transport import ApduTransport
    from devices.card.reader import read_card

    wall, cpu = time.perf_counter(), time.process_time()
    channel = PcscChannel(choose_reader("00 00"))
    transport = ApduTransport(channel)
    identity = read_card(transport, [KEY], None)
    channel.close()
    assert identity.security is not None and identity.security.trustworthy
    return transport.apdu_count, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="card-bench-"))
    rig = start_pcscd(work)
    os.environ["PCSCLITE_CSOCK_NAME"] = str(rig.socket_path)  # before this process first talks to PC/SC
    rows = []
    try:
        for access, extended in (("PACE", True), ("PACE", False), ("BAC", True), ("BAC", False)):
            profile = _profile(work, access, extended)
            emulator = subprocess.Popen([*KIOSK, "card", "emulate", "--profile", str(profile), "--port",
                                         str(rig.port), "--issuer-dir", str(work / "issuer")],
                                        env=rig.env, stderr=subprocess.DEVNULL)
            try:
                from devices.card.pcsc import list_readers

                deadline = time.monotonic() + 30
                while not any(r.card_present and "00 00" in r.name for r in list_readers()):
                    if time.monotonic() > deadline:
                        raise RuntimeError("emulated card did not appear")
                    time.sleep(0.1)
                _read_once()  # warm-up: imports, first PC/SC context
                samples = [_read_once() for _ in range(args.reads)]
            finally:
                emulator.terminate()
                emulator.wait(10)
            minimum = _minimum(profile, access, extended)
            apdus = samples[0][0]
            rows.append((access, "yes" if extended else "no", apdus, minimum, apdus / minimum,
                         statistics.median(s[1] for s in samples), statistics.median(s[2] for s in samples)))
            time.sleep(0.5)  # let pcscd notice the removal before the next card
    finally:
        rig.stop()
    header = f"{'access':<6} {'extended':>8} {'APDUs':>6} {'minimum':>8} {'ratio':>6} {'wall ms':>8} {'CPU ms':>7}"
    print(header)
    print("-" * len(header))
    for access, ext, apdus, minimum, ratio, wall, cpu in rows:
        print(f"{access:<6} {ext:>8} {apdus:>6} {minimum:>8} {ratio:>6.2f} {wall:>8.1f} {cpu:>7.1f}")
    print(f"(median of {args.reads} reads each; targets: ratio ≤ 1.20, CPU ≤ 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
