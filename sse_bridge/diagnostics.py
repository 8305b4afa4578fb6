"""Diagnostics as data (README "Usage", "Diagnostics").

Every problem found in an input is a :class:`Diagnostic` with a stable code, a level, a
one-line message, an optional detail and a source location. Converters collect them in a
:class:`DiagnosticBag`; the library raises :class:`InputError` (carrying all of them) when
any is an error; the command line decides the exit code.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field, replace


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a named source (a path, or ``<stdin>``)."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class LazyLocation(Location):
    """A location found only when something reads it: converters attach one to every IR
    node, but only the few that end up in a diagnostic are ever looked up."""

    def __init__(self, resolve) -> None:  # resolve() -> (path, line, column)
        object.__setattr__(self, "_resolve", resolve)

    def __getattr__(self, name: str):
        if name in ("path", "line", "column"):
            path, line, column = self._resolve()
            object.__setattr__(self, "path", path)
            object.__setattr__(self, "line", line)
            object.__setattr__(self, "column", column)
            return getattr(self, name)
        raise AttributeError(name)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    level: Level
    message: str
    location: Location | None = None
    detail: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.level.value} [{self.code}] {self.message}"

    def as_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "code": self.code,
            "level": self.level.value,
            "message": self.message,
            "path": loc.path if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "detail": self.detail,
        }


class SseBridgeError(Exception):
    """The one exception family the library raises."""


class InputError(SseBridgeError):
    """The input has errors; ``diagnostics`` holds every diagnostic found (errors first)."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.level is Level.ERROR]
        super().__init__(str(errors[0]) if errors else "input has errors")


MAX_MESSAGE = 300


@dataclass
class DiagnosticBag:
    """Collects diagnostics during one conversion; deduplicates exact repeats."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set, repr=False)

    def add(self, diagnostic: Diagnostic) -> None:
        if len(diagnostic.message) > MAX_MESSAGE:  # a message quoting a 12 MB key stays readable
            cut = diagnostic.message[: MAX_MESSAGE - 30]
            diagnostic = replace(diagnostic, message=f"{cut}... ({len(diagnostic.message):,} characters)")
        key = (diagnostic.code, diagnostic.message, diagnostic.location)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(diagnostic)

    def error(
        self, code: str, message: str, location: Location | None = None, detail: str | None = None
    ) -> None:
        self.add(Diagnostic(code, Level.ERROR, message, location, detail))

    def warning(
        self, code: str, message: str, location: Location | None = None, detail: str | None = None
    ) -> None:
        self.add(Diagnostic(code, Level.WARNING, message, location, detail))

    @property
    def has_errors(self) -> bool:
        return any(d.level is Level.ERROR for d in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise InputError(self.sorted())

    def sorted(self) -> list[Diagnostic]:
        """Errors before warnings, each in source order (stable for equal locations)."""

        def key(d: Diagnostic):
            loc = d.location
            return (
                d.level is not Level.ERROR,
                loc.path if loc else "",
                loc.line if loc else 0,
                loc.column if loc else 0,
            )

        return sorted(self.items, key=key)


# --- the last line of defence ---------------------------------------------------------------

_part = threading.local()


def converting(location: Location | None) -> None:
    """Note the part of the document now being converted (a component, an operation, a
    declaration), so that an internal error can say where it happened. Converters call it
    at the head of their main loops; it costs one attribute store."""
    _part.location = location


def internal_error(exc: BaseException) -> InputError:
    """An unexpected exception as one located ``internal-error`` diagnostic: a bug of ours,
    reported like any other problem instead of as a traceback (README "Diagnostics")."""
    import traceback

    location = getattr(_part, "location", None)
    _part.location = None
    if isinstance(exc, RecursionError):
        what = "the input is nested or chained too deeply to convert"
    elif isinstance(exc, MemoryError):
        what = "out of memory"
    else:
        what = f"{exc.__class__.__name__}: {exc}"
    message = (
        f"internal error ({what}); this is a bug in sse-bridge: please report it with this message "
        "and the input (or the part of it named here)"
    )
    # Where it was raised, for the report: the innermost frames, not a whole traceback.
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    detail = "raised at " + " <- ".join(
        f"{frame.filename.rsplit('sse_bridge', 1)[-1].lstrip('/')}:{frame.lineno} in {frame.name}"
        for frame in reversed(frames)
    )
    return InputError([Diagnostic("internal-error", Level.ERROR, message, location, detail)])
