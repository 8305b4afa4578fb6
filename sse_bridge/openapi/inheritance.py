"""``allOf`` read as ``extends`` must follow TypeSpec's inheritance rules (README "The rest of the document").

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
from ..diagnostics import DiagnosticBag, Location
from ..names import INTEGER_SCALARS, NUMERIC_SCALARS


def settle(
    document: ir.Document,
    required_mentions: dict[str, set[str]],
    discriminator_values: dict[str, dict[str, list[tuple[str, Location]]]],
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
    _settle_discriminators(document, declarations, discriminator_values, diagnostics)
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
    document: ir.Document,
    declarations: dict,
    values: dict[str, dict[str, list[tuple[str, Location]]]],
    diagnostics: DiagnosticBag,
) -> None:
    """TypeSpec wants every leaf model under a ``@discriminator`` base to fix the
    discriminator property to its values: the mapping's keys for it (several, when the
    mapping names it more than once: ``kind: "dog" | "puppy"``), else (as in OpenAPI) its
    schema name. A model that fixes the property itself keeps its own values; mapping values
    it does not allow cannot be carried (``discriminator-value-dropped``)."""
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
        mapped = values.get(owner.qualified_name, {}).get(name, [])
        current = next((p for p in all_properties(model, declarations) if p.name == prop_name), None)
        declared = _fixed_values(current.type, declarations) if current is not None else None
        if declared is not None:
            # The model fixes the property itself (a const, an enum, an enum member): its
            # values stay, but for those the mapping gives to another model (unreachable here,
            # and a duplicate to the compiler); mapped values it does not allow are dropped.
            dropped = [(value, at) for value, at in mapped if value not in declared]
            if dropped:
                _warn_values_dropped(model, owner, prop_name, dropped, diagnostics)
            elsewhere = {
                value: at
                for other, named in values.get(owner.qualified_name, {}).items()
                if other != name
                for value, at in named
            }
            taken = [value for value in declared if value in elsewhere]
            if taken and len(taken) < len(declared):
                options = current.type.options if isinstance(current.type, ir.UnionOf) else (current.type,)
                kept = tuple(o for o, v in zip(options, declared, strict=True) if v not in elsewhere)
                kind = kept[0] if len(kept) == 1 else replace(current.type, options=kept)
                listed = ", ".join(repr(value) for value in taken)
                diagnostics.warning(
                    "discriminator-value-dropped",
                    f"{model.name!r} allows {listed} for {prop_name!r}, which the discriminator mapping of "
                    f"{owner.name!r} gives to another model; TypeSpec takes each value once, so "
                    f"{'it is' if len(taken) == 1 else 'they are'} dropped from {model.name!r}",
                    current.pos or model.pos,
                )
                own = [replace(p, type=kind) if p.name == prop_name else p for p in model.properties]
                if not any(p.name == prop_name for p in model.properties):
                    own.insert(0, replace(current, type=kind))
                declarations[name] = replace(model, properties=tuple(own))
            continue
        wanted = [value for value, _ in mapped] or [model.name]
        inherited = next((p for p in all_properties(owner, declarations) if p.name == prop_name), None)
        enum = (
            declarations.get(inherited.type.target)
            if inherited and isinstance(inherited.type, ir.Ref)
            else None
        )
        options: list[ir.TypeExpr] = []
        if isinstance(enum, ir.Enum):
            for value in wanted:
                member = next((m for m in enum.members if m.value == value), None)
                if member is not None:
                    options.append(ir.EnumMemberType(enum.qualified_name, member.name))
            if not options:
                continue  # no member to narrow to; the compiler will say so
            missing = [(value, at) for value, at in mapped if all(m.value != value for m in enum.members)]
            if missing:
                _warn_values_dropped(model, owner, prop_name, missing, diagnostics)
        else:
            options = [ir.Literal(value) for value in wanted]
        kind: ir.TypeExpr = options[0] if len(options) == 1 else ir.UnionOf(tuple(options))
        fixed = ir.Property(prop_name, kind, pos=model.pos)
        if current is not None:
            fixed = replace(current, type=kind, optional=False, has_default=False, default=None)
        own = [p for p in model.properties if p.name != prop_name]
        declarations[name] = replace(model, properties=(fixed, *own))


def _fixed_values(kind: ir.TypeExpr, declarations: dict) -> list[str] | None:
    """The discriminator values a property type fixes (a literal, an enum member, or a union
    of those: what TypeSpec reads as the model's values), as the mapping's keys write them;
    None when it fixes none."""
    options = kind.options if isinstance(kind, ir.UnionOf) else (kind,)
    found: list[object] = []
    for option in options:
        if isinstance(option, ir.Literal):
            found.append(option.value if isinstance(option.value, str) else str(option.value))
        elif isinstance(option, ir.EnumMemberType):
            enum = declarations.get(option.enum)
            member = (
                next((m for m in enum.members if m.name == option.member), None)
                if isinstance(enum, ir.Enum)
                else None
            )
            found.append(str(member.value) if member is not None else option.member)
        else:
            return None
    return found or None


def _warn_values_dropped(
    model: ir.Model, owner: ir.Model, prop_name: str, dropped: list[tuple[str, Location]], diagnostics
) -> None:
    listed = ", ".join(repr(value) for value, _ in dropped)
    diagnostics.warning(
        "discriminator-value-dropped",
        f"the discriminator mapping of {owner.name!r} names {model.name!r} with {listed}, which its "
        f"{prop_name!r} property does not allow; TypeSpec takes a model's discriminator values from that "
        f"property, so {'this value is' if len(dropped) == 1 else 'these values are'} dropped",
        dropped[0][1],
    )


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


def _literal_fits(value: object, parent: ir.TypeExpr, declarations, depth: int) -> bool:
    if isinstance(parent, ir.Intrinsic):
        if isinstance(value, bool):
            return parent.name == "boolean"
        if isinstance(value, str):
            return parent.name in _STRING_SCALARS
        if isinstance(value, int):
            return parent.name in NUMERIC_SCALARS
        return parent.name in NUMERIC_SCALARS - INTEGER_SCALARS
    if isinstance(parent, ir.Ref):
        declaration = declarations.get(parent.target)
        if isinstance(declaration, ir.Scalar):
            return _literal_fits(value, declaration.base, declarations, depth + 1)
        if isinstance(declaration, ir.Union):
            return any(
                assignable(ir.Literal(value), v.type, declarations, depth + 1) for v in declaration.variants
            )
    return False
