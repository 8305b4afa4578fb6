"""The library API (README "Usage"): one function per command, one exception family.

Each function returns a :class:`Conversion` (the output text and the warnings) or raises
:class:`~sse_bridge.diagnostics.InputError` carrying every diagnostic when the input has
errors. Nothing here prints, exits or writes files: that is the command line's job.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .decoding import read_file
from .diagnostics import Diagnostic, DiagnosticBag, InputError, SseBridgeError, converting, internal_error

STDIN_NAME = "<stdin>"
T = TypeVar("T")


@dataclass(frozen=True)
class Conversion:
    output: str
    diagnostics: tuple[Diagnostic, ...]


# Deeply nested input (a chain of a thousand allOf bases, a schema nested hundreds deep) is
# valid and must convert, so conversions run on a thread with a large stack and a recursion
# limit to match; input nested deeper than the loaders accept never gets this far (README "Diagnostics").
_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 40_000
_converting = threading.local()


def run_conversion(work: Callable[[], T]) -> T:
    """``work()`` on a thread with room for deep recursion, without cyclic garbage collection
    (a conversion builds large, short-lived, almost acyclic object graphs, which the
    collector would scan again and again: half the time of reading a big YAML document).
    A conversion already running on such a thread just calls ``work``."""
    if getattr(_converting, "active", False):
        return work()
    outcome: list = []

    def body() -> None:
        _converting.active = True
        converting(None)
        try:
            outcome.append((True, work()))
        except SseBridgeError as exc:
            outcome.append((False, exc))
        except Exception as exc:  # a bug of ours: one located diagnostic, never a traceback
            outcome.append((False, internal_error(exc)))
        except BaseException as exc:  # KeyboardInterrupt and the like: handed to the calling thread
            outcome.append((False, exc))

    gc_was_enabled = gc.isenabled()
    previous_stack = threading.stack_size(_STACK_BYTES)
    previous_limit = sys.getrecursionlimit()
    gc.disable()
    sys.setrecursionlimit(max(previous_limit, _RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=body, name="sse-bridge-conversion")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
        if gc_was_enabled:
            gc.enable()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


def _read(source: str | bytes | Path, name: str | None) -> tuple[bytes, str, Path | None]:
    if isinstance(source, Path):
        try:
            return read_file(source), name or str(source), source.parent
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
    from .decoding import decode
    from .openapi import source as openapi_source
    from .openapi.load import import_document

    bag = diagnostics if diagnostics is not None else DiagnosticBag()
    raw, label, folder = _read(source, name)

    def work():
        loaded = openapi_source.load(decode(raw, label), label)
        return import_document(loaded, bag, folder, namespace)

    document = run_conversion(work)
    bag.raise_if_errors()
    return document


def import_openapi(
    source: str | bytes | Path, *, name: str | None = None, namespace: str | None = None
) -> Conversion:
    """OpenAPI 3.0/3.1/3.2 (YAML or JSON) → TypeSpec source."""
    from .tsp.emit import emit_typespec

    bag = DiagnosticBag()

    def work():
        document = load_openapi(source, name=name, namespace=namespace, diagnostics=bag)
        return emit_typespec(document, bag)

    text = run_conversion(work)
    bag.raise_if_errors()
    return Conversion(text, tuple(bag.sorted()))


def load_typespec(
    source: str | bytes | Path, *, name: str | None = None, diagnostics: DiagnosticBag | None = None
):
    """Read a TypeSpec program (a main file and the files it imports) into the IR."""
    from .decoding import decode
    from .tsp.program import load_typespec as load

    bag = diagnostics if diagnostics is not None else DiagnosticBag()
    raw, label, _folder = _read(source, name)
    text = decode(raw, label)
    path = source if isinstance(source, Path) else None
    return run_conversion(lambda: load(text, label, path, bag))


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

    def work():
        document = load_typespec(source, name=name, diagnostics=bag)
        data = emit_document(document, openapi_version, bag)
        bag.raise_if_errors()
        return to_json(data) if output_format == "json" else to_yaml(data)

    text = run_conversion(work)
    return Conversion(text, tuple(bag.sorted()))
