"""The command line (README "Usage"): parse arguments, call the library, print diagnostics, decide
the exit code (0 success, 1 input errors, 2 usage). Heavy modules load only when a command
runs (``tempfile`` only to write a file), so that start-up stays fast."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _source(path: str):
    return sys.stdin.buffer.read() if path == "-" else Path(path)


def _write(text: str, out: str | None) -> None:
    """Write ``text`` to ``out`` atomically (temp file + rename), or to stdout."""
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile

    target = Path(out)
    folder = target.parent if str(target.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _run(convert, out: str | None, diagnostics_format: str) -> None:
    from .diagnostics import InputError
    from .report import print_diagnostics

    try:
        result = convert()
    except InputError as exc:
        print_diagnostics(exc.diagnostics, diagnostics_format)
        sys.exit(EXIT_INPUT)
    print_diagnostics(result.diagnostics, diagnostics_format)
    try:
        _write(result.output, out)
    except OSError as exc:
        click.echo(f"error: cannot write {out}: {exc.strerror}", err=True)
        sys.exit(EXIT_INPUT)


_diagnostics_option = click.option(
    "--diagnostics",
    "diagnostics_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How diagnostics are printed on stderr: text for people, JSON lines for machines.",
)
_output_option = click.option(
    "-o", "--output", "out", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sse-bridge")
def main() -> None:
    """Convert API descriptions between OpenAPI 3.2 and TypeSpec, event streams included."""


@main.command("import")
@click.argument("spec", type=click.Path(allow_dash=True))
@_output_option
@click.option("--namespace", help="The TypeSpec namespace (default: from the document's title).")
@_diagnostics_option
def import_command(spec: str, out: str | None, namespace: str | None, diagnostics_format: str) -> None:
    """OpenAPI 3.0/3.1/3.2 (YAML or JSON, file or -) → TypeSpec on stdout."""
    from .api import import_openapi

    name = "<stdin>" if spec == "-" else spec
    _run(lambda: import_openapi(_source(spec), name=name, namespace=namespace), out, diagnostics_format)


@main.command("emit")
@click.argument("main_file", metavar="MAIN.tsp", type=click.Path(allow_dash=True))
@_output_option
@click.option(
    "--openapi-version",
    type=click.Choice(["3.2.0", "3.1.0"]),
    default="3.2.0",
    show_default=True,
    help="The OpenAPI version to write.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
@_diagnostics_option
def emit_command(
    main_file: str, out: str | None, openapi_version: str, output_format: str, diagnostics_format: str
) -> None:
    """TypeSpec (a main file and what it imports) → OpenAPI on stdout."""
    from .api import emit_openapi

    name = "<stdin>" if main_file == "-" else main_file
    _run(
        lambda: emit_openapi(
            _source(main_file), name=name, openapi_version=openapi_version, output_format=output_format
        ),
        out,
        diagnostics_format,
    )


@main.command("roundtrip")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--show", is_flag=True, help="Also print the texts of the cycle (the first and the second).")
@_diagnostics_option
def roundtrip_command(file: str, show: bool, diagnostics_format: str) -> None:
    """Run the cycle from FILE (.tsp: TypeSpec, else OpenAPI); exit 0 at a fixpoint, else 1
    with a diff of what changed, located in FILE."""
    from .diagnostics import InputError
    from .report import print_diagnostics, print_roundtrip
    from .roundtrip import roundtrip

    gc.enable()  # (off in run()) several conversions in turn: each one's garbage goes before the next
    try:
        result = roundtrip(Path(file), name=file)
    except InputError as exc:
        print_diagnostics(exc.diagnostics, diagnostics_format)
        sys.exit(EXIT_INPUT)
    print_roundtrip(result, file, show)
    sys.exit(EXIT_OK if result.is_fixpoint else EXIT_INPUT)


def run(prog_name: str = "sse-bridge") -> NoReturn:
    """The command line as a program (``python -m sse_bridge``): one conversion, then the
    process ends. So cyclic garbage collection is off from the start (``roundtrip``, which
    runs several, turns it back on): the conversion runs without it anyway (see
    ``api.run_conversion``), and around it the collector would only scan the objects of the
    imports, and at the conversion's end all of its objects, for little to free (~15 ms for
    a 4,000-line service). And the process ends at once, its output flushed, without the
    interpreter's clean-up, which would walk and free that large graph of objects one by
    one (~15 ms more) while the operating system frees it in one go;
    mypy ends the same way (``mypy.util.hard_exit``). Exit codes are those of a normal
    ``SystemExit``."""
    gc.disable()
    try:
        main(prog_name=prog_name)  # standalone mode: ends by raising SystemExit
        status = EXIT_OK
    except SystemExit as done:
        status = _exit_status(done.code)
    except Exception as exc:  # a bug outside a conversion (which reports its own): still no traceback
        from .diagnostics import internal_error

        for diagnostic in internal_error(exc).diagnostics:
            print(f"{diagnostic}\n  {diagnostic.detail}", file=sys.stderr)
        status = EXIT_INPUT
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be written
            status = status or EXIT_INPUT
    os._exit(status)


def _exit_status(code: object) -> int:
    """The process status for ``SystemExit(code)``, as the interpreter decides it."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    run()
