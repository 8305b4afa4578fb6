"""OpenAPI Schema Objects → IR types and declarations (README "Event streams", "The rest of the document").

Component schemas become declarations (models, unions, enums, scalars) named after their
keys; inline schemas become type expressions. What TypeSpec cannot say inline is hoisted into
a named declaration (a constrained item scalar, a discriminated union, an allOf composition),
named after where it was found. What cannot be carried at all is a warning, never silence.
This module makes the declarations; reading inline schemas as types is in
:mod:`sse_bridge.openapi.schema_types`, the base class of :class:`SchemaImporter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .. import ir
from ..diagnostics import converting
from .context import At, ImportContext, kind_of
from .schema_types import (
    Converted,
    SchemaTypes,
    branch_suffix,
    discriminator_value,
    discriminator_values,
    has_members,
    has_object_shape,
    is_union,
    json_types,
    string_list,
)

_INVALID_COMPONENT_CHARS = re.compile(r"[^a-zA-Z0-9.\-_]")


class SchemaImporter(SchemaTypes):
    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self._component_names: dict[tuple[int, tuple], str] = {}  # (source id, pointer) → name
        self._pending: list[tuple[str, dict, At]] = []
        self._inline_stack: set[tuple[int, tuple]] = set()
        self._builders: dict[str, Callable[[str, object, At], ir.Union]] = {}

    # --- components --------------------------------------------------------------------------

    def reserve_components(self) -> None:
        """Reserve every component schema's name, in source order, before anything else."""
        root = self.ctx.root
        components = At(root, ("components",))
        schemas_at = components / "schemas"
        comps = self.ctx.mapping(root.data.get("components"), components, "components")
        schemas = self.ctx.mapping(comps.get("schemas"), schemas_at, "components.schemas")
        valid = {str(key) for key in schemas if not _INVALID_COMPONENT_CHARS.search(str(key))}
        for key in schemas:
            name = self._component_key(str(key), valid, schemas_at / key)
            self._component_names[(id(root), ("components", "schemas", key))] = self.ctx.reserve(name)
        for key, schema in schemas.items():
            name = self._component_names[(id(root), ("components", "schemas", key))]
            self._pending.append((name, schema, schemas_at / key))

    def _component_key(self, key: str, valid: set[str], at: At) -> str:
        """``key``, or, when OpenAPI does not allow it as a component key (a space, a slash),
        the key with those characters replaced by ``_`` (as OpenAPI output writes it, so that
        the name reads back the same), avoiding the document's valid keys."""
        if not _INVALID_COMPONENT_CHARS.search(key):
            return key
        name = base = _INVALID_COMPONENT_CHARS.sub("_", key)
        counter = 1
        while name in valid or name in self.ctx.names:
            counter += 1
            name = f"{base}{counter}"
        self.ctx.warn(
            "component-renamed",
            f"{key!r} is not a valid OpenAPI component key (letters, digits, '.', '-', '_'); it is named {name!r}",
            at,
        )
        return name

    def import_components(self) -> None:
        self.drain()

    def override(self, name: str, builder: Callable[[str, object, At], ir.Union]) -> None:
        """Build the component ``name`` with ``builder`` (e.g. as an ``@events`` union)."""
        self._builders[name] = builder

    def drain(self) -> None:
        """Convert every declaration reserved so far (conversions may reserve more)."""
        while self._pending:
            name, schema, at = self._pending.pop(0)
            if not self.ctx.is_filled(name):
                build = self._builders.get(name, self.declaration)
                owner, self.ctx.owner = self.ctx.owner, self.ctx.order_of(name)
                converting(at.location)
                try:
                    self.ctx.fill(build(name, schema, at))
                finally:
                    self.ctx.owner = owner

    def component_name(self, at: At) -> str | None:
        """The declaration for a component schema at ``at``, declared on first use for
        schemas of other files; None when ``at`` is not a component schema."""
        key = (id(at.source), at.pointer)
        if key in self._component_names:
            return self._component_names[key]
        pointer = at.pointer
        if (len(pointer) == 3 and pointer[:2] == ("components", "schemas")) or (
            len(pointer) == 2 and pointer[0] in ("definitions", "$defs")
        ):
            name = self.ctx.reserve(self._component_key(str(pointer[-1]), set(), at))
            self._component_names[key] = name
            schema = _walk_value(at)
            self._pending.append((name, schema, at))
            return name
        return None

    # --- declarations --------------------------------------------------------------------------

    def declaration(self, name: str, schema: object, at: At) -> ir.Model | ir.Union | ir.Enum | ir.Scalar:
        ns = self.ctx.namespace
        if not isinstance(schema, dict):
            if schema is not True:
                self.ctx.error("wrong-type", f"schema {name!r} must be a mapping, not {kind_of(schema)}", at)
            return ir.Scalar(name, ns, base=ir.Intrinsic("unknown"), pos=at.location)
        meta = self.metadata(schema, at)
        if "$ref" not in schema:
            if _is_enum(schema):
                declared = self._enum_declaration(name, schema, at, meta)
                if declared is not None:
                    return declared
            if is_union(schema) and not has_members(schema):
                return self._union_declaration(name, schema, at, meta)
            if "allOf" in schema or has_object_shape(schema):
                return self._model_declaration(name, schema, at, meta)
            if json_types(schema) == ["array"]:
                converted = self.convert(schema, at, name)
                self._report_dropped(converted, at)
                return (
                    ir.Model(
                        name,
                        ns,
                        is_array=converted.type.item if isinstance(converted.type, ir.ArrayOf) else None,
                        facets=converted.facets,
                        meta=meta,
                        pos=at.location,
                    )
                    if isinstance(converted.type, ir.ArrayOf)
                    else self._union_like(name, converted, at, meta)
                )
        converted = self.convert(schema, at, name)
        self._report_dropped(converted, at)
        return self._union_like(name, converted, at, meta)

    def _union_like(self, name: str, converted: Converted, at: At, meta: ir.Metadata):
        """A component whose schema is a scalar, a reference or an inline union: a scalar
        when it is a standard scalar (keeping constraints), otherwise a one-variant-per-option
        union (so that references and nullability survive)."""
        ns = self.ctx.namespace
        kind = converted.type
        if isinstance(kind, ir.Intrinsic) and kind.name not in ("null", "unknown", "void", "never"):
            return ir.Scalar(name, ns, base=kind, facets=converted.facets, meta=meta, pos=at.location)
        if isinstance(kind, ir.Intrinsic) and kind.name == "unknown":
            return ir.Scalar(name, ns, base=kind, meta=meta, pos=at.location)
        options = kind.options if isinstance(kind, ir.UnionOf) else (kind,)
        variants = tuple(ir.Variant(None, option) for option in options)
        one_of = isinstance(kind, ir.UnionOf) and kind.one_of
        return ir.Union(
            name, ns, variants=variants, one_of=one_of, facets=converted.facets, meta=meta, pos=at.location
        )

    def _enum_declaration(self, name, schema, at, meta):
        values = schema["enum"] if "enum" in schema else [schema["const"]]
        nullable = None in values or "null" in json_types(schema) or schema.get("nullable") is True
        members = [v for v in values if v is not None]
        if not members or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in members
        ):
            return None
        if nullable or (
            not all(isinstance(v, type(members[0])) for v in members) and not _all_numbers(members)
        ):
            variants = [ir.Variant(None, ir.Literal(v)) for v in members]
            if nullable:
                variants.append(ir.Variant(None, ir.Intrinsic("null")))
            return ir.Union(name, self.ctx.namespace, variants=tuple(variants), meta=meta, pos=at.location)
        enum_members = []
        seen: set[str] = set()
        for value in dict.fromkeys(members):
            member_name = str(value)
            if member_name in seen:
                continue
            seen.add(member_name)
            enum_members.append(ir.EnumMember(member_name, value))
        self._warn_unused_keywords(schema, at, {"enum", "const", "type", "nullable"})
        return ir.Enum(name, self.ctx.namespace, members=tuple(enum_members), meta=meta, pos=at.location)

    def _union_declaration(self, name, schema, at, meta):
        key = "oneOf" if "oneOf" in schema else "anyOf"
        branches = schema[key]
        if not isinstance(branches, list):
            self.ctx.error("wrong-type", f"{key} must be a list, not {kind_of(branches)}", at / key)
            return ir.Union(name, self.ctx.namespace, meta=meta, pos=at.location)
        discriminator = schema.get("discriminator")
        variants: list[ir.Variant] = []
        names, why = self._discriminator_names(discriminator, branches, at) if discriminator else (None, "")
        for index, branch in enumerate(branches):
            branch_at = at / key / index
            branch_type, leftover = self.branch_type(
                branch, branch_at, f"{name}{branch_suffix(branch, index)}"
            )
            variant_name = names[index] if names else None
            # An inline branch keeps the annotations its type did not take on the variant (an
            # inline allOf branch is a declaration of its own, which takes them all), but for
            # its examples (the compiler refuses every ``@example`` on a union variant); a branch
            # that is only a list of literals becomes one variant per literal (as the emitter
            # groups them). A ``$ref`` branch's annotations are its siblings (OpenAPI 3.1+), as
            # OpenAPI output writes a documented variant.
            branch_meta = ir.NO_METADATA
            if isinstance(branch, dict) and leftover != ir.NO_METADATA:
                branch_meta = replace(leftover, examples=()) if leftover.examples else leftover
                self._warn_annotations_dropped(
                    ir.Metadata(examples=leftover.examples),
                    branch_at,
                    "TypeSpec has no place for the {} of a union variant (the compiler refuses `@example` there)",
                )
            if (
                variant_name is None
                and branch_meta == ir.NO_METADATA
                and isinstance(branch_type, ir.UnionOf)
                and all(isinstance(o, ir.Literal) for o in branch_type.options)
            ):
                variants.extend(ir.Variant(None, o, pos=branch_at.location) for o in branch_type.options)
                continue
            variants.append(ir.Variant(variant_name, branch_type, meta=branch_meta, pos=branch_at.location))
        nullable = "null" in json_types(schema) or schema.get("nullable") is True
        if nullable and not any(v.type == ir.Intrinsic("null") for v in variants):
            variants.append(ir.Variant(None, ir.Intrinsic("null")))
        self._warn_unused_keywords(schema, at, {key, "discriminator", "type", "nullable"})
        union = ir.Union(
            name,
            self.ctx.namespace,
            variants=tuple(variants),
            one_of=key == "oneOf",
            meta=meta,
            pos=at.location,
        )
        if names:
            prop = discriminator.get("propertyName")
            return replace(union, discriminator=prop, one_of=False)
        if discriminator:
            self.ctx.warn(
                "discriminator-dropped",
                f"the discriminator of {name!r} cannot name every branch with one value of its own "
                f"({why}); it is written as a plain union, without its values",
                at / "discriminator",
            )
        return union

    def _discriminator_names(self, discriminator, branches, at) -> tuple[list[str] | None, str]:
        """The discriminator value of each branch (mapping first, then the branch's own
        const/enum value); or None, and why, when some branch has no value of its own (then
        it cannot be a ``@discriminated`` union variant), or the property name is missing."""
        if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
            self.ctx.error("wrong-type", "discriminator needs a string propertyName", at / "discriminator")
            return None, "it has no propertyName"
        prop = discriminator["propertyName"]
        mapping = discriminator.get("mapping") or {}
        by_ref: dict[object, list[str]] = {}
        if isinstance(mapping, dict):
            for value, ref in mapping.items():
                if isinstance(ref, str):
                    by_ref.setdefault(_ref_key(ref), []).append(str(value))
        names: list[str | None] = []
        for index, branch in enumerate(branches):
            found = None
            target, _ = self.ctx.follow(branch, at / "oneOf" / index, "schema")
            if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
                mapped = by_ref.get(_ref_key(branch["$ref"]), [])
                if len(mapped) > 1:
                    # Several values name one branch (Moonshot's models): a variant has one name.
                    listed = ", ".join(repr(v) for v in mapped)
                    return None, f"its mapping names {branch['$ref'].rsplit('/', 1)[-1]!r} with {listed}"
                found = mapped[0] if mapped else None
            if found is None:
                found = discriminator_value(target, prop, self.ctx, at)
            # A branch whose own property allows other values than its name would not be a
            # valid variant of a ``@discriminated`` union (the compiler checks them).
            declared = discriminator_values(target, prop)
            if found is not None and declared is not None and declared != [found]:
                listed = ", ".join(repr(v) for v in declared)
                return None, f"branch {index + 1} allows {listed} for {prop!r}"
            names.append(found)
        if any(n is None for n in names):
            return None, f"branch {names.index(None) + 1} has no {prop!r} value of its own"
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            return None, f"two branches have the value {twice!r}"
        return names, ""

    def _model_declaration(self, name, schema, at, meta) -> ir.Model:
        base: ir.Ref | None = None
        properties: list[ir.Property] = []
        required = set(string_list(schema.get("required")))
        if "allOf" in schema:
            base, inherited, inherited_required, annotations = self._compose(
                name, schema["allOf"], at / "allOf"
            )
            properties.extend(inherited)
            required |= inherited_required
            meta = self._absorb(meta, annotations, repr(name))
        own = self.properties(schema, at, required, name)
        own_names = {p.name for p in own}
        self.ctx.required_mentions[self.ctx.qualified(name)] = set(required)
        properties = [p for p in properties if p.name not in own_names] + own
        properties = [
            p if p.optional == (p.name not in required) else replace(p, optional=p.name not in required)
            for p in properties
        ]
        additional = self.additional(schema, at, name)
        discriminator = None
        if isinstance(schema.get("discriminator"), dict):
            discriminator = schema["discriminator"].get("propertyName")
            if not isinstance(discriminator, str):
                self.ctx.error(
                    "wrong-type", "discriminator needs a string propertyName", at / "discriminator"
                )
                discriminator = None
            else:
                self._record_mapping(name, schema["discriminator"], at / "discriminator")
        if is_union(schema):
            self.ctx.warn(
                "schema-keyword-dropped",
                f"{name!r} has both properties and oneOf/anyOf; TypeSpec keeps the properties only",
                at,
            )
        self._warn_unused_keywords(
            schema,
            at,
            {
                "type",
                "properties",
                "required",
                "additionalProperties",
                "unevaluatedProperties",
                "allOf",
                "discriminator",
                "oneOf",
                "anyOf",
                "nullable",
            },
        )
        if "null" in json_types(schema) or schema.get("nullable") is True:
            self.ctx.warn(
                "nullable-dropped",
                f"the model {name!r} cannot itself be nullable in TypeSpec; "
                "nullability is kept where it is referenced with `| null`",
                at,
            )
        return ir.Model(
            name,
            self.ctx.namespace,
            properties=tuple(properties),
            base=base,
            additional=additional,
            discriminator=discriminator,
            meta=meta,
            pos=at.location,
        )

    def _record_mapping(self, name: str, discriminator: dict, at: At) -> None:
        """Remember which values each derived schema has (``discriminator.mapping``; one
        schema may be named by several values)."""
        mapping = discriminator.get("mapping")
        values = self.ctx.discriminator_values.setdefault(self.ctx.qualified(name), {})
        if not isinstance(mapping, dict):
            return
        for value, ref in mapping.items():
            value_at = at / "mapping" / value
            target, target_at = (
                self.ctx.follow({"$ref": ref}, value_at, "schema") if isinstance(ref, str) else (None, at)
            )
            derived = self.component_name(target_at) if target is not None else None
            if derived is not None:
                named = values.setdefault(self.ctx.qualified(derived), [])
                if all(known != str(value) for known, _ in named):
                    named.append((str(value), value_at.location))

    def _compose(self, name: str, parts: object, at: At):
        """allOf → (base, copied properties, copied required): the branch that is a
        discriminated base (else the first reference to an object schema) becomes ``extends``;
        other references are copied in (warning ``allof-flattened``); inline parts are merged."""
        if not isinstance(parts, list):
            self.ctx.error("wrong-type", f"allOf must be a list, not {kind_of(parts)}", at)
            return None, [], set(), []
        refs: list[tuple[int, str, dict, At]] = []
        for index, part in enumerate(parts):
            if isinstance(part, dict) and "$ref" in part:
                target, target_at = self.ctx.follow(part, at / index, "schema")
                component = self.component_name(target_at) if target is not None else None
                if component is not None and isinstance(target, dict):
                    refs.append((index, component, target, target_at))
        base_index = None
        for index, _component, target, _ in refs:
            if isinstance(target.get("discriminator"), dict):
                base_index = index
                break
        if base_index is None:
            for index, _component, target, _ in refs:
                if has_object_shape(target) or "allOf" in target:
                    base_index = index
                    break
        base = None
        properties: list[ir.Property] = []
        required: set[str] = set()
        annotations: list[tuple[ir.Metadata, At]] = []  # of inline parts: the model's too
        for index, part in enumerate(parts):
            part_at = at / index
            if index == base_index:
                base = self.ctx.ref(next(c for i, c, _, _ in refs if i == index))
                continue
            target, target_at = self.ctx.follow(part, part_at, "schema")
            if not isinstance(target, dict):
                continue
            if "$ref" in part:
                self.ctx.warn(
                    "allof-flattened",
                    f"{name!r} composes {part['$ref']!r} beside its base; TypeSpec has one base, "
                    "so its properties are copied in",
                    part_at,
                )
            if "allOf" in target:
                nested_base, nested, nested_required, nested_annotations = self._compose(
                    name, target["allOf"], target_at / "allOf"
                )
                base = base or nested_base
                properties.extend(nested)
                required |= nested_required
                if "$ref" not in part:
                    annotations.extend(nested_annotations)
            if "$ref" not in part:
                part_meta = self.metadata(target, target_at)
                if part_meta != ir.NO_METADATA:
                    annotations.append((part_meta, target_at))
            required |= set(string_list(target.get("required")))
            properties.extend(self.properties(target, target_at, required, name))
            if "$ref" not in part:
                self._warn_unused_keywords(
                    target, target_at, {"type", "properties", "required", "description", "title", "allOf"}
                )
        unique: dict[str, ir.Property] = {}
        for prop in properties:
            unique[prop.name] = prop
        return base, list(unique.values()), required, annotations


# --- helpers ----------------------------------------------------------------------------------------------


def _all_numbers(values: list) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _is_enum(schema: dict) -> bool:
    return isinstance(schema.get("enum"), list) or ("const" in schema and not has_object_shape(schema))


def _ref_key(ref: str) -> str:
    return ref if "#" in ref else f"#/components/schemas/{ref}"


def _walk_value(at: At) -> object:
    node = at.source.data
    for step in at.pointer:
        node = node[step] if isinstance(node, dict) else node[int(step)]
    return node
