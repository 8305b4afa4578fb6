"""``$ref`` resolution (README "Diagnostics"): local JSON pointers, and files inside the input's folder.

URLs are never fetched; a file reference that leaves the input's folder is refused; files
are loaded once each; reference chains that loop are reported, not followed forever.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..decoding import decode, read_file
from ..diagnostics import DiagnosticBag, InputError
from .source import Pointer, Source, load


@dataclass(frozen=True)
class Target:
    """Where a reference lands: the document, the pointer inside it, and the value there."""

    source: Source
    pointer: Pointer
    value: object


def parse_pointer(fragment: str) -> Pointer | None:
    """``/components/schemas/A~1B`` → ``("components", "schemas", "A/B")``; None if malformed."""
    if fragment == "":
        return ()
    if not fragment.startswith("/"):
        return None
    return tuple(unquote(part).replace("~1", "/").replace("~0", "~") for part in fragment[1:].split("/"))


def pointer_text(pointer: Pointer) -> str:
    return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in pointer)


def walk(data: object, pointer: Pointer) -> object:
    """The value at ``pointer``; raises KeyError when any step is missing."""
    node = data
    for step in pointer:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list):
            try:
                index = int(step)
            except ValueError:
                raise KeyError(step) from None
            if not 0 <= index < len(node):
                raise KeyError(step)
            node = node[index]
        else:
            raise KeyError(step)
    return node


class RefResolver:
    """Resolves ``$ref`` strings relative to the document they appear in."""

    def __init__(
        self,
        root: Source,
        diagnostics: DiagnosticBag,
        base_dir: Path | None,
        prepare: Callable[[Source], None] | None = None,
    ) -> None:
        """``prepare`` is called on each file loaded for a reference (the shape check)."""
        self.root = root
        self.prepare = prepare
        self.diagnostics = diagnostics
        self.base_dir = base_dir.resolve() if base_dir else None
        self._files: dict[Path, Source] = {}
        self._alias_verdicts: dict[tuple[int, Pointer], bool] = {}  # component → loops?

    def resolve(self, ref: object, source: Source, at: Pointer) -> Target | None:
        """Follow ``ref`` (found at ``at`` in ``source``), through chains of references.
        Returns None, after reporting an error, when it cannot be followed."""
        seen: set[tuple[int, Pointer]] = set()
        current_source, current_at, current_ref = source, at, ref
        while True:
            target = self._resolve_one(current_ref, current_source, current_at)
            if target is None:
                return None
            value = target.value
            pure = isinstance(value, dict) and "$ref" in value and len(value) == 1
            if pure and _is_component(target.pointer) and self._aliases_loop(target):
                return None
            if not pure or _is_component(target.pointer):
                return target  # a component that is only a $ref is still a component of its own
            key = (id(target.source), target.pointer)
            if key in seen:
                self.diagnostics.error(
                    "ref-cycle",
                    f"the reference {ref!r} loops back to itself",
                    source.lazy_location((*at, "$ref")),
                )
                return None
            seen.add(key)
            current_source, current_at, current_ref = target.source, target.pointer, value["$ref"]

    def _aliases_loop(self, start: Target) -> bool:
        """Whether ``start``, a component that is only a ``$ref``, begins a chain of such
        components that comes back to itself (``A: {$ref: B}``, ``B: {$ref: A}``): a type
        defined by nothing but itself. Reported once per loop, at its first component; each
        chain is walked once (the verdict is kept for every component on it)."""
        chain = [start]
        keys = [(id(start.source), start.pointer)]
        current = start
        verdict = False
        while isinstance(current.value, dict) and "$ref" in current.value and len(current.value) == 1:
            known = self._alias_verdicts.get(keys[-1])
            if known is not None:
                verdict = known
                break
            following = self._resolve_one(current.value["$ref"], current.source, current.pointer)
            if following is None:
                break  # reported where it is converted
            key = (id(following.source), following.pointer)
            if key in keys:
                names = " -> ".join(_pointer_text(t.pointer) for t in (*chain[keys.index(key) :], following))
                self.diagnostics.error(
                    "ref-cycle",
                    f"these references only refer to each other: {names}",
                    following.source.lazy_location((*following.pointer, "$ref")),
                )
                verdict = True
                break
            chain.append(following)
            keys.append(key)
            current = following
        for key in keys:
            self._alias_verdicts[key] = verdict
        return verdict

    def _resolve_one(self, ref: object, source: Source, at: Pointer) -> Target | None:
        location = source.lazy_location((*at, "$ref"))
        if not isinstance(ref, str):
            self.diagnostics.error("invalid-ref", "$ref must be a string", location)
            return None
        address, _, fragment = ref.partition("#")
        if "://" in address or address.startswith("//"):
            self.diagnostics.error(
                "external-ref", f"the reference {ref!r} points to a URL; URLs are never fetched", location
            )
            return None
        target_source = source
        if address:
            target_source = self._load_file(address, source, location)
            if target_source is None:
                return None
        pointer = parse_pointer(fragment)
        if pointer is None:
            self.diagnostics.error(
                "invalid-ref",
                f"the reference {ref!r} is not a JSON pointer (only '#/...' is supported)",
                location,
            )
            return None
        try:
            value = walk(target_source.data, pointer)
        except KeyError:
            moved = _misplaced_schema(target_source.data, pointer)
            if moved is None:
                self.diagnostics.error("dangling-ref", f"the reference {ref!r} points to nothing", location)
                return None
            self.diagnostics.warning(
                "misplaced-ref-target",
                f"the reference {ref!r} points to nothing, but a schema of that name is filed under "
                f"{pointer_text(moved)}; using it",
                location,
            )
            return Target(target_source, moved, walk(target_source.data, moved))
        return Target(target_source, pointer, value)

    def _load_file(self, address: str, source: Source, location) -> Source | None:
        if self.base_dir is None:
            self.diagnostics.error(
                "external-ref",
                f"the reference to {address!r} needs a file on disk; input from stdin cannot refer to files",
                location,
            )
            return None
        origin = Path(source.name).resolve().parent if source is not self.root else self.base_dir
        file_name = unquote(address)
        if "\0" in file_name:
            self.diagnostics.error(
                "invalid-ref", f"the reference to {address!r} names a file with a NUL character", location
            )
            return None
        path = (origin / file_name).resolve()
        if not _is_within(path, self.base_dir):
            self.diagnostics.error(
                "external-ref",
                f"the reference to {address!r} leaves the input's folder; it is not followed",
                location,
            )
            return None
        if path in self._files:
            return self._files[path]
        try:
            raw = read_file(path)
        except OSError as exc:
            self.diagnostics.error(
                "dangling-ref", f"the referenced file {address!r} cannot be read: {exc.strerror}", location
            )
            return None
        try:
            loaded = load(decode(raw, str(path)), str(path))
        except InputError as exc:
            for diagnostic in exc.diagnostics:
                self.diagnostics.add(diagnostic)
            return None
        for warning in loaded.warnings:
            self.diagnostics.add(warning)
        if self.prepare is not None:
            self.prepare(loaded)
        self._files[path] = loaded
        return loaded


def _pointer_text(pointer: Pointer) -> str:
    return "#/" + "/".join(str(step).replace("~", "~0").replace("/", "~1") for step in pointer)


def _is_component(pointer: Pointer) -> bool:
    return len(pointer) == 3 and pointer[0] == "components"


_SCHEMA_KEYS = frozenset({"type", "properties", "allOf", "anyOf", "oneOf", "enum", "items", "$ref"})


def _misplaced_schema(data: object, pointer: Pointer) -> Pointer | None:
    """LangGraph files a schema under ``components/responses``: for a dangling reference to
    ``#/components/schemas/X``, the one other component section holding a schema named X."""
    if len(pointer) != 3 or pointer[:2] != ("components", "schemas") or not isinstance(data, dict):
        return None
    components = data.get("components")
    if not isinstance(components, dict):
        return None
    found = [
        ("components", section, pointer[2])
        for section, entries in components.items()
        if section != "schemas"
        and isinstance(entries, dict)
        and isinstance(entries.get(pointer[2]), dict)
        and _SCHEMA_KEYS & set(entries[pointer[2]])
        and "content" not in entries[pointer[2]]
    ]
    return found[0] if len(found) == 1 else None


def _is_within(path: Path, folder: Path) -> bool:
    try:
        return os.path.commonpath([path, folder]) == str(folder)
    except ValueError:
        return False
