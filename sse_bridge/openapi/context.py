"""State shared by the parts of one OpenAPI import: sources, references, names, declarations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import ir
from ..diagnostics import DiagnosticBag, Location
from ..names import NameAllocator
from .refs import RefResolver, Target
from .shapes import ShapeChecker, kind_of
from .source import Pointer, Source


@dataclass(frozen=True)
class At:
    """A place in a loaded document: for diagnostics and for resolving references there."""

    source: Source
    pointer: Pointer

    def __truediv__(self, step: str | int) -> At:
        return At(self.source, (*self.pointer, step))

    @property
    def location(self) -> Location:
        return self.source.lazy_location(self.pointer)


class ImportContext:
    def __init__(
        self,
        root: Source,
        resolver: RefResolver,
        diagnostics: DiagnosticBag,
        namespace: tuple[str, ...],
        shapes: ShapeChecker,
    ):
        self.root = root
        self.resolver = resolver
        self.diagnostics = diagnostics
        self.namespace = namespace
        self.version = _version(root.data)
        self.shapes = shapes
        self.names = NameAllocator()
        # Output order: each declaration has an order key; a synthesized declaration (a
        # payload model, a hoisted scalar, an envelope) sorts right after the declaration
        # being converted when it was made, so its place does not depend on whether it
        # was made from an inline schema or read back as a component.
        self._filled: dict[str, ir.Model | ir.Union | ir.Enum | ir.Scalar] = {}
        self._order: dict[str, tuple[int, ...]] = {}
        self._children: dict[tuple[int, ...], int] = {}
        self.owner: tuple[int, ...] = ()
        self.required_mentions: dict[str, set[str]] = {}  # model → names it lists in ``required``
        # base → {derived: [(value, where the mapping names it)]}, in mapping order
        self.discriminator_values: dict[str, dict[str, list[tuple[str, Location]]]] = {}

    # --- declarations, in the order their slots were reserved -------------------------------

    def reserve(self, wanted: str, first: bool = False) -> str:
        """Allocate a unique declaration name and its place: after the current owner's
        earlier children (``first``: before all its other children, after earlier ``first``
        ones)."""
        name = self.names.allocate(wanted)
        key = (*self.owner, -1) if first else self.owner
        index = self._children.get(key, 0)
        self._children[key] = index + 1
        self._order[name] = (*key, index)
        return name

    def order_of(self, name: str) -> tuple[int, ...]:
        return self._order[name]

    def fill(self, declaration: ir.Model | ir.Union | ir.Enum | ir.Scalar) -> None:
        self._filled[declaration.name] = declaration

    def is_filled(self, name: str) -> bool:
        return name in self._filled

    def declarations(self) -> tuple[ir.Model | ir.Union | ir.Enum | ir.Scalar, ...]:
        names = sorted(self._filled, key=self._order.__getitem__)
        return tuple(self._filled[name] for name in names)

    def qualified(self, name: str) -> str:
        return ".".join((*self.namespace, name))

    def ref(self, name: str) -> ir.Ref:
        return ir.Ref(self.qualified(name))

    # --- diagnostics ------------------------------------------------------------------------------

    def warn(self, code: str, message: str, at: At) -> None:
        self.diagnostics.warning(code, message, at.location)

    def error(self, code: str, message: str, at: At) -> None:
        self.diagnostics.error(code, message, at.location)

    # --- references ---------------------------------------------------------------------------------

    def follow(self, value: object, at: At, kind: str) -> tuple[object, At]:
        """``value`` itself, or what its ``$ref`` points to (None if that cannot be followed),
        an object of ``kind`` (``shapes.KINDS``): a target outside the walked documents is
        checked here, when it is first reached."""
        if isinstance(value, dict) and "$ref" in value:
            target: Target | None = self.resolver.resolve(value["$ref"], at.source, at.pointer)
            if target is None:
                return None, at
            checked = self.shapes.check(target.value, kind, target.source, target.pointer)
            return checked, At(target.source, target.pointer)
        return value, at

    def mapping(self, value: object, at: At, what: str) -> dict:
        """``value`` when it is a mapping; otherwise report a wrong type and return {}."""
        if isinstance(value, dict):
            return value
        if value is not None:
            self.error("wrong-type", f"{what} must be a mapping, not {kind_of(value)}", at)
        return {}


def _version(data: object) -> tuple[int, int]:
    """(major, minor) of a document's ``openapi`` field, already checked by the loader."""
    text = data.get("openapi") if isinstance(data, dict) else None
    match = VERSION.match(text) if isinstance(text, str) else None
    return (int(match[1]), int(match[2])) if match else (3, 0)


VERSION = re.compile(r"(\d+)\.(\d+)(?:\.\d+)?(?:-[\w.]+)?$")
