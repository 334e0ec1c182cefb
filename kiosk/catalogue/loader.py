"""Loading a catalogue folder (one YAML file per service), refusing a malformed one, keeping the last good one.

A catalogue is all-or-nothing: one bad file refuses the whole folder, so citizens never see a half-updated set
of services. Each good catalogue is copied to `<data_dir>/catalogue-last-good/`; when a technician's new folder
is refused at start-up the kiosk keeps serving that copy (or, on a fresh kiosk, the shipped catalogue).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.catalogue.model import Catalogue, ServiceSpec
from kiosk.catalogue.schema import CatalogueProblem, parse_service

log = logging.getLogger(__name__)

SHIPPED_FOLDER = Path(__file__).with_name("services")
LAST_GOOD = "catalogue-last-good"
# libyaml's safe loader when present (several times faster); the pure-Python one otherwise.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in a YAML file gives the same key twice; `duplicates` holds (key path, line) of each repeat."""

    def __init__(self, duplicates: list[tuple[str, int]]) -> None:
        super().__init__("; ".join(f"key {key} given twice (line {line})" for key, line in duplicates))
        self.duplicates = duplicates


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader, refusing any key given twice in one mapping.

    YAML requires keys to be unique, but PyYAML silently keeps the last of two; in a data file edited by hand that
    turns a copy-and-paste slip into a changed fee or processing time nobody sees. Merge keys (`<<`) may still
    override merged values: that is what they are for.
    """
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        duplicates: list[tuple[str, int]] = []
        _find_duplicates(loader, node, "", duplicates, set())
        if duplicates:
            raise DuplicateKeyError(duplicates)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _find_duplicates(loader: Any, node: yaml.Node, where: str, out: list[tuple[str, int]], seen: set[int]) -> None:
    if id(node) in seen:  # an alias to a node already walked (and the way out of a recursive anchor)
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _find_duplicates(loader, item, f"{where}[{i}]", out, seen)
    elif isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            name = str(key) if key is not None else "?"
            path = f"{where}.{name}" if where else name
            if key is not None:
                try:
                    if key in keys:
                        out.append((path, key_node.start_mark.line + 1))
                    keys.add(key)
                except TypeError:  # an unhashable key; the schema refuses it anyway
                    pass
            _find_duplicates(loader, value_node, path, out, seen)


class CatalogueInvalidError(ValueError):
    """The catalogue folder has problems; fix the files named in `problems` (nothing was loaded from it)."""

    message_key = "services.catalogue_refused"

    def __init__(self, folder: Path, problems: list[CatalogueProblem]) -> None:
        super().__init__(f"{folder}: {len(problems)} problem(s): " + "; ".join(map(str, problems[:5])))
        self.folder = folder
        self.problems = problems


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read and validate every `*.yaml` service file in `folder` (default: the shipped catalogue)."""
    folder = Path(folder) if folder is not None else SHIPPED_FOLDER
    problems: list[CatalogueProblem] = []
    services: list[ServiceSpec] = []
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not files:
        raise CatalogueInvalidError(folder, [CatalogueProblem(str(folder), "", "empty", "no *.yaml service files")])
    for path in files:
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except DuplicateKeyError as exc:
            problems += [CatalogueProblem(path.name, key, "duplicate", f"line {line}")
                         for key, line in exc.duplicates]
            continue
        except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: a date or number YAML cannot build
            problems.append(CatalogueProblem(path.name, "", "unreadable", _short(exc)))
            continue
        service, found = parse_service(raw, path.name)
        problems += found
        if service is not None:
            services.append(service)
    seen: dict[str, str] = {}
    for service in services:
        if service.code in seen:
            problems.append(CatalogueProblem(service.source, "code", "duplicate", f"also in {seen[service.code]}"))
        seen[service.code] = service.source
    if problems:
        raise CatalogueInvalidError(folder, problems)
    return Catalogue(tuple(services), str(folder))


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text[:200]


@dataclass(frozen=True)
class CatalogueLoadResult:
    catalogue: Catalogue
    refused: list[CatalogueProblem] = field(default_factory=list)  # problems of the folder that was refused
    fallback: str = ""  # "" (the configured one is in use), "last_good" or "shipped"


def load_active_catalogue(folder: Path | None, data_dir: Path) -> CatalogueLoadResult:
    """The catalogue the kiosk should serve at start-up, falling back to the last good one if `folder` is bad."""
    last_good = data_dir / LAST_GOOD
    try:
        catalogue = load_catalogue(folder)
    except CatalogueInvalidError as exc:
        log.error("catalogue refused: %d problem(s) in %s", len(exc.problems), exc.folder)
        for candidate, name in ((last_good, "last_good"), (SHIPPED_FOLDER, "shipped")):
            try:
                return CatalogueLoadResult(load_catalogue(candidate), exc.problems, name)
            except CatalogueInvalidError:
                continue
        raise
    _keep_copy(Path(catalogue.folder), last_good)
    return CatalogueLoadResult(catalogue)


def _keep_copy(source: Path, target: Path) -> None:
    """Replace `target` with a copy of `source` so a crash half-way never leaves a half-copied catalogue."""
    if source.resolve() == target.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".catalogue-", dir=target.parent))
    try:
        for path in list(source.glob("*.yaml")) + list(source.glob("*.yml")):
            shutil.copy2(path, staging / path.name)
            (staging / path.name).chmod(0o600)  # owner-only like everything in the data folder
        old = target.with_name(target.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
