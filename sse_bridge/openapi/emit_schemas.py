"""IR types and declarations → OpenAPI 3.2 Schema Objects (README "Event streams", "The rest of the document").

Follows the official ``@typespec/openapi3`` mapping (scalars to type/format, unions to
``anyOf`` with literals grouped into ``enum``, ``Record<T>`` to ``unevaluatedProperties``,
constraints beside the schema, a ``$ref`` too), except where the README lists an
intended difference. ``@events`` unions become the event object of the README's "Event streams": one ``oneOf``
branch per variant, each accepting exactly its own events.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import ir
from ..conventions import all_properties
from ..diagnostics import DiagnosticBag
from ..irwalk import references
from ..names import pascal_case

TERMINAL_EXTENSION = "x-ms-sse-terminal-event"

SCALARS: dict[str, dict] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "int8": {"type": "integer", "format": "int8"},
    "int16": {"type": "integer", "format": "int16"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "uint8": {"type": "integer", "format": "uint8"},
    "uint16": {"type": "integer", "format": "uint16"},
    "uint32": {"type": "integer", "format": "uint32"},
    "uint64": {"type": "integer", "format": "uint64"},
    "safeint": {"type": "integer", "format": "int64"},
    "integer": {"type": "integer"},
    "float": {"type": "number"},
    "float32": {"type": "number", "format": "float"},
    "float64": {"type": "number", "format": "double"},
    "numeric": {"type": "number"},
    "decimal": {"type": "number", "format": "decimal"},
    "decimal128": {"type": "number", "format": "decimal128"},
    "plainDate": {"type": "string", "format": "date"},
    "plainTime": {"type": "string", "format": "time"},
    "utcDateTime": {"type": "string", "format": "date-time"},
    "offsetDateTime": {"type": "string", "format": "date-time"},
    "duration": {"type": "string", "format": "duration"},
    "url": {"type": "string", "format": "uri"},
    "unixTimestamp32": {"type": "integer", "format": "unixtime"},
    "unknown": {},
    "null": {"type": "null"},
    "void": {},
    "never": {"not": {}},
}
_INVALID_COMPONENT_CHARS = re.compile(r"[^a-zA-Z0-9.\-_]")
_NEVER = ir.Intrinsic("never")
_EMPTY: dict = {}


def component_name(declaration: ir.Declaration, service_namespace: tuple[str, ...]) -> str:
    """The key under ``components/schemas``: the name relative to the service namespace,
    with characters OpenAPI does not allow in component keys replaced by ``_``."""
    namespace = declaration.namespace
    if namespace[: len(service_namespace)] == service_namespace:
        namespace = namespace[len(service_namespace) :]
    name = ".".join((*namespace, declaration.name))
    return _INVALID_COMPONENT_CHARS.sub("_", name)


def is_textual(kind: ir.TypeExpr | None, declarations: dict) -> bool:
    """String data: ``string``, a string literal, or a scalar deriving from ``string``."""
    seen = 0
    while isinstance(kind, ir.Ref) and seen < 16:
        declaration = declarations.get(kind.target)
        if not isinstance(declaration, ir.Scalar):
            return False
        kind, seen = declaration.base, seen + 1
    return kind == ir.Intrinsic("string") or (isinstance(kind, ir.Literal) and isinstance(kind.value, str))


def is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


class SchemaWriter:
    def __init__(self, document: ir.Document, diagnostics: DiagnosticBag, version: str = "3.2.0") -> None:
        self.document = document
        self.version = version
        self.diagnostics = diagnostics
        self.declarations = document.declaration_map()
        self.namespace = document.service.namespace
        self.names = {name: component_name(d, self.namespace) for name, d in self.declarations.items()}
        self.synthesized: dict[str, dict] = {}  # components made while writing others
        self.payload_names: set[str] = set()
        self.derived: dict[str, list[ir.Model]] = {}
        for declaration in document.declarations:
            if isinstance(declaration, ir.Model) and declaration.base is not None:
                self.derived.setdefault(declaration.base.target, []).append(declaration)

    # --- references and inline types ------------------------------------------------------------

    def ref(self, target: str) -> dict:
        return {"$ref": f"#/components/schemas/{self.names.get(target, target)}"}

    def schema(self, kind: ir.TypeExpr | None) -> dict:
        cls = kind.__class__  # the commonest kinds first, by exact class (the IR has no subclasses)
        if cls is ir.Ref:
            return self.ref(kind.target)
        if cls is ir.Intrinsic:
            return dict(SCALARS.get(kind.name, _EMPTY))
        if kind is None:
            return {}
        if isinstance(kind, ir.Literal):
            return _literal_group([kind.value])
        if isinstance(kind, ir.EnumMemberType):
            enum = self.declarations.get(kind.enum)
            member = next((m for m in enum.members if m.name == kind.member), None) if enum else None
            return _literal_group([member.value if member else kind.member])
        if isinstance(kind, ir.ArrayOf):
            return {"type": "array", "items": self.schema(kind.item)}
        if isinstance(kind, ir.TupleOf):
            return {"type": "array", "prefixItems": [self.schema(item) for item in kind.items]}
        if isinstance(kind, ir.RecordOf):
            return {"type": "object", "unevaluatedProperties": self.schema(kind.value)}
        if isinstance(kind, ir.UnionOf):
            return self.union_schema([(None, option, ir.NO_METADATA) for option in kind.options], kind.one_of)
        if isinstance(kind, ir.ObjectType):
            schema: dict = {"type": "object"}
            properties, required = self.properties(kind.properties)
            if properties:
                schema["properties"] = properties
            if required:
                schema["required"] = required
            if kind.additional is not None:
                schema["unevaluatedProperties"] = self.schema(kind.additional)
            schema.update(self.meta_keywords(kind.meta))
            return schema
        if isinstance(kind, ir.StreamOf):
            return {"type": "string"}
        raise TypeError(f"no schema for {kind!r}")

    def union_schema(self, options: list[tuple[str | None, ir.TypeExpr, ir.Metadata]], one_of: bool) -> dict:
        """Literals grouped by kind into one ``enum`` each (at the first one's place); ``null``
        is a ``{type: 'null'}`` member; one member stands alone. A documented variant keeps
        its own member with its description (the official emitter drops variant docs)."""
        members: list[dict | None] = []
        groups: dict[str, list] = {}
        group_index: dict[str, int] = {}
        for _, option, meta in options:
            value = _literal_value(option, self.declarations)
            if meta != ir.NO_METADATA:
                members.append(self.annotated(self.schema(option), option, ir.NO_FACETS, meta))
                continue
            if value is not _NOT_LITERAL:
                kind = _literal_kind(value)
                if kind not in groups:
                    groups[kind] = []
                    group_index[kind] = len(members)
                    members.append(None)
                if value not in groups[kind]:
                    groups[kind].append(value)
                continue
            members.append(self.schema(option))
        for kind, values in groups.items():
            members[group_index[kind]] = _literal_group(values)
        result = [m for m in members if m is not None]
        if len(result) == 1:
            return result[0]
        return {"oneOf" if one_of else "anyOf": result}

    # --- properties ---------------------------------------------------------------------------------

    def properties(self, properties: tuple[ir.Property, ...]) -> tuple[dict, list[str]]:
        schemas: dict = {}
        required: list[str] = []
        for prop in properties:
            if prop.type == _NEVER:
                continue
            schemas[prop.name] = self.property_schema(prop)
            if not prop.optional:
                required.append(prop.name)
        return schemas, required

    def property_schema(self, prop: ir.Property) -> dict:
        schema = self.annotated(self.schema(prop.type), prop.type, prop.facets, prop.meta)
        if prop.has_default:
            schema["default"] = self.value(prop.default)
        if prop.read_only:
            schema["readOnly"] = True
        if prop.write_only:
            schema["writeOnly"] = True
        return schema

    def annotated(self, schema: dict, kind: ir.TypeExpr | None, facets: ir.Facets, meta: ir.Metadata) -> dict:
        """Constraints and annotations beside the type's schema, also beside a ``$ref`` (OpenAPI
        3.1 and 3.2 schemas allow siblings there; the official emitter writes them so since
        openapi3 1.16). An encoding of a nullable type applies to its non-null member."""
        if facets.encoding is not None and isinstance(kind, ir.UnionOf):
            members = [o for o in kind.options if o != ir.Intrinsic("null")]
            if len(members) == 1:
                inner = self.schema(members[0])
                inner.update(self.encoding_keywords(facets.encoding, members[0]))
                schema = {"anyOf": [inner, {"type": "null"}]}
                facets = replace(facets, encoding=None)
        if facets is ir.NO_FACETS and meta is ir.NO_METADATA:  # nothing to add (most properties)
            return schema
        extra = self.facet_keywords(facets, kind)
        extra.update(self.meta_keywords(meta))
        if not extra:
            return schema
        for key, value in extra.items():
            if key == "format" and "format" in schema and value is None:
                continue
            schema[key] = value
        return schema

    def facet_keywords(self, facets: ir.Facets, kind: ir.TypeExpr | None = None) -> dict:
        if facets is ir.NO_FACETS or facets.is_empty():
            return {}
        out: dict = {}
        for attr, key in (
            ("min_length", "minLength"),
            ("max_length", "maxLength"),
            ("min_value", "minimum"),
            ("max_value", "maximum"),
            ("pattern", "pattern"),
            ("min_items", "minItems"),
            ("max_items", "maxItems"),
        ):
            value = getattr(facets, attr)
            if value is not None:
                out[key] = value
        if facets.secret:
            out["format"] = "password"
        if facets.format is not None:
            out["format"] = facets.format
        if facets.min_value_exclusive is not None:
            out["exclusiveMinimum"] = facets.min_value_exclusive
        if facets.max_value_exclusive is not None:
            out["exclusiveMaximum"] = facets.max_value_exclusive
        if facets.encoding is not None:
            out.update(self.encoding_keywords(facets.encoding, kind))
        return out

    def encoding_keywords(self, encoding: ir.Encoding, kind: ir.TypeExpr | None) -> dict:
        """``@encode``: the type becomes the wire type's; ``format`` names the encoding (the
        official rules for date-times, durations and bytes)."""
        base = kind.name if isinstance(kind, ir.Intrinsic) else None
        name = encoding.name
        if base == "bytes":
            return {"contentEncoding": name} if name else {}
        wire = SCALARS.get(encoding.wire_type or "", {})
        out = {"type": wire.get("type", "string")}
        if base in ("utcDateTime", "offsetDateTime"):
            out["format"] = {"rfc3339": "date-time", "unixTimestamp": "unixtime", "rfc7231": "http-date"}.get(
                name, name
            )
        elif base == "duration":
            out["format"] = "duration" if name == "ISO8601" else wire.get("format", name)
        elif wire.get("format") or name:
            out["format"] = wire.get("format", name)
        return out

    def meta_keywords(self, meta: ir.Metadata) -> dict:
        if meta is ir.NO_METADATA:
            return {}
        out: dict = {}
        if meta.doc is not None:
            out["description"] = meta.doc
        if meta.summary is not None:
            out["title"] = meta.summary
        if meta.deprecated is not None:
            out["deprecated"] = True
        if meta.examples:
            out["examples"] = [self.value(example) for example in meta.examples]
        if meta.external_docs is not None:
            url, text = meta.external_docs
            out["externalDocs"] = {"url": url, **({"description": text} if text else {})}
        for extension in meta.extensions:
            out[extension.name] = extension.value
        return out

    def value(self, value: object) -> object:
        """An IR value as JSON: enum members by value, scalar constructors by argument."""
        if isinstance(value, ir.EnumValue):
            enum = self.declarations.get(value.enum)
            member = next((m for m in enum.members if m.name == value.member), None) if enum else None
            return member.value if member else value.member
        if isinstance(value, ir.ScalarValue):
            return self.value(value.arguments[0]) if value.arguments else None
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    # --- declarations -----------------------------------------------------------------------------------

    def components(self) -> dict:
        """Every declaration, except ``@data`` envelope models used only as events: they are
        the events' shape, already written in the event branches (intended difference:
        written as a component, such a model would read back as a plain model)."""
        schemas: dict = {}
        referenced = None  # found on first need: most documents have no such model
        for declaration in self.document.declarations:
            if isinstance(declaration, ir.Model) and any(p.event_data for p in declaration.properties):
                if referenced is None:
                    referenced = references(self.document, skip_event_variants=True)
                if declaration.qualified_name not in referenced:
                    continue
            name = self.names[declaration.qualified_name]
            if name in schemas:
                self.diagnostics.warning(
                    "duplicate-component",
                    f"two declarations are both named {name!r} in OpenAPI",
                    declaration.pos,
                )
            schemas[name] = self.declaration(declaration)
            schemas.update(self.synthesized)
            self.synthesized.clear()
        return schemas

    def declaration(self, declaration) -> dict:
        if isinstance(declaration, ir.Model):
            return self.model(declaration)
        if isinstance(declaration, ir.Union):
            return self.events(declaration) if declaration.events else self.union(declaration)
        if isinstance(declaration, ir.Enum):
            return self.enum(declaration)
        return self.scalar(declaration)

    def model(self, model: ir.Model) -> dict:
        if model.is_array is not None:
            schema = {"type": "array", "items": self.schema(model.is_array)}
            schema.update(self.facet_keywords(model.facets))
            schema.update(self.meta_keywords(model.meta))
            return schema
        schema: dict = {"type": "object"}
        properties, required = self.properties(model.properties)
        if (
            model.discriminator
            and model.discriminator not in properties
            and not self._inherits(model, model.discriminator)
        ):
            properties[model.discriminator] = {
                "type": "string",
                "description": f"Discriminator property for {model.name}.",
            }
            required.append(model.discriminator)
        if required:
            schema["required"] = required
        if properties:
            schema["properties"] = properties
        if model.additional is not None:
            schema["unevaluatedProperties"] = self.schema(model.additional)
        if model.discriminator:
            schema["discriminator"] = {"propertyName": model.discriminator}
            if self.derived.get(model.qualified_name):
                schema["discriminator"]["mapping"] = self._mapping(model)
        if model.base is not None:
            schema["allOf"] = [self.ref(model.base.target)]
        schema.update(self.facet_keywords(model.facets))
        schema.update(self.meta_keywords(model.meta))
        return schema

    def _inherits(self, model: ir.Model, name: str) -> bool:
        base = self.declarations.get(model.base.target) if model.base else None
        return isinstance(base, ir.Model) and any(
            p.name == name for p in all_properties(base, self.declarations)
        )

    def _mapping(self, model: ir.Model) -> dict:
        """Each derived model's discriminator values: one literal, or a union of them (a
        model named by several values, as the official emitter writes them)."""
        mapping = {}
        for child in self.derived.get(model.qualified_name, []):
            prop = next((p for p in child.properties if p.name == model.discriminator), None)
            options = (
                ()
                if prop is None
                else prop.type.options
                if isinstance(prop.type, ir.UnionOf)
                else (prop.type,)
            )
            for option in options:
                value = _literal_value(option, self.declarations)
                if value is not _NOT_LITERAL:
                    mapping[str(value)] = self.ref(child.qualified_name)["$ref"]
        return mapping

    def union(self, union: ir.Union) -> dict:
        if union.discriminator:
            schema: dict = {
                "type": "object",
                "oneOf": [],
                "discriminator": {"propertyName": union.discriminator},
            }
            mapping = {}
            default = None
            for variant in union.variants:
                if union.discriminator_envelope is not None and variant.name is not None:
                    reference = self.envelope(union, variant)
                else:
                    reference = self.schema(variant.type)
                # A documented variant's description and title sit beside its $ref (as in
                # plain unions; the official emitter drops variant docs).
                reference = self.annotated(reference, variant.type, ir.NO_FACETS, variant.meta)
                schema["oneOf"].append(reference)
                if variant.name is None:
                    default = reference.get("$ref")
                elif "$ref" in reference:
                    mapping[variant.name] = reference["$ref"]
            schema["discriminator"]["mapping"] = mapping
            if default and self.version >= "3.2":  # defaultMapping is new in 3.2
                schema["discriminator"]["defaultMapping"] = default
        else:
            schema = self.union_schema([(v.name, v.type, v.meta) for v in union.variants], union.one_of)
            single = len(union.variants) == 1 or not ({"anyOf", "oneOf"} & set(schema))
            literals = all(
                _literal_value(v.type, self.declarations) is not _NOT_LITERAL for v in union.variants
            )
            if single and not literals and union.variants:
                # One member: kept in its anyOf/oneOf, so that the union reads back as a union
                # (the official emitter writes the bare reference).
                schema = {"oneOf" if union.one_of else "anyOf": [schema]}
        schema.update(self.facet_keywords(union.facets))
        schema.update(self.meta_keywords(union.meta))
        return schema

    def envelope(self, union: ir.Union, variant: ir.Variant) -> dict:
        """``@discriminated`` with an object envelope: the official emitter's synthesized
        ``<Union><Variant>`` component ``{<discriminator>: name, <envelope>: value}``."""
        name = f"{self.names[union.qualified_name]}{variant.name[:1].upper()}{variant.name[1:]}"
        self.synthesized[name] = {
            "type": "object",
            "required": [union.discriminator, union.discriminator_envelope],
            "properties": {
                union.discriminator: {"type": "string", "enum": [variant.name]},
                union.discriminator_envelope: self.schema(variant.type),
            },
        }
        return {"$ref": f"#/components/schemas/{name}"}

    def enum(self, enum: ir.Enum) -> dict:
        values = list(dict.fromkeys(m.value for m in enum.members))
        kinds = []
        for value in values:
            kind = (
                "string"
                if isinstance(value, str)
                else (
                    "integer"
                    if isinstance(value, int)
                    and all(isinstance(v, int) for v in values if not isinstance(v, str))
                    else "number"
                )
            )
            if kind not in kinds:
                kinds.append(kind)
        schema: dict = {"type": kinds[0] if len(kinds) == 1 else kinds, "enum": values} if values else {}
        schema.update(self.meta_keywords(enum.meta))
        return schema

    def scalar(self, scalar: ir.Scalar) -> dict:
        base = scalar.base
        facets = scalar.facets
        meta_chain = []
        seen = 0
        while isinstance(base, ir.Ref) and seen < 16:
            parent = self.declarations.get(base.target)
            if not isinstance(parent, ir.Scalar):
                break
            facets = _merge_facets(facets, parent.facets)
            meta_chain.append(parent.meta)
            base, seen = parent.base, seen + 1
        schema = dict(SCALARS.get(base.name, {})) if isinstance(base, ir.Intrinsic) else self.schema(base)
        schema.update(self.facet_keywords(facets, base))
        inherited_doc = next((m.doc for m in meta_chain if m.doc), None)
        meta = scalar.meta
        if meta.doc is None and inherited_doc is not None:
            meta = ir.Metadata(
                doc=inherited_doc,
                summary=meta.summary,
                deprecated=meta.deprecated,
                extensions=meta.extensions,
                examples=meta.examples,
                external_docs=meta.external_docs,
            )
        schema.update(self.meta_keywords(meta))
        return schema

    # --- event streams (README "Event streams") ------------------------------------------------------------

    def events(self, union: ir.Union) -> dict:
        """The event object of an ``@events`` union: ``event`` and ``data`` string properties
        and one ``oneOf`` branch per variant. A named variant requires its ``event`` const;
        an unnamed one refuses every named event, so that each event matches exactly one
        branch (``required: [event]`` stays off the top level when unnamed variants exist,
        unlike the official emitter, whose schema then rejects its own unnamed events)."""
        named = [v.name for v in union.variants if v.name is not None]
        branches = [self.event_branch(union, variant, named) for variant in union.variants]
        _exclude_from_free_text(branches, [v.name is None for v in union.variants])
        schema: dict = {
            "type": "object",
            "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
        }
        if len(named) == len(union.variants) and named:
            schema["required"] = ["event"]
        if branches:
            schema["oneOf"] = branches
        schema.update(self.facet_keywords(union.facets))
        schema.update(self.meta_keywords(union.meta))
        return schema

    def event_branch(self, union: ir.Union, variant: ir.Variant, named: list[str]) -> dict:
        properties: dict = {}
        payload, content_type = variant.type, variant.content_type
        envelope = self._envelope(payload)
        if variant.name is not None:
            properties["event"] = {"const": variant.name}
        if envelope is not None:
            data_property = next(p for p in envelope.properties if p.event_data)
            payload = data_property.type
            content_type = data_property.event_content_type or content_type
            for prop in envelope.properties:
                if prop.event_data:
                    continue
                if prop.name in ("id", "retry"):
                    properties[prop.name] = self.property_schema(prop)
                else:
                    self.diagnostics.warning(
                        "envelope-field-dropped",
                        f"the SSE envelope {envelope.name!r} has a property {prop.name!r}; an event carries only "
                        "id, event, data and retry, so it is dropped",
                        prop.pos,
                    )
        if isinstance(payload, ir.ObjectType) and payload.properties:
            payload = self.named_payload(union, variant, payload)
        properties["data"] = self.event_data(payload, content_type)
        branch: dict = {"properties": properties}
        required = []
        if variant.name is not None:
            required.append("event")
        if envelope is not None:
            required.extend(
                p.name for p in envelope.properties if p.name in ("id", "retry") and not p.optional
            )
        if required:
            branch["required"] = required
        if variant.name is None and named:
            branch["not"] = {"required": ["event"], "properties": {"event": {"enum": named}}}
        meta = self.meta_keywords(variant.meta)
        if variant.terminal:
            meta[TERMINAL_EXTENSION] = True
        branch.update(meta)
        return branch

    def named_payload(self, union: ir.Union, variant: ir.Variant, payload: ir.ObjectType) -> ir.Ref:
        """An anonymous JSON payload becomes a component named after its event, the way an
        inline ``contentSchema`` is imported (the `seed002-scenario2` fixture), so that it reads back the same."""
        base = _pascal(variant.name) if variant.name else f"{self.names[union.qualified_name]}Message"
        name, counter = base, 1
        while name in self.names.values() or name in self.synthesized or name in self.payload_names:
            counter += 1
            name = f"{base}{counter}"
        self.payload_names.add(name)
        schema = self.schema(payload)
        ordered = {"type": "object"}  # a model's key order, as the component reads back as one
        for key in ("required", "properties"):
            if key in schema:
                ordered[key] = schema[key]
        ordered.update({k: v for k, v in schema.items() if k not in ordered})
        self.synthesized[name] = ordered
        key = f"<payload>{name}"
        self.names[key] = name
        return ir.Ref(key)

    def event_data(self, payload: ir.TypeExpr, content_type: str | None) -> dict:
        """The ``data`` field: JSON payloads as ``contentMediaType`` + ``contentSchema``, text
        literals as ``const``, plain strings as ``type: string`` (README "Event streams")."""
        if content_type is None and is_textual(payload, self.declarations):
            if isinstance(payload, ir.Literal):
                return {"type": "string", "const": payload.value}
            return self.schema(payload)
        media = content_type or "application/json"
        if is_json(media):
            return {"contentMediaType": media, "contentSchema": self.schema(payload)}
        data: dict = {"contentMediaType": media}
        if isinstance(payload, ir.Literal) and isinstance(payload.value, str):
            data["const"] = payload.value
        else:
            data.update(
                self.schema(payload) if is_textual(payload, self.declarations) else {"type": "string"}
            )
        return data

    def _envelope(self, payload: ir.TypeExpr) -> ir.Model | None:
        """A model with a ``@data`` property (README "Event streams")."""
        if isinstance(payload, ir.Ref):
            model = self.declarations.get(payload.target)
            if isinstance(model, ir.Model) and any(p.event_data for p in model.properties):
                return model
        return None


_NOT_LITERAL = object()


def _exclude_from_free_text(branches: list[dict], unnamed: list[bool]) -> None:
    """An unnamed variant whose data is free text (``string``) would also take the data of
    the other unnamed variants (a JSON payload, a ``"[DONE]"`` constant): its branch refuses
    their data too, so that each event still matches exactly one branch."""

    def data_of(branch: dict) -> dict:
        data = (branch.get("properties") or {}).get("data")
        return data if isinstance(data, dict) else {}

    def free(data: dict) -> bool:
        return not any(key in data for key in ("const", "enum", "contentSchema", "$ref"))

    constrained = [
        data_of(branch)
        for branch, is_unnamed in zip(branches, unnamed, strict=True)
        if is_unnamed and not free(data_of(branch))
    ]
    if not constrained:
        return
    for branch, is_unnamed in zip(branches, unnamed, strict=True):
        if not is_unnamed or not free(data_of(branch)):
            continue
        refused = [{"required": ["data"], "properties": {"data": data}} for data in constrained]
        if "not" in branch:
            refused.insert(0, branch["not"])
        branch["not"] = refused[0] if len(refused) == 1 else {"anyOf": refused}


def _literal_value(kind: ir.TypeExpr | None, declarations: dict) -> object:
    if isinstance(kind, ir.Literal):
        return kind.value
    if isinstance(kind, ir.EnumMemberType):
        enum = declarations.get(kind.enum)
        member = next((m for m in enum.members if m.name == kind.member), None) if enum else None
        return member.value if member else kind.member
    return _NOT_LITERAL


def _literal_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def _literal_group(values: list) -> dict:
    kind = _literal_kind(values[0])
    if kind == "number" and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        kind = "integer"
    return {"type": kind, "enum": list(values)}


def _pascal(text: str) -> str:

    return pascal_case(text)


def _merge_facets(own: ir.Facets, inherited: ir.Facets) -> ir.Facets:
    if inherited.is_empty():
        return own
    values = {
        name: getattr(own, name) if getattr(own, name) not in (None, False) else getattr(inherited, name)
        for name in ir.Facets.__dataclass_fields__
    }
    return ir.Facets(**values)
