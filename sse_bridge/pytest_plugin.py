"""A pytest plugin for spec repos: round-trip snapshot tests in a few lines.

Installed with sse-bridge (entry point ``pytest11``); it adds three fixtures:

- ``sse_bridge``: converts and checks files: ``import_openapi(path)``, ``emit_openapi(path)``,
  and ``assert_fixpoint(path)``, which fails the test with the located diff when the cycle
  does not come back to the same text;
- ``sse_bridge_tsp_snapshot`` / ``sse_bridge_openapi_snapshot``: syrupy's ``snapshot``
  storing each snapshot as a real ``.tsp`` / ``.yaml`` file (syrupy must be installed).

See the README, "Round-trip snapshot tests in a spec repo".
"""

from __future__ import annotations

from pathlib import Path

import pytest


class SseBridgeHelper:
    """What the ``sse_bridge`` fixture gives a test."""

    def import_openapi(self, path: str | Path, namespace: str | None = None) -> str:
        from .api import import_openapi

        return import_openapi(Path(path), name=str(path), namespace=namespace).output

    def emit_openapi(
        self, path: str | Path, openapi_version: str = "3.2.0", output_format: str = "yaml"
    ) -> str:
        from .api import emit_openapi

        return emit_openapi(
            Path(path), name=str(path), openapi_version=openapi_version, output_format=output_format
        ).output

    def assert_fixpoint(self, path: str | Path):
        """Run the round trip from ``path`` (``.tsp``: TypeSpec, else OpenAPI); fail with the
        diff of the second cycle, located in ``path``, unless it is a fixpoint."""
        from .diagnostics import InputError
        from .roundtrip import roundtrip

        try:
            result = roundtrip(Path(path), name=str(path))
        except InputError as exc:
            pytest.fail("\n".join(str(d) for d in exc.diagnostics), pytrace=False)
        if not result.is_fixpoint:
            kind = "TypeSpec" if result.start == "openapi" else "OpenAPI"
            pytest.fail(f"{path}: the {kind} changed in a second cycle:\n{result.diff()}", pytrace=False)
        return result


@pytest.fixture
def sse_bridge() -> SseBridgeHelper:
    """Convert API descriptions and check their round trips (sse-bridge)."""
    return SseBridgeHelper()


def _single_file_snapshot(snapshot, extension: str):
    try:
        from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
    except ImportError:  # pragma: no cover - depends on the spec repo's environment
        pytest.fail("sse-bridge's snapshot fixtures need syrupy: pip install syrupy", pytrace=False)

    class TextSnapshot(SingleFileSnapshotExtension):
        file_extension = extension
        _write_mode = WriteMode.TEXT

    return snapshot.use_extension(TextSnapshot)


@pytest.fixture
def sse_bridge_tsp_snapshot(snapshot):
    """syrupy's ``snapshot``, storing the snapshot as a readable ``.tsp`` file."""
    return _single_file_snapshot(snapshot, "tsp")


@pytest.fixture
def sse_bridge_openapi_snapshot(snapshot):
    """syrupy's ``snapshot``, storing the snapshot as a readable ``.yaml`` file."""
    return _single_file_snapshot(snapshot, "yaml")
