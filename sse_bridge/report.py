"""Printing diagnostics (README "Usage"): ``path:line:col: level [code] message`` on stderr, with a
source excerpt and a caret on an interactive terminal, plain when piped, or JSON lines."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from .decoding import read_file
from .diagnostics import Diagnostic, Level


def print_diagnostics(diagnostics: Iterable[Diagnostic], fmt: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    items = list(diagnostics)
    if not items:
        return
    if fmt == "json":
        import json  # here: only JSON lines need it

        for diagnostic in items:
            stream.write(json.dumps(diagnostic.as_json(), ensure_ascii=False) + "\n")
        return
    if stream.isatty():
        _print_rich(items, stream)
        return
    for diagnostic in items:
        stream.write(str(diagnostic) + "\n")
        if diagnostic.detail:
            stream.write(f"  {diagnostic.detail}\n")


def _print_rich(items: list[Diagnostic], stream) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    sources: dict[str, list[str] | None] = {}
    for diagnostic in items:
        style = "bold red" if diagnostic.level is Level.ERROR else "bold yellow"
        line = Text()
        if diagnostic.location:
            line.append(f"{diagnostic.location}: ", style="bold")
        line.append(diagnostic.level.value, style=style)
        line.append(f" [{diagnostic.code}] ", style="dim")
        line.append(diagnostic.message)
        console.print(line)
        excerpt = _excerpt(diagnostic, sources)
        if excerpt:
            number, text, column = excerpt
            gutter = f"{number:>5} | "
            console.print(Text(gutter, style="dim") + Text(text))
            console.print(Text(" " * (len(gutter) + column - 1) + "^", style=style))
        if diagnostic.detail:
            console.print(Text(f"  {diagnostic.detail}", style="dim"))


def _excerpt(diagnostic: Diagnostic, sources: dict[str, list[str] | None]):
    location = diagnostic.location
    if location is None:
        return None
    if location.path not in sources:
        try:
            sources[location.path] = read_file(location.path).decode("utf-8", "replace").splitlines()
        except (OSError, ValueError):
            sources[location.path] = None
    lines = sources[location.path]
    if not lines or not 1 <= location.line <= len(lines):
        return None
    text = lines[location.line - 1]
    if len(text) > 200:
        start = max(0, location.column - 100)
        text = text[start : start + 200]
        return location.line, text, location.column - start
    return location.line, text.expandtabs(1), location.column


def print_roundtrip(result, source: str, show: bool = False, stream=None) -> None:
    """The verdict of a round trip, and its diff (colored on a terminal)."""
    stream = stream or sys.stderr
    kind = "TypeSpec" if result.start == "openapi" else "OpenAPI"
    if show:
        sys.stdout.write(result.first)
    if result.is_fixpoint:
        stream.write(f"{source}: fixpoint: the {kind} is the same after a second cycle\n")
        return
    heading = f"{source}: not a fixpoint: the {kind} changed in a second cycle ({len(result.hunks)} changes)"
    if not stream.isatty():
        stream.write(heading + "\n--- first\n+++ second\n" + result.diff() + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    console.print(Text(heading, style="bold"))
    for hunk in result.hunks:
        head = Text(hunk.lines[0], style="cyan")
        if hunk.location is not None:
            head.append(f"  {hunk.subject} from {hunk.location}", style="bold")
        console.print(head)
        for line in hunk.lines[1:]:
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            console.print(Text(line, style=style))
