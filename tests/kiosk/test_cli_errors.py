"""The `kiosk` command ends every configuration and storage problem in one clear line, never a traceback.

Configuration problems exit 2 and name the file and the setting; a read-only or full disk exits 1 and names the
file or the `kiosk.data_dir` setting. The message language never depends on loading the broken file again.
Read-only and full disks are real: a small tmpfs mounted for the test (root is not stopped by mode bits).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.bootstrap import DataFolderError, build_kiosk, prepare_data_folder
from kiosk.cli import main
from kiosk.config import load_config
from offline_cache import FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ---- configuration problems: exit 2, file and setting named -------------------------------------------------
def _write(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        cfg = folder / "kiosk.toml"
        cfg.write_text(text, encoding="utf-8")
        return cfg
    return make


def _not_utf8(folder: Path) -> Path:
    cfg = folder / "kiosk.toml"
    cfg.write_bytes(b'[kiosk]\nward_name = "Ph\xb0\xf6\xe6ng"\n')
    return cfg


def _a_folder(folder: Path) -> Path:
    cfg = folder / "kiosk.toml"
    cfg.mkdir()
    return cfg


def _a_symlink_loop(folder: Path) -> Path:
    cfg = folder / "kiosk.toml"
    cfg.symlink_to(cfg)
    return cfg


BROKEN: list[tuple[str, Callable[[Path], Path], str]] = [
    ("inf", _write("[queue]\nbreaker_probe_s = inf\n"), "queue.breaker_probe_s"),
    ("nan", _write("[queue]\nbreaker_probe_s = nan\n"), "queue.breaker_probe_s"),
    ("huge", _write("[queue]\nmax_in_flight = 100000000000000000000\n"), "queue.max_in_flight"),
    ("url", _write('[portal]\nbase_url = "not a url"\n'), "portal.base_url"),
    ("volunteer", _write('[staff]\nvolunteers = ["TNV-1 Trần Văn An"]\n'), "staff.volunteers[0]"),
    ("nul_path", _write('[kiosk]\ndata_dir = "var\\u0000x"\n'), "kiosk.data_dir"),
    ("duplicate", _write("[queue]\nbreaker_failures = 5\nbreaker_failures = 6\n"), "queue.breaker_failures"),
    ("unknown", _write("[card]\nreadr_name = 'x'\n"), "card.readr_name"),
    ("not_utf8", _not_utf8, "UTF-8"),
    ("folder", _a_folder, "folder"),
    ("unreadable", _a_symlink_loop, "cannot be read"),
]


@pytest.mark.parametrize(("make", "named"), [(m, n) for _, m, n in BROKEN], ids=[i for i, _, _ in BROKEN])
def test_a_broken_config_is_one_line_exit_2_without_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         make: Callable[[Path], Path], named: str) -> None:
    cfg = make(tmp_path)
    code, _, err = run(capsys, "--config", str(cfg), "queue", "status")
    line = one_line(err)
    assert code == 2
    assert str(cfg) in line and named in line
    assert "Cấu hình của máy chưa đúng" in line  # the default language, chosen without loading the file twice


def test_the_configured_language_is_kept_when_the_rest_is_broken(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _write('[kiosk]\ndefault_language = "en"\n[queue]\nbreaker_probe_s = inf\n')(tmp_path)
    code, _, err = run(capsys, "--config", str(cfg), "queue", "status")
    assert code == 2 and one_line(err).startswith("The kiosk configuration is wrong")
    code, _, err = run(capsys, "--config", str(cfg), "--lang", "vi", "queue", "status")
    assert code == 2 and one_line(err).startswith("Cấu hình của máy chưa đúng")


def test_a_missing_config_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--lang", "en", "--config", str(tmp_path / "nope.toml"), "services", "list")
    assert code == 2 and "nope.toml" in one_line(err)


@pytest.mark.integration
def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    cfg = _write("[queue]\nbreaker_probe_s = nan\n")(tmp_path)
    done = subprocess.run([sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
                           "--config", str(cfg), "queue", "status"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert done.returncode == 2
    assert "queue.breaker_probe_s" in one_line(done.stderr)


# ---- storage problems: exit 1, file or data folder named -----------------------------------------------------
def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("READ-ONLY/FULL-DISK TESTS SKIPPED: mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"READ-ONLY/FULL-DISK TESTS SKIPPED: cannot mount a tmpfs here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system of its own, unmounted again after the test."""
    where = tmp_path / "disk"
    where.mkdir()
    _mount_tmpfs(where, "64k")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def read_only(where: Path) -> Path:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
    return where


