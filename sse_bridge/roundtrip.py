"""Round trips: run the conversion cycle from either side and check the fixpoint.

From OpenAPI: OpenAPI → TypeSpec → OpenAPI → TypeSpec; a fixpoint when both TypeSpec texts are
the same. From TypeSpec: TypeSpec → OpenAPI → TypeSpec → OpenAPI; a fixpoint when both OpenAPI
texts are the same. (The first step may normalize; from then on nothing may change.) When
they differ, the diff's hunks are located in the original source through the IR positions of
the declarations and operations they fall in.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import ir
from .api import load_openapi, load_typespec
from .diagnostics import DiagnosticBag, Location


@dataclass(frozen=True)
class Hunk:
    """One changed region: the unified diff lines and where it comes from in the source."""

    lines: tuple[str, ...]
    location: Location | None
    subject: str | None  # the declaration or operation it falls in


@dataclass(frozen=True)
class RoundTrip:
    start: str  # "openapi" or "typespec"
    steps: tuple[str, ...]  # the texts, in cycle order (source not included)
    hunks: tuple[Hunk, ...] = field(default=())

    @property
    def is_fixpoint(self) -> bool:
        return not self.hunks

    @property
    def first(self) -> str:
        return self.steps[0]

    @property
    def second(self) -> str:
        return self.steps[2]

    def diff(self) -> str:
        out = []
        for hunk in self.hunks:
            where = f" ({hunk.subject} at {hunk.location})" if hunk.location else ""
            out.append(f"{hunk.lines[0]}{where}")
            out.extend(hunk.lines[1:])
        return "\n".join(out)


def is_typespec(path: Path | str) -> bool:
    return str(path).endswith(".tsp")


def roundtrip(source: Path | str | bytes, *, name: str | None = None, start: str | None = None) -> RoundTrip:
    """Run the cycle on ``source`` (a path, or text with ``start`` given)."""
    from .openapi.dump import to_yaml
    from .openapi.emit import emit_document
    from .tsp.emit import emit_typespec

    label = name or (str(source) if isinstance(source, Path) else "<input>")
    start = start or ("typespec" if is_typespec(label) else "openapi")
    bag = DiagnosticBag()
    if start == "openapi":
        document0 = load_openapi(source, name=label, diagnostics=bag)
        tsp1 = emit_typespec(document0, bag)
        oa1 = to_yaml(emit_document(load_typespec(tsp1, name="<typespec 1>"), diagnostics=bag))
        tsp2 = emit_typespec(load_openapi(oa1, name="<openapi 1>"), bag)
        hunks = _hunks(tsp1, tsp2, _typespec_subjects(tsp1), document0)
        return RoundTrip(start, (tsp1, oa1, tsp2), hunks)
    document0 = load_typespec(source, name=label, diagnostics=bag)
    oa1 = to_yaml(emit_document(document0, diagnostics=bag))
    tsp1 = emit_typespec(load_openapi(oa1, name="<openapi 1>"), bag)
    oa2 = to_yaml(emit_document(load_typespec(tsp1, name="<typespec 1>"), diagnostics=bag))
    hunks = _hunks(oa1, oa2, _openapi_subjects(oa1), document0)
    return RoundTrip(start, (oa1, tsp1, oa2), hunks)


# --- locating changes ----------------------------------------------------------------------------

_TSP_DECLARATION = re.compile(r"^(?:model|union|enum|scalar|op)\s+(`(?:[^`\\]|\\.)*`|[\w$]+)", re.MULTILINE)
_OA_SUBJECT = re.compile(r"^(  |    )(?:'([^']*)'|\"([^\"]*)\"|([^\s:][^:]*)):\s*$")


def _typespec_subjects(text: str) -> list[tuple[int, str]]:
    """(line index, declaration name) of each top-level declaration or operation."""
    subjects = []
    for match in _TSP_DECLARATION.finditer(text):
        line = text.count("\n", 0, match.start())
        subjects.append((line, match.group(1).strip("`")))
    return subjects


def _openapi_subjects(text: str) -> list[tuple[int, str]]:
    """(line index, name) of each path and component schema of a YAML document we wrote."""
    subjects = []
    section = None
    for index, line in enumerate(text.split("\n")):
        if line and not line.startswith(" "):
            section = line.rstrip(":")
            continue
        if section in ("paths", "components"):
            match = _OA_SUBJECT.match(line)
            if match and (
                (section == "paths" and match.group(1) == "  ")
                or (section == "components" and match.group(1) == "    ")
            ):
                subjects.append((index, next(g for g in match.groups()[1:] if g is not None)))
    return subjects


def _positions(document: ir.Document) -> dict[str, Location]:
    found: dict[str, Location] = {}
    for declaration in document.declarations:
        if declaration.pos is not None:
            found.setdefault(declaration.name, declaration.pos)
    for op in document.operations:
        if op.pos is not None:
            found.setdefault(op.name, op.pos)
            found.setdefault(op.path, op.pos)
    return found


def _hunks(before: str, after: str, subjects: list[tuple[int, str]], source: ir.Document) -> tuple[Hunk, ...]:
    if before == after:
        return ()
    positions = _positions(source)
    lines_a, lines_b = before.split("\n"), after.split("\n")
    hunks = []
    matcher = difflib.SequenceMatcher(a=lines_a, b=lines_b, autojunk=False)
    for group in matcher.get_grouped_opcodes(2):
        first, last = group[0], group[-1]
        header = f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        body = [header]
        for tag, a0, a1, b0, b1 in group:
            if tag == "equal":
                body.extend(" " + line for line in lines_a[a0:a1])
                continue
            body.extend("-" + line for line in lines_a[a0:a1])
            body.extend("+" + line for line in lines_b[b0:b1])
        changed_at = next(a0 for tag, a0, _a1, _b0, _b1 in group if tag != "equal")
        subject = None
        for line, name in subjects:
            if line <= changed_at:
                subject = name
        hunks.append(Hunk(tuple(body), positions.get(subject) if subject else None, subject))
    return tuple(hunks)
