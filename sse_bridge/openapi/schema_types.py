"""OpenAPI Schema Objects → IR type expressions (README "Event streams",
"The rest of the document"): the half of the schema
importer that reads an inline schema (types, formats, nullability, enums and constants,
inline unions and ``allOf``, properties and records) with its facets and annotations, and
reports what it cannot carry. :class:`SchemaTypes` is the base of
:class:`~sse_bridge.openapi.schemas.SchemaImporter`, which adds the component declarations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .. import ir
from ..names import pascal_case
from .context import At, ImportContext, kind_of
from .shapes import kind_at, kind_text

# OpenAPI (type, format) → TypeSpec standard scalar (README "The rest of the document").
STRING_FORMATS = {
    "date-time": "utcDateTime",
    "date": "plainDate",
    "time": "plainTime",
    "duration": "duration",
    "uri": "url",
    "url": "url",
    "binary": "bytes",
    "byte": "bytes",
}
INTEGER_FORMATS = {f: f for f in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}
NUMBER_FORMATS = {"float": "float32", "double": "float64", "decimal": "decimal", "decimal128": "decimal128"}
NUMBER_FORMATS.update(INTEGER_FORMATS)

# Keywords read by this module; any other non-extension keyword is reported as dropped.
_UNDERSTOOD = frozenset(
    [
        "$ref",
        "type",
        "format",
        "nullable",
        "enum",
        "const",
        "oneOf",
        "anyOf",
        "allOf",
        "discriminator",
        "properties",
        "required",
        "additionalProperties",
        "unevaluatedProperties",
        "items",
        "prefixItems",
        "description",
        "title",
        "deprecated",
        "default",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "contentEncoding",
        "contentMediaType",
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "xml",
        "externalDocs",
    ]
)
_FACET_KEYWORDS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "pattern", "format"}
    | {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
)
_META_KEYWORDS = frozenset(["description", "title", "deprecated", "examples", "example", "externalDocs"])

# Keywords with no TypeSpec equivalent that are silently harmless to drop (pure annotations).
_QUIET = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "xml"})


@dataclass
class Converted:
    """An inline schema read as a TypeSpec type plus what a property could carry with it."""

    type: ir.TypeExpr
    facets: ir.Facets = ir.NO_FACETS
    meta: ir.Metadata = ir.NO_METADATA
    default: object = None
    has_default: bool = False
    read_only: bool = False
    write_only: bool = False
    dropped: list[str] = field(default_factory=list)
    declared: bool = False  # its annotations went to a declaration made for it (a union member)


def is_null_schema(schema: object) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("const", 0) is None)


class SchemaTypes:
    """Inline schemas as IR types; ``ctx`` (an :class:`ImportContext`) is set by the importer."""

    ctx: ImportContext

    def properties(self, schema: dict, at: At, required: set[str], owner: str) -> list[ir.Property]:
        props = schema.get("properties")
        if props is None:
            return []
        if not isinstance(props, dict):
            self.ctx.error(
                "wrong-type", f"properties must be a mapping, not {kind_of(props)}", at / "properties"
            )
            return []
        result = []
        for key, prop_schema in props.items():
            prop_at = at / "properties" / key
            result.append(self.property(str(key), prop_schema, prop_at, str(key) in required, owner))
        return result

    def property(self, name: str, schema: object, at: At, required: bool, owner: str) -> ir.Property:
        converted = self.convert(schema, at, owner + pascal_case(name))
        self._report_dropped(converted, at)
        return ir.Property(
            name,
            converted.type,
            optional=not required,
            default=converted.default,
            has_default=converted.has_default,
            facets=converted.facets,
            meta=converted.meta,
            read_only=converted.read_only,
            write_only=converted.write_only,
            pos=at.location,
        )

    def additional(self, schema: dict, at: At, owner: str) -> ir.TypeExpr | None:
        for key in ("additionalProperties", "unevaluatedProperties"):
            if key not in schema:
                continue
            value = schema[key]
            if value is True or value == {}:
                return ir.Intrinsic("unknown")
            if value is False or (isinstance(value, dict) and value.get("not") == {}):
                return ir.Intrinsic("never")
            if isinstance(value, dict):
                return self.type_for(value, at / key, owner + "Value")
            self.ctx.error(
                "wrong-type", f"{key} must be a boolean or a schema, not {kind_of(value)}", at / key
            )
        return None

    # --- inline schemas ------------------------------------------------------------------------------

    def type_for(self, schema: object, at: At, hint: str) -> ir.TypeExpr:
        """A type for a position that cannot carry constraints or docs (items, variants,
        record values): constrained scalars are hoisted into a named scalar."""
        return self._member(schema, at, hint, branch=False)[0]

    def body_type(self, schema: object, at: At, hint: str) -> ir.TypeExpr:
        """The type of a request or response body: an inline object keeps its description
        (a doc comment); the annotations a body has no place for are dropped with a warning
        (``annotation-dropped``), never silently."""
        kind, meta = self._member(schema, at, hint, branch=False)
        if isinstance(kind, ir.ObjectType) and meta.doc is not None:
            kind = replace(kind, meta=ir.Metadata(doc=meta.doc))
            meta = replace(meta, doc=None)
        if not isinstance(kind, ir.Ref):  # a reference's siblings are the declaration's business
            self._warn_annotations_dropped(
                meta, at, "TypeSpec has no place for the {} of an inline body schema"
            )
        return kind

    def branch_type(self, schema: object, at: At, hint: str) -> tuple[ir.TypeExpr, ir.Metadata]:
        """The type of a member of a ``oneOf``/``anyOf``, and the annotations (description,
        title, examples...) that no declaration took: an inline ``allOf`` member becomes a
        declaration of its own, which keeps them (a doc comment, ``@example``...)."""
        return self._member(schema, at, hint, branch=True)

    def _member(self, schema: object, at: At, hint: str, branch: bool) -> tuple[ir.TypeExpr, ir.Metadata]:
        converted = self.convert(schema, at, hint, branch=branch)
        self._report_dropped(converted, at)
        kind = converted.type
        if not converted.facets.is_empty():
            if isinstance(kind, ir.Intrinsic):
                name = self.ctx.reserve(hint)
                self.ctx.fill(
                    ir.Scalar(
                        name,
                        self.ctx.namespace,
                        base=kind,
                        facets=converted.facets,
                        meta=converted.meta,
                        pos=at.location,
                    )
                )
                return self.ctx.ref(name), ir.NO_METADATA
            self.ctx.warn(
                "constraint-dropped", "constraints here have no place in TypeSpec and are dropped", at
            )
        return kind, converted.meta

    def payload_type(self, schema: object, at: At, hint: str) -> ir.TypeExpr:
        """Like ``type_for``, but an inline object schema becomes a named model (event
        payloads are named after their event, the README's "Event streams")."""
        if isinstance(schema, dict) and "$ref" not in schema and isinstance(schema.get("properties"), dict):
            name = self.ctx.reserve(hint)
            self.ctx.fill(self.declaration(name, schema, at))
            return self.ctx.ref(name)
        return self.type_for(schema, at, hint)

    def convert(self, schema: object, at: At, hint: str, branch: bool = False) -> Converted:
        """``branch``: the schema is a union member, whose annotations a declaration made for
        it (an inline ``allOf``) takes."""
        if schema is True or schema == {}:
            return Converted(ir.Intrinsic("unknown"))
        if schema is False:
            return Converted(ir.Intrinsic("never"))
        if not isinstance(schema, dict):
            self.ctx.error("wrong-type", f"a schema must be a mapping, not {kind_of(schema)}", at)
            return Converted(ir.Intrinsic("unknown"))
        meta = self.metadata(schema, at)
        result = self._convert_type(schema, at, hint, meta if branch else None)
        result.meta = ir.NO_METADATA if result.declared else _merge_meta(meta, result.meta)
        if "default" in schema:
            result.default, result.has_default = schema["default"], True
        result.read_only = result.read_only or schema.get("readOnly") is True
        result.write_only = result.write_only or schema.get("writeOnly") is True
        if not _FACET_KEYWORDS.isdisjoint(schema):
            own = self._applicable(_facets(schema, result.type), self.category(schema, at), at)
            result.facets = _merge_facets(own, result.facets)
        unknown = schema.keys() - _UNDERSTOOD
        if unknown:
            result.dropped.extend(k for k in unknown if not k.startswith("x-") and k not in _QUIET)
        return result

    def _convert_type(
        self, schema: dict, at: At, hint: str, branch_meta: ir.Metadata | None = None
    ) -> Converted:
        if "$ref" in schema:
            return Converted(self._nullable(self.reference(schema, at, hint), schema))
        types = json_types(schema)
        nullable = "null" in types or schema.get("nullable") is True
        if "const" in schema or ("enum" in schema and isinstance(schema["enum"], list)):
            key = "const" if "const" in schema else "enum"
            values = [schema["const"]] if key == "const" else schema["enum"]
            literals = self._literal_union(values, at / key, nullable)
            if literals == ir.Intrinsic("never") and values:
                # No value could be a literal (an object ``const``): the type without them,
                # rather than a ``never`` property that OpenAPI output would leave out.
                return self._convert_type(
                    {k: v for k, v in schema.items() if k not in ("const", "enum")}, at, hint
                )
            return Converted(literals)
        if is_union(schema) and not has_members(schema):
            union = self._inline_union(schema, at, hint, nullable)
            return union if isinstance(union, Converted) else Converted(union)
        if "allOf" in schema:
            result = self._inline_all_of(schema, at, hint, branch_meta)
            result.type = self._nullable(result.type, schema)
            return result
        non_null = [t for t in types if t != "null"]
        if len(non_null) > 1:
            options = [self._convert_type({**schema, "type": t}, at, hint).type for t in non_null]
            if nullable:
                options.append(ir.Intrinsic("null"))
            return Converted(ir.UnionOf(tuple(options)))
        kind = non_null[0] if non_null else ("object" if has_object_shape(schema) else None)
        if kind is None and "items" in schema:
            kind = "array"
        if kind is None:
            base = ir.Intrinsic("null") if types == ["null"] else ir.Intrinsic("unknown")
            return Converted(base if base.name == "null" else self._nullable(base, schema))
        base = self._typed(kind, schema, at, hint)
        return Converted(self._nullable(base, schema))

    def _typed(self, kind: str, schema: dict, at: At, hint: str) -> ir.TypeExpr:
        fmt = schema.get("format")
        if kind == "string":
            if fmt in STRING_FORMATS:
                return ir.Intrinsic(STRING_FORMATS[fmt])
            if schema.get("contentEncoding") in ("base64", "base64url"):
                return ir.Intrinsic("bytes")
            return ir.Intrinsic("string")
        if kind == "integer":
            return ir.Intrinsic(INTEGER_FORMATS.get(fmt, "integer") if fmt != "unixtime" else "utcDateTime")
        if kind == "number":
            return ir.Intrinsic(NUMBER_FORMATS.get(fmt, "numeric"))
        if kind == "boolean":
            return ir.Intrinsic("boolean")
        if kind == "array":
            if isinstance(schema.get("prefixItems"), list):
                items = schema["prefixItems"]
                return ir.TupleOf(
                    tuple(
                        self.type_for(item, at / "prefixItems" / i, f"{hint}Element{i}")
                        for i, item in enumerate(items)
                    )
                )
            if "items" not in schema:
                return ir.ArrayOf(ir.Intrinsic("unknown"))
            # "Element", not "Item": the official emitter names a model's array-item visibility
            # variant ``<Model>Item``, which would collide with a hoisted ``<Model>Item``.
            return ir.ArrayOf(self.type_for(schema["items"], at / "items", hint + "Element"))
        if kind == "object":
            required = set(string_list(schema.get("required")))
            properties = tuple(self.properties(schema, at, required, hint))
            additional = self.additional(schema, at, hint)
            if not properties:
                return ir.RecordOf(additional or ir.Intrinsic("unknown"))
            return ir.ObjectType(properties, additional)
        if kind == "null":
            return ir.Intrinsic("null")
        self.ctx.error("wrong-type", f"unknown schema type {kind!r}", at / "type")
        return ir.Intrinsic("unknown")

    def reference(self, schema: dict, at: At, hint: str) -> ir.TypeExpr:
        target, target_at = self.ctx.follow(schema, at, "schema")
        if target is None:
            return ir.Intrinsic("unknown")
        name = self.component_name(target_at)
        if name is not None:
            return self.ctx.ref(name)
        kind = kind_at(target_at.source.data, target_at.pointer)
        if kind is not None and kind != "schema":
            self.ctx.warn(
                "ref-not-schema",
                f"the reference {schema['$ref']!r} points to {kind_text(kind)}, not a schema; it is typed unknown",
                at / "$ref",
            )
            return ir.Intrinsic("unknown")
        key = (id(target_at.source), target_at.pointer)
        if key in self._inline_stack:
            self.ctx.warn(
                "recursive-inline-schema",
                "this reference loops through a schema that is not a component; it is typed unknown",
                at,
            )
            return ir.Intrinsic("unknown")
        self._inline_stack.add(key)
        try:
            return self.type_for(target, target_at, hint)
        finally:
            self._inline_stack.discard(key)

    def _nullable(self, kind: ir.TypeExpr, schema: dict) -> ir.TypeExpr:
        if schema.get("nullable") is True or "null" in json_types(schema):
            if isinstance(kind, ir.UnionOf):
                if ir.Intrinsic("null") in kind.options:
                    return kind
                return replace(kind, options=(*kind.options, ir.Intrinsic("null")))
            return ir.UnionOf((kind, ir.Intrinsic("null")))
        return kind

    def _literal_union(self, values: list, at: At, nullable: bool) -> ir.TypeExpr:
        options: list[ir.TypeExpr] = []
        for index, value in enumerate(values):
            if value is None:
                nullable = True
            elif isinstance(value, (str, int, float)) and not (
                isinstance(value, float) and not math.isfinite(value)
            ):
                literal = ir.Literal(value)
                if not _contains(options, literal):  # (``True == 1`` in Python)
                    options.append(literal)
            else:
                self.ctx.warn(
                    "enum-value-dropped", f"the enum value {value!r} cannot be a TypeSpec literal", at / index
                )
        # Grouped by kind (string, number, boolean) in order of first appearance, as OpenAPI
        # output groups them into one typed ``enum`` each: so the order reads back the same.
        kinds: dict[type, int] = {}
        for option in options:
            kinds.setdefault(_literal_kind(option), len(kinds))
        options.sort(key=lambda option: kinds[_literal_kind(option)])
        if nullable:
            options.append(ir.Intrinsic("null"))
        if not options:
            return ir.Intrinsic("never")
        return options[0] if len(options) == 1 else ir.UnionOf(tuple(options))

    def _inline_union(self, schema: dict, at: At, hint: str, nullable: bool) -> ir.TypeExpr | Converted:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        branches = schema[key]
        if not isinstance(branches, list):
            self.ctx.error("wrong-type", f"{key} must be a list, not {kind_of(branches)}", at / key)
            return ir.Intrinsic("unknown")
        if schema.get("discriminator") is not None:
            name = self.ctx.reserve(hint)
            self.ctx.fill(
                self._union_declaration(
                    name, {k: v for k, v in schema.items() if k != "description"}, at, ir.NO_METADATA
                )
            )
            ref: ir.TypeExpr = self.ctx.ref(name)
            return ir.UnionOf((ref, ir.Intrinsic("null"))) if nullable else ref
        real = [(i, b) for i, b in enumerate(branches) if not is_null_schema(b)]
        nullable = nullable or len(real) < len(branches)
        if len(real) == 1:
            # ``anyOf: [X, {type: null}]``, the common nullable idiom: X's constraints and docs
            # stay with the property (beside ``| null``), as the official emitter writes them.
            index, branch = real[0]
            inner = self.convert(branch, at / key / index, hint)
            self._report_dropped(inner, at / key / index)
            inner.type = self._nullable(inner.type, {"nullable": nullable})
            inner.has_default = False
            return inner
        options: list[ir.TypeExpr] = []
        for index, branch in real:
            option, leftover = self.branch_type(
                branch, at / key / index, f"{hint}{branch_suffix(branch, index)}"
            )
            if isinstance(branch, dict) and "$ref" not in branch:
                self._warn_annotations_dropped(
                    leftover,
                    at / key / index,
                    "TypeSpec has no place for the {} of a member of an inline union (only its type is kept)",
                )
            if not _contains(options, option):
                options.append(option)
        if nullable:
            options.append(ir.Intrinsic("null"))
        if not options:
            return ir.Intrinsic("never")
        if len(options) == 1:
            return options[0]
        return ir.UnionOf(tuple(options), one_of=key == "oneOf" and len(options) > 1)

    def _inline_all_of(self, schema: dict, at: At, hint: str, meta: ir.Metadata | None) -> Converted:
        """An inline ``allOf``: the one part that says something (its annotation-only parts'
        docs and examples stay with the schema's, for the property or variant), else a model
        named after ``hint``; a union member's annotations (``meta``) go on that model."""
        parts = schema["allOf"]
        if isinstance(parts, list):
            meaningful = [p for p in parts if not _is_annotation_only(p)]
            extra_shape = has_object_shape(schema)
            if len(meaningful) == 1 and not extra_shape:
                index = next(i for i, p in enumerate(parts) if p is meaningful[0])
                kind, inner = self._member(meaningful[0], at / "allOf" / index, hint, branch=False)
                if isinstance(meaningful[0], dict) and "$ref" in meaningful[0]:
                    inner = ir.NO_METADATA  # the referenced component's own
                found = [(inner, at / "allOf" / index)] if inner != ir.NO_METADATA else []
                found += [
                    (self.metadata(p, at / "allOf" / i), at / "allOf" / i)
                    for i, p in enumerate(parts)
                    if _is_annotation_only(p)
                ]
                own = self.metadata(schema, at)
                return Converted(kind, meta=self._absorb(own, found, "the schema"))
        name = self.ctx.reserve(hint)
        self.ctx.fill(
            self._model_declaration(
                name,
                {k: v for k, v in schema.items() if k not in ("description", "nullable")},
                at,
                meta if meta is not None else ir.NO_METADATA,
            )
        )
        return Converted(self.ctx.ref(name), declared=meta is not None)

    def category(self, schema: object, at: At, depth: int = 0) -> str | None:
        """What TypeSpec constraints can apply to: "string", "number", "array", else None."""
        if depth > 16 or not isinstance(schema, dict):
            return None
        if "$ref" in schema:
            target, target_at = self.ctx.follow(schema, at, "schema")
            return self.category(target, target_at, depth + 1)
        kinds = {k for k in json_types(schema) if k != "null"}
        if not kinds:
            values = (
                schema.get("enum")
                if isinstance(schema.get("enum"), list)
                else ([schema["const"]] if "const" in schema else [])
            )
            kinds = {
                "string" if isinstance(v, str) else "number"
                for v in values
                if v is not None and not isinstance(v, bool)
            }
        for key in ("anyOf", "oneOf", "allOf"):
            if not kinds and isinstance(schema.get(key), list):
                found = {
                    self.category(b, at / key / i, depth + 1)
                    for i, b in enumerate(schema[key])
                    if not is_null_schema(b)
                }
                kinds = {k for k in found if k} if None not in found else {"mixed", "other"}
        if kinds <= {"integer", "number"} and kinds:
            return "number"
        if len(kinds) == 1:
            kind = kinds.pop()
            if (
                kind == "string"
                and schema.get("format") in STRING_FORMATS
                and STRING_FORMATS[schema["format"]] != "url"
            ):
                return None  # dates and bytes are not strings to TypeSpec
            return kind if kind in ("string", "array") else None
        return None

    def _applicable(self, facets: ir.Facets, category: str | None, at: At) -> ir.Facets:
        """Drop constraints that do not apply to the schema's type (TypeSpec rejects them)."""
        if facets.is_empty():
            return facets
        groups = {
            "string": ("min_length", "max_length", "pattern", "format", "secret"),
            "number": ("min_value", "max_value", "min_value_exclusive", "max_value_exclusive"),
            "array": ("min_items", "max_items"),
        }
        allowed = set(groups.get(category or "", ())) | {"encoding"}
        dropped = [
            name
            for name in ir.Facets.__dataclass_fields__
            if getattr(facets, name) not in (None, False) and name not in allowed
        ]
        if not dropped:
            return facets
        self.ctx.warn(
            "constraint-dropped",
            "constraints that do not apply to this type are dropped: "
            + ", ".join(_KEYWORD_OF_FACET.get(name, name) for name in dropped),
            at,
        )
        return replace(facets, **{name: ir.Facets.__dataclass_fields__[name].default for name in dropped})

    # --- metadata ----------------------------------------------------------------------------------------

    def metadata(self, schema: dict, at: At) -> ir.Metadata:
        if _META_KEYWORDS.isdisjoint(schema) and not any(
            k.startswith("x-") for k in schema.keys() - _UNDERSTOOD
        ):
            return ir.NO_METADATA
        doc = schema.get("description")
        title = schema.get("title")
        deprecated = "" if schema.get("deprecated") is True else None
        extensions = tuple(
            ir.Extension(k, v) for k, v in schema.items() if isinstance(k, str) and k.startswith("x-")
        )
        examples: tuple = ()
        if isinstance(schema.get("examples"), list):
            examples = tuple(schema["examples"])
        elif "example" in schema:
            examples = (schema["example"],)
        external = None
        docs = schema.get("externalDocs")
        if isinstance(docs, dict) and isinstance(docs.get("url"), str):
            external = (
                docs["url"],
                docs.get("description") if isinstance(docs.get("description"), str) else None,
            )
        if doc is not None and not isinstance(doc, str):
            self.ctx.error(
                "wrong-type", f"description must be a string, not {kind_of(doc)}", at / "description"
            )
            doc = None
        if title is not None and not isinstance(title, str):
            self.ctx.error("wrong-type", f"title must be a string, not {kind_of(title)}", at / "title")
            title = None
        return ir.Metadata(
            doc=doc,
            summary=title,
            deprecated=deprecated,
            extensions=extensions,
            examples=examples,
            external_docs=external,
        )

    def _absorb(self, meta: ir.Metadata, found: list[tuple[ir.Metadata, At]], owner: str) -> ir.Metadata:
        """``meta`` completed with the annotations of ``allOf`` parts (a part's description
        describes the whole when the schema has none); what the schema already says
        otherwise is kept, and the part's is dropped (``annotation-dropped``)."""
        for part, part_at in found:
            values = {}
            clashes = ir.NO_METADATA
            for name in ("doc", "summary", "deprecated", "external_docs", "examples"):
                mine, theirs = getattr(meta, name), getattr(part, name)
                if theirs in (None, ()):
                    continue
                if mine in (None, ()):
                    values[name] = theirs
                elif mine != theirs:
                    clashes = replace(clashes, **{name: theirs})
            known = {e.name: e for e in meta.extensions}
            extensions = list(meta.extensions)
            for extension in part.extensions:
                if extension.name not in known:
                    extensions.append(extension)
                elif known[extension.name] != extension:
                    clashes = replace(clashes, extensions=(*clashes.extensions, extension))
            if values or len(extensions) != len(meta.extensions):
                meta = replace(meta, extensions=tuple(extensions), **values)
            self._warn_annotations_dropped(
                clashes, part_at, f"{owner} has its own {{}}, which is kept; this allOf part's differs"
            )
        return meta

    def _warn_annotations_dropped(self, meta: ir.Metadata, at: At, where: str) -> None:
        """``annotation-dropped``: annotations that have no place where they were written."""
        keywords = [
            keyword
            for keyword, value in (
                ("description", meta.doc),
                ("title", meta.summary),
                ("deprecated", meta.deprecated),
                ("examples", meta.examples or None),
                ("externalDocs", meta.external_docs),
            )
            if value is not None
        ] + [extension.name for extension in meta.extensions]
        if keywords:
            self.ctx.warn("annotation-dropped", where.format(", ".join(keywords)) + "; dropped", at)

    # --- reporting ----------------------------------------------------------------------------------------

    def _report_dropped(self, converted: Converted, at: At) -> None:
        if converted.dropped:
            keys = ", ".join(sorted(set(converted.dropped)))
            self.ctx.warn("schema-keyword-dropped", f"no TypeSpec equivalent for {keys}; dropped", at)

    def _warn_unused_keywords(self, schema: dict, at: At, used: set[str]) -> None:
        dropped = [k for k in schema if k not in _UNDERSTOOD and not k.startswith("x-") and k not in _QUIET]
        if dropped:
            self.ctx.warn(
                "schema-keyword-dropped",
                f"no TypeSpec equivalent for {', '.join(sorted(dropped))}; dropped",
                at,
            )


# --- helpers ----------------------------------------------------------------------------------------------


def _merge_meta(outer: ir.Metadata, inner: ir.Metadata) -> ir.Metadata:
    """The schema's own annotations, falling back to those of the branch it wraps."""
    if inner == ir.NO_METADATA:
        return outer
    return ir.Metadata(
        doc=outer.doc if outer.doc is not None else inner.doc,
        summary=outer.summary if outer.summary is not None else inner.summary,
        deprecated=outer.deprecated if outer.deprecated is not None else inner.deprecated,
        extensions=outer.extensions or inner.extensions,
        examples=outer.examples or inner.examples,
        external_docs=outer.external_docs or inner.external_docs,
    )


def _merge_facets(outer: ir.Facets, inner: ir.Facets) -> ir.Facets:
    if inner.is_empty():
        return outer
    if outer.is_empty():
        return inner
    values = {
        name: getattr(outer, name) if getattr(outer, name) not in (None, False) else getattr(inner, name)
        for name in ir.Facets.__dataclass_fields__
    }
    return ir.Facets(**values)


def json_types(schema: dict) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [t for t in kind if isinstance(t, str)]
    return []


def is_union(schema: dict) -> bool:
    return isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)


