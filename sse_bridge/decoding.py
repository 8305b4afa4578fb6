"""Input bytes to text (README "Diagnostics"), for both formats: UTF-8 with or without a byte order mark,
no NUL character; anything else is a located error. A module of its own so that ``emit``
does not load the OpenAPI reader (and its JSON parser) at start-up."""

from __future__ import annotations

import errno
import os
import stat

from .diagnostics import Diagnostic, InputError, Level, Location


def read_file(path: os.PathLike | str) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed). Anything else
    raises ``OSError``: a folder, and a FIFO, socket or device, which could block the read
    or never end (the file is opened without blocking, to be looked at first)."""
    if "\0" in os.fspath(path):
        raise OSError(errno.EINVAL, "a file name cannot hold a NUL character")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
        return stream.read()


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM); anything else is a located ``invalid-utf8`` error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _error(
            "invalid-utf8", f"the input is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", name, line, column
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        raise _error("invalid-character", "the input contains a NUL character", name, *line_column(text, nul))
    return text


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text`` (lines end at ``\\n``)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _error(code: str, message: str, name: str, line: int, column: int) -> InputError:
    return InputError([Diagnostic(code, Level.ERROR, message, Location(name, line, column))])
