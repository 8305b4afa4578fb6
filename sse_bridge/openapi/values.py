"""Defaults and examples, checked against the types they annotate (README "The rest of the document").

TypeSpec type-checks values: a default or ``@example`` that does not fit its type is a
compile error. Real documents are full of them (TGI's defaults are all strings, OpenAI puts
array defaults on string schemas), so each JSON value is fitted to its IR type here: enum
values become enum member references, date strings become ``fromISO`` calls, and a value
that fits nothing is dropped with a ``default-dropped`` / ``example-dropped`` warning.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

from .. import ir
from ..diagnostics import DiagnosticBag

_MISS = object()

_DATE_SCALARS = frozenset({"utcDateTime", "offsetDateTime", "plainDate", "plainTime", "duration"})
_STRINGS = frozenset({"string", "url"})
_INTEGER_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "safeint": (-(2**53 - 1), 2**53 - 1),
    "integer": (None, None),
}
_NUMBERS = frozenset({"numeric", "float", "float32", "float64", "decimal", "decimal128"})


class ValueFitter:
    def __init__(self, declarations: dict[str, ir.Model | ir.Union | ir.Enum | ir.Scalar]) -> None:
        self.declarations = declarations

    def fit(self, kind: ir.TypeExpr, value: object, depth: int = 0) -> object:
        """``value`` as a TypeSpec value of type ``kind``, or ``_MISS``."""
        if depth > 64:
            return _MISS
        if isinstance(kind, ir.Intrinsic):
            return _fit_intrinsic(kind.name, value)
        if isinstance(kind, ir.Literal):
            same = type(kind.value) is type(value) or (
                _is_number(kind.value) and _is_number(value) and not isinstance(value, bool)
            )
            return value if same and kind.value == value else _MISS
        if isinstance(kind, ir.UnionOf):
            for option in kind.options:
                fitted = self.fit(option, value, depth + 1)
                if fitted is not _MISS:
                    return fitted
            return _MISS
        if isinstance(kind, ir.ArrayOf):
            if not isinstance(value, list):
                return _MISS
            items = [self.fit(kind.item, item, depth + 1) for item in value]
            return _MISS if any(i is _MISS for i in items) else items
        if isinstance(kind, ir.TupleOf):
            if not isinstance(value, list) or len(value) != len(kind.items):
                return _MISS
            items = [self.fit(t, item, depth + 1) for t, item in zip(kind.items, value, strict=True)]
            return _MISS if any(i is _MISS for i in items) else items
        if isinstance(kind, ir.RecordOf):
            if not isinstance(value, dict):
                return _MISS
            entries = {k: self.fit(kind.value, v, depth + 1) for k, v in value.items()}
            return _MISS if any(v is _MISS for v in entries.values()) else entries
        if isinstance(kind, ir.ObjectType):
            return self._fit_object(list(kind.properties), kind.additional, value, depth)
        if isinstance(kind, ir.EnumMemberType):
            enum = self.declarations.get(kind.enum)
            member = next((m for m in enum.members if m.name == kind.member), None) if enum else None
            return ir.EnumValue(kind.enum, kind.member) if member and member.value == value else _MISS
        if isinstance(kind, ir.Ref):
            return self._fit_declaration(kind.target, value, depth)
        return _MISS

    def _fit_declaration(self, name: str, value: object, depth: int) -> object:
        declaration = self.declarations.get(name)
        if isinstance(declaration, ir.Enum):
            for member in declaration.members:
                if member.value == value and type(member.value) is type(value):
                    return ir.EnumValue(name, member.name)
            return _MISS
        if isinstance(declaration, ir.Union):
            for variant in declaration.variants:
                fitted = self.fit(variant.type, value, depth + 1)
                if fitted is not _MISS:
                    return fitted
            return _MISS
        if isinstance(declaration, ir.Scalar):
            base = declaration.base
            if (
                not declaration.facets.is_empty()
                and isinstance(value, float)
                and Decimal(repr(value)) != Decimal(value)
            ):
                # The compiler refuses a decimal literal that binary floating point cannot
                # hold exactly (0.05) for a constrained scalar.
                return _MISS
            if isinstance(base, ir.Intrinsic) and base.name in _DATE_SCALARS:
                return _MISS  # a derived date scalar has no literal form we can rely on
            return self.fit(base, value, depth + 1)
        if isinstance(declaration, ir.Model):
            if declaration.is_array is not None:
                return self.fit(ir.ArrayOf(declaration.is_array), value, depth + 1)
            properties = self._all_properties(declaration)
            return self._fit_object(properties, declaration.additional, value, depth)
        return _MISS

    def _all_properties(self, model: ir.Model) -> list[ir.Property]:
        properties = list(model.properties)
        seen = {model.qualified_name}
        base = model.base
        while base is not None and base.target not in seen:
            seen.add(base.target)
            parent = self.declarations.get(base.target)
            if not isinstance(parent, ir.Model):
                break
            properties = list(parent.properties) + properties
            base = parent.base
        return properties

    def _fit_object(self, properties: list[ir.Property], additional, value: object, depth: int) -> object:
        if not isinstance(value, dict):
            return _MISS
        by_name = {p.name: p for p in properties}
        result = {}
        for key, item in value.items():
            prop = by_name.get(key)
            kind = prop.type if prop else additional
            if kind is None:
                return _MISS
            fitted = self.fit(kind, item, depth + 1)
            if fitted is _MISS:
                return _MISS
            result[key] = fitted
        if any(not p.optional and p.name not in value for p in properties):
            return _MISS
        return result


def _fit_intrinsic(name: str, value: object) -> object:
    if name == "unknown":
        return value
    if name == "null":
        return None if value is None else _MISS
    if name in _STRINGS:
        return value if isinstance(value, str) else _MISS
    if name in _DATE_SCALARS:
        return ir.ScalarValue(name, "fromISO", (value,)) if isinstance(value, str) else _MISS
    if name == "boolean":
        return value if isinstance(value, bool) else _MISS
    if name in _INTEGER_RANGES:
        if not isinstance(value, int) or isinstance(value, bool):
            if isinstance(value, float) and value.is_integer() and math.isfinite(value):
                value = int(value)
            else:
                return _MISS
        low, high = _INTEGER_RANGES[name]
        if low is not None and not low <= value <= high:
            return _MISS
        return value
    if name in _NUMBERS:
        return value if _is_number(value) and math.isfinite(value) else _MISS
    return _MISS  # bytes, never, void: no literal values


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def settle(document: ir.Document, diagnostics: DiagnosticBag) -> ir.Document:
    """Fit every default and example of ``document``; drop (with a warning) what does not fit."""
    fitter = ValueFitter(document.declaration_map())

    def meta_with_examples(meta: ir.Metadata, kind: ir.TypeExpr, pos) -> ir.Metadata:
        if not meta.examples:
            return meta
        kept = []
        for example in meta.examples:
            fitted = fitter.fit(kind, example)
            if fitted is _MISS:
                diagnostics.warning(
                    "example-dropped", "an example does not match its schema and is dropped", pos
                )
            else:
                kept.append(fitted)
        return replace(meta, examples=tuple(kept))

    def settle_default(item, kind: ir.TypeExpr):
        if not item.has_default:
            return item
        fitted = fitter.fit(kind, item.default)
        if fitted is _MISS:
            diagnostics.warning(
                "default-dropped",
                f"the default {_short(item.default)} does not match the type of {item.name!r} and is dropped",
                item.pos,
            )
            return replace(item, default=None, has_default=False)
        return replace(item, default=fitted)

    def settle_property(prop: ir.Property) -> ir.Property:
        kind = settle_type(prop.type)
        if kind is not prop.type:
            prop = replace(prop, type=kind)
        if prop.has_default:
            prop = settle_default(prop, prop.type)
        if prop.meta.examples:
            prop = replace(prop, meta=meta_with_examples(prop.meta, prop.type, prop.pos))
        return prop

    def settle_properties(properties: tuple[ir.Property, ...]) -> tuple[ir.Property, ...]:
        settled = tuple(settle_property(p) for p in properties)
        return properties if all(a is b for a, b in zip(settled, properties, strict=True)) else settled

    def settle_type(kind: ir.TypeExpr) -> ir.TypeExpr:
        """The same object when nothing inside it changes (most types)."""
        if isinstance(kind, ir.ObjectType):
            properties = settle_properties(kind.properties)
            return kind if properties is kind.properties else replace(kind, properties=properties)
        if isinstance(kind, ir.ArrayOf):
            item = settle_type(kind.item)
            return kind if item is kind.item else replace(kind, item=item)
        if isinstance(kind, ir.UnionOf):
            options = tuple(settle_type(o) for o in kind.options)
            return (
                kind
                if all(a is b for a, b in zip(options, kind.options, strict=True))
                else replace(kind, options=options)
            )
        if isinstance(kind, ir.RecordOf):
            value = settle_type(kind.value)
            return kind if value is kind.value else replace(kind, value=value)
        return kind

    declarations = []
    for declaration in document.declarations:
        if declaration.meta.examples:
            own_type = ir.Ref(declaration.qualified_name)
            declaration = replace(
                declaration, meta=meta_with_examples(declaration.meta, own_type, declaration.pos)
            )
        if isinstance(declaration, ir.Model):
            properties = settle_properties(declaration.properties)
            if properties is not declaration.properties:
                declaration = replace(declaration, properties=properties)
        declarations.append(declaration)

    def settle_contents(contents: tuple[ir.Content, ...]) -> tuple[ir.Content, ...]:
        return tuple(replace(c, type=settle_type(c.type)) if c.type is not None else c for c in contents)

    operations = []
    for op in document.operations:
        parameters = tuple(
            settle_default(replace(p, type=settle_type(p.type)), p.type) for p in op.parameters
        )
        body = replace(op.body, contents=settle_contents(op.body.contents)) if op.body else None
        responses = tuple(replace(r, contents=settle_contents(r.contents)) for r in op.responses)
        operations.append(replace(op, parameters=parameters, body=body, responses=responses))
    return replace(document, declarations=tuple(declarations), operations=tuple(operations))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