def full(where: Path) -> Path:
    fd = os.open(where / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, bytes(4096))
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return where


def config_with_data_dir(tmp_path: Path, data_dir: Path) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{data_dir}"\n[portal]\nbase_url = "http://127.0.0.1:9"\n',
                   encoding="utf-8")
    return cfg


def test_queue_export_to_a_read_only_file_system(tmp_path: Path, small_disk: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_with_data_dir(tmp_path, tmp_path / "data")
    config = load_config(cfg)
    queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    queue.enqueue("1.004194", {"applicant": {"full_name": "Đỗ Văn Hùng"}},
                  ReceiptFacts("1.004194", "********1234", "1234", 0.0))
    queue.close()
    out = read_only(small_disk) / "export.bin"
    code, _, err = run(capsys, "--lang", "en", "--config", str(cfg), "queue", "export", "--out", str(out))
    line = one_line(err)
    assert code == 1
    assert str(out) in line and "read-only" in line
    assert not out.exists()


@pytest.mark.parametrize("command", [["queue", "status"], ["stats"]])
def test_a_missing_data_folder_on_a_read_only_file_system(tmp_path: Path, small_disk: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          command: list[str]) -> None:
    data = read_only(small_disk) / "data"
    cfg = config_with_data_dir(tmp_path, data)
    code, _, err = run(capsys, "--lang", "en", "--config", str(cfg), *command)
    line = one_line(err)
    assert code == 1
    assert str(data) in line and "kiosk.data_dir" in line and "read-only" in line


def test_kiosk_run_refuses_a_read_only_data_folder_before_opening_a_window(
        tmp_path: Path, small_disk: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # capfd, not capsys: a window process started by mistake would write its own traceback to the real stderr.
    data = read_only(small_disk) / "data"
    code = main(["--lang", "en", "--config", str(config_with_data_dir(tmp_path, data)), "run"])
    line = one_line(capfd.readouterr().err)
    assert code == 1 and str(data) in line and "kiosk.data_dir" in line and "read-only" in line


def test_kiosk_run_on_a_full_disk_at_first_start(tmp_path: Path, small_disk: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    data = full(small_disk) / "data"
    code = main(["--lang", "en", "--config", str(config_with_data_dir(tmp_path, data)), "run"])
    line = one_line(capfd.readouterr().err)
    assert code == 1 and str(data) in line and "kiosk.data_dir" in line and "disk is full" in line


def test_queue_status_on_a_full_disk_at_first_start(tmp_path: Path, small_disk: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = full(small_disk) / "data"
    code, _, err = run(capsys, "--lang", "en", "--config", str(config_with_data_dir(tmp_path, data)),
                       "queue", "status")
    line = one_line(err)
    assert code == 1 and "kiosk.data_dir" in line and str(data) in line


def test_the_composition_root_names_the_data_folder_on_a_full_disk(tmp_path: Path, small_disk: Path) -> None:
    data = full(small_disk) / "data"
    config = load_config(None, {"kiosk": {"data_dir": str(data)}, "speech": {"backend": "silent"}})
    with pytest.raises(DataFolderError) as caught:
        build_kiosk(config)
    assert caught.value.setting == "kiosk.data_dir" and caught.value.error.errno == errno.ENOSPC
    assert str(data) in str(caught.value)


def test_a_writable_data_folder_is_created_and_left_clean(tmp_path: Path) -> None:
    data = prepare_data_folder(tmp_path / "a" / "data")
    assert data.is_dir() and list(data.iterdir()) == []


def test_the_error_message_does_not_load_the_broken_file_a_second_time(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.cli.context as context
    from kiosk.config import ConfigError

    loads: list[object] = []
    real = context.load_config

    def counted(*args: object) -> object:
        loads.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(context, "load_config", counted)
    cfg = _write('[kiosk]\ndefault_language = "en"\n[queue]\nbreaker_probe_s = inf\n')(tmp_path)
    ctx = context.CliContext(config_path=str(cfg))
    with pytest.raises(ConfigError):
        ctx.config  # noqa: B018 - what a handler does first
    assert ctx.translator.text("common.config_error", detail="x").startswith("The kiosk configuration is wrong")
    assert len(loads) == 1
