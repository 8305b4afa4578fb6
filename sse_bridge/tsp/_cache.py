"""sse-bridge's user cache folder: what the TypeSpec parser keeps between runs (its parse
tables, the parsed library prelude, the compiled ``__init__`` of its records) so that
start-up stays fast.

The folder is ``$SSE_BRIDGE_CACHE_DIR``, else ``$XDG_CACHE_HOME/sse-bridge`` or
``~/.cache/sse-bridge``, ``~/Library/Caches/sse-bridge``, ``%LOCALAPPDATA%\\sse-bridge``;
``SSE_BRIDGE_CACHE_DIR=""`` turns caching off.

An entry is stored with its *fingerprint*: a text that holds everything its content depends
on (a grammar, a source text, versions...). :func:`load` returns the content only if the
fingerprint stored is exactly the one asked for, so a stale entry is never used; the file
name carries a checksum of the fingerprint only to tell entries apart (no cryptographic
hash, whose import alone would cost more than reading an entry). A file is written to a
temporary file and renamed, so no reader sees half a file (two processes writing at once
each rename a whole one), and it carries a checksum of its bytes, so a damaged file reads as
missing. A failure to read or write only costs the caller a rebuild.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from pathlib import Path

_MAGIC = b"sse-bridge cache 1\n"
_HEADER = len(_MAGIC) + 8  # then the checksum of the rest and the fingerprint's length


def folder() -> Path | None:
    """The cache folder (not created here); None when caching is off."""
    configured = os.environ.get("SSE_BRIDGE_CACHE_DIR")
    try:
        if configured is not None:
            return Path(configured) if configured else None
        if sys.platform == "win32":
            return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "sse-bridge"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "sse-bridge"
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sse-bridge"
    except RuntimeError:  # no home folder to be found
        return None


def entry(kind: str, fingerprint: str, suffix: str, name: str | None = None) -> tuple[Path, bytes] | None:
    """The file of the entry of this kind and fingerprint, and the fingerprint as stored;
    None when caching is off. The file is named after ``name`` if given (then a newer
    fingerprint replaces the older one, as a bytecode cache file is replaced), else after
    the fingerprint (entries for several fingerprints are then kept side by side)."""
    where = folder()
    if where is None:
        return None
    encoded = fingerprint.encode("utf-8", "surrogatepass")
    named = encoded if name is None else name.encode("utf-8", "surrogatepass")
    checksum = f"{zlib.crc32(named):08x}{zlib.adler32(named):08x}{len(named) & 0xFFFF:04x}"
    return where / f"{kind}-{checksum}{suffix}", encoded


def load(found: tuple[Path, bytes] | None) -> bytes | None:
    """The content stored for this entry (see :func:`entry`); None if missing, unreadable,
    damaged or stored for another fingerprint."""
    if found is None:
        return None
    path, fingerprint = found
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if not data.startswith(_MAGIC) or len(data) < _HEADER:
        return None
    checksum = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 4], "big")
    size = int.from_bytes(data[len(_MAGIC) + 4 : _HEADER], "big")
    if zlib.crc32(memoryview(data)[len(_MAGIC) + 4 :]) != checksum:
        return None
    if data[_HEADER : _HEADER + size] != fingerprint:
        return None
    return data[_HEADER + size :]


def store(found: tuple[Path, bytes] | None, content: bytes) -> None:
    """Store ``content`` for this entry (atomically); any failure is ignored."""
    if found is None:
        return
    path, fingerprint = found
    temporary = None
    try:
        import tempfile  # only when writing: rarely

        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:40]}-", suffix=".tmp")
        body = len(fingerprint).to_bytes(4, "big") + fingerprint + content
        with os.fdopen(handle, "wb") as stream:
            stream.write(_MAGIC + zlib.crc32(body).to_bytes(4, "big") + body)
        os.replace(temporary, path)
        temporary = None
    except Exception:  # an unwritable folder (or any failure to write) only costs a rebuild next time
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
