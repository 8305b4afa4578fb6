"""``allOf`` read as ``extends`` must follow TypeSpec's inheritance rules (SPEC §6).

OpenAPI composes: a schema that is ``allOf: [Base, {...}]`` may redeclare a property of
``Base`` with any schema, or only list it in ``required``. TypeSpec inherits: an overriding
property's type must be assignable to the inherited one. This pass, run on the imported IR,
turns ``required``-only mentions into overrides and drops overrides TypeSpec would reject
(warning ``property-override-dropped``; the inherited property, which JSON Schema applies as
well, stays).
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..conventions import all_properties
from ..diagnostics import DiagnosticBag


def settle(
    document: ir.Document,
    required_mentions: dict[str, set[str]],
    discriminator_values: dict[str, dict[str, str]],
    diagnostics: DiagnosticBag,
) -> ir.Document:
    declarations = document.declaration_map()
    done: set[str] = set()

    def visit(name: str, path: frozenset[str]) -> None:
        """Settle bases before the models that extend them (their overrides count)."""
        model = declarations.get(name)
        if name in done or name in path or not isinstance(model, ir.Model):
            return
        if model.base is not None:
            visit(model.base.target, path | {name})
            base = declarations.get(model.base.target)
            if isinstance(base, ir.Model):
                declarations[name] = _settle_model(
                    model, base, declarations, required_mentions.get(name, set()), diagnostics
                )
        done.add(name)

    for declaration in document.declarations:
        visit(declaration.qualified_name, frozenset())
    _settle_discriminators(document, declarations, discriminator_values)
    _settle_indexers(document, declarations, diagnostics)
    return replace(
        document, declarations=tuple(declarations[d.qualified_name] for d in document.declarations)
    )


def _settle_model(model: ir.Model, base: ir.Model, declarations, required: set[str], diagnostics) -> ir.Model:
    inherited = {p.name: p for p in all_properties(base, declarations)}
    properties = []
    own = {p.name for p in model.properties}
    for prop in model.properties:
        parent = inherited.get(prop.name)
        if parent is None or assignable(prop.type, parent.type, declarations):
            if parent is not None and prop.optional and not parent.optional:
                prop = replace(prop, optional=False)  # an override cannot make a property optional
            properties.append(prop)
            continue
        diagnostics.warning(
            "property-override-dropped",
            f"{model.name!r} redeclares {prop.name!r} with a type TypeSpec does not accept as a narrowing of "
            f"the one it inherits from {base.name!r}; the inherited declaration is kept",
            prop.pos,
        )
        if not prop.optional and parent.optional:
            properties.append(replace(parent, optional=False, pos=prop.pos))
    for name in sorted(required - own):
        parent = inherited.get(name)
        if parent is not None and parent.optional:
            properties.append(replace(parent, optional=False, meta=ir.NO_METADATA))
    return replace(model, properties=tuple(properties))


def _settle_discriminators(
    document: ir.Document, declarations: dict, values: dict[str, dict[str, str]]
) -> None:
    """TypeSpec wants every leaf model under a ``@discriminator`` base to fix the
    discriminator property to its value: the mapping's key for it, else (as in OpenAPI) its
    schema name."""
    bases = {m.base.target for m in declarations.values() if isinstance(m, ir.Model) and m.base is not None}
    for declaration in document.declarations:
        name = declaration.qualified_name
        model = declarations[name]
        if not isinstance(model, ir.Model) or model.base is None or name in bases:
            continue
        owner, seen = declarations.get(model.base.target), set()
        while isinstance(owner, ir.Model) and not owner.discriminator and owner.base is not None:
            if owner.qualified_name in seen:
                break
            seen.add(owner.qualified_name)
            owner = declarations.get(owner.base.target)
        if not isinstance(owner, ir.Model) or not owner.discriminator:
            continue
        prop_name = owner.discriminator
        current = next((p for p in all_properties(model, declarations) if p.name == prop_name), None)
        if current is not None and isinstance(current.type, (ir.Literal, ir.EnumMemberType)):
            continue
        value = values.get(owner.qualified_name, {}).get(name, model.name)
        kind: ir.TypeExpr = ir.Literal(value)
        inherited = next((p for p in all_properties(owner, declarations) if p.name == prop_name), None)
        enum = (
            declarations.get(inherited.type.target)
            if inherited and isinstance(inherited.type, ir.Ref)
            else None
        )
        if isinstance(enum, ir.Enum):
            member = next((m for m in enum.members if m.value == value), None)
            if member is None:
                continue  # no member to narrow to; the compiler will say so
            kind = ir.EnumMemberType(enum.qualified_name, member.name)
        fixed = ir.Property(prop_name, kind, pos=model.pos)
        if current is not None:
            fixed = replace(current, type=kind, optional=False, has_default=False, default=None)
        own = [p for p in model.properties if p.name != prop_name]
        declarations[name] = replace(model, properties=(fixed, *own))


def _settle_indexers(document: ir.Document, declarations: dict, diagnostics: DiagnosticBag) -> None:
    """``...Record<T>`` (``additionalProperties: T``) of a base constrains the properties the
    models extending it declare, in TypeSpec (``incompatible-indexer``); in JSON Schema it only
    constrains undeclared ones. Where a derived property does not fit, the base's record opens
    up: ``unknown``, or, for ``false``, no record."""
    for declaration in document.declarations:
        model = declarations[declaration.qualified_name]
        if not isinstance(model, ir.Model) or model.base is None:
            continue
        owner, seen = declarations.get(model.base.target), {model.qualified_name}
        while isinstance(owner, ir.Model) and owner.additional is None and owner.base is not None:
            if owner.qualified_name in seen:
                break
            seen.add(owner.qualified_name)
            owner = declarations.get(owner.base.target)
        if not isinstance(owner, ir.Model) or owner.additional is None:
            continue
        indexer = owner.additional
        misfits = [p.name for p in model.properties if not assignable(p.type, indexer, declarations)]
        if not misfits:
            continue
        closed = indexer == ir.Intrinsic("never")
        listed = ", ".join(misfits[:3]) + (" ..." if len(misfits) > 3 else "")
        diagnostics.warning(
            "additional-properties-widened",
            f"{owner.name!r} {'forbids' if closed else 'types'} additional properties, which TypeSpec applies to "
            f"the properties {model.name!r} adds ({listed}); "
            + ("the restriction is dropped" if closed else "they are typed unknown"),
            owner.pos,
        )
        declarations[owner.qualified_name] = replace(
            owner, additional=None if closed else ir.Intrinsic("unknown")
        )


def assignable(child: ir.TypeExpr, parent: ir.TypeExpr, declarations, depth: int = 0) -> bool:
    """A conservative subset of TypeSpec's assignability: True only when surely accepted."""
    if depth > 16:
        return False
    if child == parent or parent == ir.Intrinsic("unknown"):
        return True
    if isinstance(child, ir.UnionOf):
        return all(assignable(option, parent, declarations, depth + 1) for option in child.options)
    if isinstance(parent, ir.UnionOf):
        return any(assignable(child, option, declarations, depth + 1) for option in parent.options)
    if isinstance(child, ir.Literal):
        return _literal_fits(child.value, parent, declarations, depth)
    if isinstance(child, ir.EnumMemberType):
        return isinstance(parent, ir.Ref) and parent.target == child.enum
    if isinstance(child, ir.ArrayOf) and isinstance(parent, ir.ArrayOf):
        return assignable(child.item, parent.item, declarations, depth + 1)
    if isinstance(child, ir.Ref) and isinstance(parent, ir.Ref):
        seen = set()
        current = declarations.get(child.target)
        while isinstance(current, (ir.Model, ir.Scalar)) and current.qualified_name not in seen:
            seen.add(current.qualified_name)
            if current.qualified_name == parent.target:
                return True
            current = declarations.get(current.base.target) if isinstance(current.base, ir.Ref) else None
        return False
    if isinstance(child, ir.Ref) and isinstance(parent, ir.Intrinsic):
        declaration = declarations.get(child.target)
        return isinstance(declaration, ir.Scalar) and assignable(
            declaration.base, parent, declarations, depth + 1
        )
    return False


_STRING_SCALARS = frozenset({"string", "url"})
_NUMERIC = frozenset(
    {
        "numeric",
        "integer",
        "float",
        "float32",
        "float64",
        "decimal",
        "decimal128",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "safeint",
    }
)


def _literal_fits(value: object, parent: ir.TypeExpr, declarations, depth: int) -> bool:
    if isinstance(parent, ir.Intrinsic):
        if isinstance(value, bool):
            return parent.name == "boolean"
        if isinstance(value, str):
            return parent.name in _STRING_SCALARS
        if isinstance(value, int):
            return parent.name in _NUMERIC
        return parent.name in _NUMERIC - {
            "integer",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "safeint",
        }
    if isinstance(parent, ir.Ref):
        declaration = declarations.get(parent.target)
        if isinstance(declaration, ir.Scalar):
            return _literal_fits(value, declaration.base, declarations, depth + 1)
        if isinstance(declaration, ir.Union):
            return any(
                assignable(ir.Literal(value), v.type, declarations, depth + 1) for v in declaration.variants
            )
    return False
