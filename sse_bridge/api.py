"""The library API (SPEC §2): one function per command, one exception family.

Each function returns a :class:`Conversion` (the output text and the warnings) or raises
:class:`~sse_bridge.diagnostics.InputError` carrying every diagnostic when the input has
errors. Nothing here prints, exits or writes files: that is the command line's job.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, DiagnosticBag, InputError

STDIN_NAME = "<stdin>"


@dataclass(frozen=True)
class Conversion:
    output: str
    diagnostics: tuple[Diagnostic, ...]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a conversion: it builds large, short-lived and
    almost acyclic object graphs, which the collector would scan again and again (half the
    time of reading a big YAML document). The previous state is restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(source: str | bytes | Path, name: str | None) -> tuple[bytes, str, Path | None]:
    if isinstance(source, Path):
        try:
            return source.read_bytes(), name or str(source), source.parent
        except OSError as exc:
            from .diagnostics import Level, Location

            raise InputError(
                [
                    Diagnostic(
                        "unreadable-input",
                        Level.ERROR,
                        f"cannot read the input: {exc.strerror}",
                        Location(str(source), 1, 1),
                    )
                ]
            ) from None
    raw = source.encode("utf-8") if isinstance(source, str) else source
    return raw, name or STDIN_NAME, None


def load_openapi(
    source: str | bytes | Path,
    *,
    name: str | None = None,
    namespace: str | None = None,
    diagnostics: DiagnosticBag | None = None,
):
    """Read an OpenAPI document into the IR (``ir.Document``)."""
    from .openapi import source as openapi_source
    from .openapi.load import import_document

    bag = diagnostics if diagnostics is not None else DiagnosticBag()
    raw, label, folder = _read(source, name)
    with gc_paused():
        loaded = openapi_source.load(openapi_source.decode(raw, label), label)
        document = import_document(loaded, bag, folder, namespace)
    bag.raise_if_errors()
    return document


def import_openapi(
    source: str | bytes | Path, *, name: str | None = None, namespace: str | None = None
) -> Conversion:
    """OpenAPI 3.0/3.1/3.2 (YAML or JSON) → TypeSpec source."""
    from .tsp.emit import emit_typespec

    bag = DiagnosticBag()
    with gc_paused():
        document = load_openapi(source, name=name, namespace=namespace, diagnostics=bag)
        text = emit_typespec(document, bag)
    bag.raise_if_errors()
    return Conversion(text, tuple(bag.sorted()))


def load_typespec(
    source: str | bytes | Path, *, name: str | None = None, diagnostics: DiagnosticBag | None = None
):
    """Read a TypeSpec program (a main file and the files it imports) into the IR."""
    from .openapi.source import decode
    from .tsp.program import load_typespec as load

    bag = diagnostics if diagnostics is not None else DiagnosticBag()
    raw, label, _folder = _read(source, name)
    text = decode(raw, label)
    path = source if isinstance(source, Path) else None
    with gc_paused():
        return load(text, label, path, bag)


def emit_openapi(
    source: str | bytes | Path,
    *,
    name: str | None = None,
    openapi_version: str = "3.2.0",
    output_format: str = "yaml",
) -> Conversion:
    """TypeSpec → OpenAPI (3.2.0 by default) as YAML or JSON."""
    from .openapi.dump import to_json, to_yaml
    from .openapi.emit import emit_document

    bag = DiagnosticBag()
    with gc_paused():
        document = load_typespec(source, name=name, diagnostics=bag)
        data = emit_document(document, openapi_version, bag)
        bag.raise_if_errors()
        text = to_json(data) if output_format == "json" else to_yaml(data)
    return Conversion(text, tuple(bag.sorted()))