def has_object_shape(schema: dict) -> bool:
    return (
        "properties" in schema
        or "object" in json_types(schema)
        or "additionalProperties" in schema
        or "unevaluatedProperties" in schema
    )


def has_members(schema: dict) -> bool:
    """Declares properties of its own (``type: object`` alone beside a ``oneOf`` does not)."""
    return any(k in schema for k in ("properties", "additionalProperties", "unevaluatedProperties"))


def _is_annotation_only(part: object) -> bool:
    return isinstance(part, dict) and all(
        k in ("description", "title", "deprecated", "nullable", "example", "examples") or k.startswith("x-")
        for k in part
    )


def string_list(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def branch_suffix(branch: object, index: int) -> str:
    if isinstance(branch, dict) and isinstance(branch.get("title"), str):
        return pascal_case(branch["title"])
    return f"Option{index + 1}"


def discriminator_value(target: object, prop: str, ctx: ImportContext, at: At) -> str | None:
    if not isinstance(target, dict):
        return None
    props = target.get("properties")
    if isinstance(props, dict) and isinstance(props.get(prop), dict):
        spec = props[prop]
        if "const" in spec and isinstance(spec["const"], str):
            return spec["const"]
        enum = spec.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
            return enum[0]
    for part in target.get("allOf") or []:
        if isinstance(part, dict) and "$ref" not in part:
            found = discriminator_value(part, prop, ctx, at)
            if found:
                return found
    return None


def discriminator_values(target: object, prop: str) -> list[str] | None:
    """The values a branch itself declares for its discriminator property (``const`` or
    ``enum``, in it or in its inline ``allOf`` parts); None when it declares none."""
    if not isinstance(target, dict):
        return None
    props = target.get("properties")
    if isinstance(props, dict) and isinstance(props.get(prop), dict):
        spec = props[prop]
        if "const" in spec:
            return [spec["const"]]
        if isinstance(spec.get("enum"), list):
            return list(spec["enum"])
    for part in target.get("allOf") or []:
        if isinstance(part, dict) and "$ref" not in part:
            found = discriminator_values(part, prop)
            if found is not None:
                return found
    return None


_KEYWORD_OF_FACET = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "min_items": "minItems",
    "max_items": "maxItems",
    "min_value": "minimum",
    "max_value": "maximum",
    "min_value_exclusive": "exclusiveMinimum",
    "max_value_exclusive": "exclusiveMaximum",
}


