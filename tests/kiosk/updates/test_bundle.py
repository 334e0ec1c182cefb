from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from kiosk.catalogue.loader import load_catalogue
from kiosk.updates.bundle import BundleError, build_bundle, unpack_bundle


def test_bundle_is_reproducible_and_unpacks_to_a_loadable_catalogue(catalogue: Path, tmp_path: Path) -> None:
    first = build_bundle(catalogue)
    for path in catalogue.iterdir():  # times and order on disk must not change the bytes
        path.touch()
    assert build_bundle(catalogue) == first
    archive = tmp_path / "c.tar"
    archive.write_bytes(first)
    out = tmp_path / "out"
    out.mkdir()
    names = unpack_bundle(archive, out)
    assert sorted(names) == sorted(p.name for p in catalogue.glob("*.yaml"))
    assert [s.code for s in load_catalogue(out).services] == [s.code for s in load_catalogue(catalogue).services]
    assert all(p.stat().st_mode & 0o077 == 0 for p in out.iterdir())


def _tar(tmp_path: Path, add: object) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        add(tar)
    path = tmp_path / "evil.tar"
    path.write_bytes(buffer.getvalue())
    return path


def _file(tar: tarfile.TarFile, name: str, data: bytes = b"code: x\n") -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _link(tar: tarfile.TarFile) -> None:
    info = tarfile.TarInfo("a.yaml")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    tar.addfile(info)


@pytest.mark.parametrize("add", [
    lambda tar: _file(tar, "../escape.yaml"),
    lambda tar: _file(tar, "sub/inner.yaml"),
    lambda tar: _file(tar, "/abs.yaml"),
    lambda tar: _file(tar, "script.sh"),
    _link,
    lambda tar: (_file(tar, "a.yaml"), _file(tar, "a.yaml")),
    lambda tar: None,
])
def test_unpacking_refuses_anything_but_plain_service_files(tmp_path: Path, add: object) -> None:
    archive = _tar(tmp_path, add)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BundleError):
        unpack_bundle(archive, out)
    assert not (tmp_path / "escape.yaml").exists()


def test_unpacking_refuses_what_is_not_a_tar(tmp_path: Path) -> None:
    archive = tmp_path / "x.tar"
    archive.write_bytes(b"\x00garbage" * 100)
    (tmp_path / "out").mkdir()
    with pytest.raises(BundleError):
        unpack_bundle(archive, tmp_path / "out")
