"""Shared test helpers: fixture discovery and readable whole-file snapshots (syrupy)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _corpus() -> Path:
    """``$SSE_BRIDGE_CORPUS``, else the shared corpus beside the repo, else the copy in it."""
    for candidate in (os.environ.get("SSE_BRIDGE_CORPUS"), ROOT.parent / "shared" / "corpus"):
        if candidate and (Path(candidate) / "openapi").is_dir():
            return Path(candidate)
    return FIXTURES / "corpus"


CORPUS = _corpus()


class TypeSpecSnapshot(SingleFileSnapshotExtension):
    """Each snapshot is a real .tsp file under tests/__snapshots__/ a reviewer can read."""

    file_extension = "tsp"
    _write_mode = WriteMode.TEXT


class YamlSnapshot(SingleFileSnapshotExtension):
    file_extension = "yaml"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def tsp_snapshot(snapshot):
    return snapshot.use_extension(TypeSpecSnapshot)


@pytest.fixture
def yaml_snapshot(snapshot):
    return snapshot.use_extension(YamlSnapshot)


def fixture_cases(kind: str, filename: str) -> list[Path]:
    """Every ``fixtures/<kind>/<case>/<filename>``, sorted."""
    return sorted((FIXTURES / kind).glob(f"*/{filename}"))


def expected_warnings(path: Path) -> set[tuple[str, int, int]]:
    """The warnings a fixture's header promises: ``# expect-warning: <code> at <line>:<col>``
    (``// ...`` in TypeSpec), as (code, line, column)."""
    return {
        (code, int(line), int(column))
        for code, line, column in _EXPECTED_WARNING.findall(path.read_text(encoding="utf-8"))
    }


def located_warnings(diagnostics) -> set[tuple[str, int, int]]:
    """The (code, line, column) of each located warning among ``diagnostics``."""
    return {
        (d.code, d.location.line, d.location.column)
        for d in diagnostics
        if d.level.value == "warning" and d.location is not None
    }


_EXPECTED_WARNING = re.compile(r"^(?:#|//)\s*expect-warning:\s*(\S+)\s+at\s+(\d+):(\d+)\s*$", re.M)


def case_id(path: Path) -> str:
    return path.parent.name


def corpus_documents() -> list[Path]:
    return sorted((CORPUS / "openapi").glob("*.*"))