def _facets(schema: dict, kind: ir.TypeExpr) -> ir.Facets:
    """Constraints of ``schema``; a format already expressed by the scalar is not repeated."""
    values: dict[str, object] = {}
    for key, attr in (
        ("minLength", "min_length"),
        ("maxLength", "max_length"),
        ("minItems", "min_items"),
        ("maxItems", "max_items"),
    ):
        if isinstance(schema.get(key), int) and not isinstance(schema.get(key), bool):
            values[attr] = schema[key]
    if isinstance(schema.get("pattern"), str):
        values["pattern"] = schema["pattern"]
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    low_ex, high_ex = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if _number(minimum):
        values["min_value_exclusive" if low_ex is True else "min_value"] = minimum
    if _number(maximum):
        values["max_value_exclusive" if high_ex is True else "max_value"] = maximum
    # The 3.1 numeric forms; beside an inclusive bound only the stricter of the two is kept
    # (TypeSpec refuses both on one declaration).
    if _number(low_ex) and not (_number(minimum) and minimum > low_ex):
        values.pop("min_value", None)
        values["min_value_exclusive"] = low_ex
    if _number(high_ex) and not (_number(maximum) and maximum < high_ex):
        values.pop("max_value", None)
        values["max_value_exclusive"] = high_ex
    fmt = schema.get("format")
    base = kind.options[0] if isinstance(kind, ir.UnionOf) and kind.options else kind
    if isinstance(fmt, str) and not _format_is_expressed(fmt, base):
        values["format"] = fmt
    if fmt == "unixtime" and base == ir.Intrinsic("utcDateTime"):
        values.pop("format", None)
        values["encoding"] = ir.Encoding("unixTimestamp", "int64")
    return ir.Facets(**values) if values else ir.NO_FACETS


def _format_is_expressed(fmt: str, kind: ir.TypeExpr) -> bool:
    if not isinstance(kind, ir.Intrinsic):
        return False
    name = kind.name
    return (
        STRING_FORMATS.get(fmt) == name
        or INTEGER_FORMATS.get(fmt) == name
        or NUMBER_FORMATS.get(fmt) == name
        or (fmt == "unixtime" and name == "utcDateTime")
    )


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _contains(options: list[ir.TypeExpr], kind: ir.TypeExpr) -> bool:
    """``kind in options``, telling booleans from numbers (``Literal(True) == Literal(1)``)."""
    text = repr(kind)
    return any(repr(option) == text for option in options)


def _literal_kind(literal: ir.TypeExpr) -> type:
    value = literal.value if isinstance(literal, ir.Literal) else None
    return bool if isinstance(value, bool) else float if isinstance(value, (int, float)) else str
