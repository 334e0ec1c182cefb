"""A private pcscd with the vpcd driver on chosen ports, for integration tests, benchmarks and bench-top checks.

pcscd normally owns /run/pcscd/pcscd.comm and the vpcd port from /etc/reader.conf.d. Here it is started by systemd
socket activation rules (LISTEN_FDS: we hand it an already listening socket at a path of our own) and with its own
reader configuration directory (`-c`), so it never disturbs a system pcscd; PC/SC clients reach it by setting
PCSCLITE_CSOCK_NAME to that socket path. Only the process started here is ever stopped.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")


class PcscdUnavailableError(RuntimeError):
    """pcscd or the vpcd driver is not installed here."""


def _port_pair_free(port: int) -> bool:
    for candidate in (port, port + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                return False
    return True


def free_port_pair() -> int:
    """A port p with p and p+1 free (vpcd opens one port per virtual reader)."""
    for _ in range(200):
        port = random.randrange(20000, 60000, 2)
        if _port_pair_free(port):
            return port
    raise PcscdUnavailableError("no free TCP port pair on 127.0.0.1")


@dataclass
class PcscdRig:
    workdir: Path
    port: int
    process: subprocess.Popen[bytes]
    socket_path: Path
    log_path: Path
    _listener: socket.socket = field(repr=False)

    @property
    def env(self) -> dict[str, str]:
        """Environment for PC/SC clients of this pcscd."""
        return {**os.environ, "PCSCLITE_CSOCK_NAME": str(self.socket_path)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._listener.close()


def start_pcscd(workdir: Path, port: int | None = None) -> PcscdRig:
    executable = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
    if executable is None or not VPCD_DRIVER.exists():
        raise PcscdUnavailableError("pcscd and vsmartcard-vpcd must be installed (see scripts/setup.sh)")
    port = port or free_port_pair()
    conf = workdir / "reader.conf.d"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{port:X}\nLIBPATH      {VPCD_DRIVER}\n'
        f"CHANNELID    0x{port:X}\n")
    socket_path = workdir / "pcscd.comm"
    socket_path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path))
    socket_path.chmod(0o666)
    listener.listen(32)
    fd = listener.fileno()
    # sd_listen_fds() wants the socket as fd 3 and LISTEN_PID equal to pcscd's own PID: a shell that moves the
    # descriptor and then execs pcscd (keeping its PID) provides both.
    move = "" if fd == 3 else f"exec 3<&{fd} {fd}<&-; "
    script = move + 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --foreground -c "$1"'
    log_path = workdir / "pcscd.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(["/bin/bash", "-c", script, executable, str(conf)], pass_fds=(fd,),
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    rig = PcscdRig(workdir, port, process, socket_path, log_path, listener)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # ready when the driver listens for the virtual card
        if process.poll() is not None:
            rig.stop()
            raise PcscdUnavailableError(f"pcscd exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        rig.stop()
        raise PcscdUnavailableError("pcscd did not open the vpcd port")
    return rig
