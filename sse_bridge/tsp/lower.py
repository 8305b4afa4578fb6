"""The checked type graph → the shared IR: declarations and type expressions (README
"The rest of the document").

Which declarations become components follows the official emitter: every model, union, enum
and scalar declared in the service namespace and below (templates excepted), and any other
declaration they reference. Template instances are written inline, unless named with
``@friendlyName``. HTTP metadata properties (``@header``, ``@statusCode`` ...) are not part of
a model's schema.
"""

from __future__ import annotations

from .. import ir
from ..diagnostics import DiagnosticBag, Location
from ..names import STANDARD_SCALARS
from . import types as t
from .check import Program

DOC = "TypeSpec.doc"
# the decorators that set a facet (a value each), in the order of ir.Facets
_FACET_DECORATORS = {
    "TypeSpec.minLength": "min_length",
    "TypeSpec.maxLength": "max_length",
    "TypeSpec.minItems": "min_items",
    "TypeSpec.maxItems": "max_items",
    "TypeSpec.minValue": "min_value",
    "TypeSpec.maxValue": "max_value",
    "TypeSpec.minValueExclusive": "min_value_exclusive",
    "TypeSpec.maxValueExclusive": "max_value_exclusive",
    "TypeSpec.pattern": "pattern",
    "TypeSpec.format": "format",
}
METADATA = frozenset(
    {
        "TypeSpec.Http.header",
        "TypeSpec.Http.query",
        "TypeSpec.Http.path",
        "TypeSpec.Http.cookie",
        "TypeSpec.Http.statusCode",
    }
)
STD_SCALARS = STANDARD_SCALARS | {"unixTimestamp32"}


class Lowering:
    def __init__(self, program: Program, service: t.Namespace, diagnostics: DiagnosticBag) -> None:
        self.program = program
        self.service = service
        self.diagnostics = diagnostics
        self.declared: dict[int, str] = {}  # id(type) → qualified IR name
        self.order: list[t.Type] = []
        self.done: dict[int, ir.Declaration] = {}
        self._inline_stack: set[int] = set()
        self.auth_schemes: dict[str, ir.SecurityScheme] = {}
        self._scalar_view: tuple[int, dict] | None = None  # see http.lowering_declarations

    # --- which declarations --------------------------------------------------------------------

    def collect(self) -> None:
        """Declarations of the service namespace and its sub-namespaces, in source order."""
        for symbol in self.program.symbols:
            if symbol.kind not in ("model", "union", "enum", "scalar") or symbol.template_parameters:
                continue
            if not _within(symbol.namespace, self.service):
                continue
            kind = symbol.type
            if isinstance(kind, t.Model) and (kind.has("TypeSpec.Http.auth") or _is_metadata_only(kind)):
                continue
            self.declare(kind)

    def declare(self, kind: t.Type) -> str:
        key = id(kind)
        if key not in self.declared:
            namespace = getattr(kind, "namespace", None)
            path = namespace.path if namespace is not None else self.service.path
            name = _declaration_name(kind)
            self.declared[key] = ".".join((*path, name))
            self.order.append(kind)
        return self.declared[key]

    def declared_name(self, kind) -> str:
        """The name of a declaration relative to the service namespace (``Sub.Name``)."""
        namespace = getattr(kind, "namespace", None)
        path = namespace.path if namespace is not None else ()
        service = self.service.path
        if path[: len(service)] == service:
            path = path[len(service) :]
        return ".".join((*path, _declaration_name(kind)))

    def declarations(self) -> tuple:
        index = 0
        while index < len(self.order):  # lowering may declare more (referenced types)
            kind = self.order[index]
            if id(kind) not in self.done:
                self.done[id(kind)] = self.declaration(kind)
            index += 1
        return tuple(self.done[id(k)] for k in self.order)

    def namespace_of(self, kind) -> tuple[str, ...]:
        namespace = getattr(kind, "namespace", None)
        return namespace.path if namespace is not None else self.service.path

    def declaration(self, kind):
        name = _declaration_name(kind)
        ns = self.namespace_of(kind)
        pos = self.pos(kind)
        if isinstance(kind, t.Model):
            return self.model(kind, name, ns, pos)
        if isinstance(kind, t.Union):
            return self.union(kind, name, ns, pos)
        if isinstance(kind, t.Enum):
            members = tuple(
                ir.EnumMember(m.name, m.value, meta=self.meta(m), pos=self.pos(m))
                for m in kind.members.values()
            )
            return ir.Enum(name, ns, members=members, meta=self.meta(kind), pos=pos)
        base = self.type(kind.base) if kind.base is not None else ir.Intrinsic("unknown")
        return ir.Scalar(name, ns, base=base, facets=self.facets(kind), meta=self.meta(kind), pos=pos)

    def model(self, model: t.Model, name: str, ns, pos) -> ir.Model:
        is_array = self.type(model.indexer[1]) if model.is_array else None
        additional = self.type(model.indexer[1]) if model.is_record else None
        base = None
        if model.base is not None:
            if model.base.is_record and not model.base.properties:
                additional = self.type(model.base.indexer[1])
            else:
                lowered = self.type(model.base)
                base = lowered if isinstance(lowered, ir.Ref) else None
        return ir.Model(
            name,
            ns,
            properties=tuple(self.property(p) for p in self.own_properties(model)),
            base=base,
            additional=additional,
            is_array=is_array,
            discriminator=model.first_arg("TypeSpec.discriminator"),
            is_error=model.has("TypeSpec.error"),
            facets=self.facets(model),
            meta=self.meta(model),
            pos=pos,
        )

    def own_properties(self, model: t.Model) -> list[t.Property]:
        return [p for p in model.properties.values() if not is_metadata(p) and not _is_never(p.type)]

    def union(self, union: t.Union, name: str, ns, pos) -> ir.Union:
        variants = []
        for variant in union.variants:
            content_type = variant.first_arg("TypeSpec.Events.contentType")
            variants.append(
                ir.Variant(
                    variant.name if isinstance(variant.name, str) else None,
                    self.type(variant.type),
                    content_type=content_type,
                    terminal=variant.has("TypeSpec.SSE.terminalEvent"),
                    meta=self.meta(variant),
                    pos=self.pos(variant),
                )
            )
        options = union.first_arg("TypeSpec.discriminated")
        discriminator = envelope = None
        if union.has("TypeSpec.discriminated"):
            options = options if isinstance(options, dict) else {}
            discriminator = options.get("discriminatorPropertyName", "kind")
            if options.get("envelope", "object") != "none":
                envelope = options.get("envelopePropertyName", "value")
        return ir.Union(
            name,
            ns,
            variants=tuple(variants),
            events=union.has("TypeSpec.Events.events"),
            one_of=union.has("TypeSpec.OpenAPI.oneOf"),
            discriminator=discriminator,
            discriminator_envelope=envelope,
            facets=self.facets(union),
            meta=self.meta(union),
            pos=pos,
        )

    # --- members ------------------------------------------------------------------------------------

    def property(self, prop: t.Property) -> ir.Property:
        visibilities = set()
        for applied in prop.decorated("TypeSpec.visibility"):
            visibilities.update(_member_name(a) for a in applied.args)
        read_only = bool(visibilities) and visibilities <= {"Read"}
        write_only = bool(visibilities) and "Read" not in visibilities
        kind = self.type(prop.type)
        one_of = prop.has("TypeSpec.OpenAPI.oneOf")
        if one_of and isinstance(kind, ir.UnionOf):
            kind = ir.UnionOf(kind.options, one_of=True)
        return ir.Property(
            name=self.encoded_name(prop),
            type=kind,
            optional=prop.optional,
            default=self.value(prop.default) if prop.has_default else None,
            has_default=prop.has_default,
            facets=self.facets(prop),
            meta=self.meta(prop),
            read_only=read_only,
            write_only=write_only,
            event_data=prop.has("TypeSpec.Events.data"),
            event_content_type=prop.first_arg("TypeSpec.Events.contentType"),
            pos=self.pos(prop),
        )

    def encoded_name(self, prop: t.Property) -> str:
        for applied in prop.decorated("TypeSpec.encodedName"):
            if len(applied.args) == 2 and applied.args[0] == "application/json":
                return str(applied.args[1])
        return prop.name

    # --- facts from decorators ------------------------------------------------------------------------

    def facets(self, kind: t.Type) -> ir.Facets:
        if not kind.decorators:
            return ir.NO_FACETS
        last: dict[str, t.Applied] = {}  # facet -> the last decorator that sets it (it wins)
        secret = False
        encodings = []
        for applied in kind.decorators:  # one pass: types carry several unrelated decorators
            attr = _FACET_DECORATORS.get(applied.name)
            if attr is not None:
                last[attr] = applied
            elif applied.name == "TypeSpec.secret":
                secret = True
            elif applied.name == "TypeSpec.encode":
                encodings.append(applied)
        values: dict = {}
        for attr, applied in last.items():
            value = applied.args[0] if applied.args else None
            if isinstance(value, t.Literal):
                value = value.value
            if value is not None and not isinstance(value, (t.Type, t.TypeValue)):
                values[attr] = value
        if secret:
            values["secret"] = True
        for applied in encodings:
            values["encoding"] = self.encoding(applied.args)
        return ir.Facets(**values) if values else ir.NO_FACETS

    def encoding(self, args: list) -> ir.Encoding:
        name: str | None = None
        wire: str | None = None
        first = args[0] if args else None
        if isinstance(first, str):
            name = first
        elif isinstance(first, t.EnumValue):
            name = str(first.member.value)
        elif isinstance(first, t.Scalar):
            wire = first.name
        if len(args) > 1 and isinstance(args[1], t.Scalar):
            wire = args[1].name
        return ir.Encoding(name, wire)

    def meta(self, kind: t.Type) -> ir.Metadata:
        if not kind.decorators and kind.doc is None and kind.deprecated is None:
            return ir.NO_METADATA
        doc_applied = summary_applied = None  # the last ones win
        extensions = []
        examples = []
        external = None
        for applied in kind.decorators:  # one pass: types carry several unrelated decorators
            name = applied.name
            if name == DOC:
                doc_applied = applied
            elif name == "TypeSpec.summary":
                summary_applied = applied
            elif name == "TypeSpec.OpenAPI.extension":
                if len(applied.args) == 2 and isinstance(applied.args[0], str):
                    extensions.append(ir.Extension(applied.args[0], self.json(applied.args[1])))
            elif name == "TypeSpec.example":
                if applied.args:
                    examples.append(self.json(applied.args[0]))
            elif (
                name == "TypeSpec.OpenAPI.externalDocs" and applied.args and isinstance(applied.args[0], str)
            ):
                text = applied.args[1] if len(applied.args) > 1 and isinstance(applied.args[1], str) else None
                external = (applied.args[0], text)
        doc = doc_applied.args[0] if doc_applied is not None and doc_applied.args else None
        if doc is None:
            doc = kind.doc
        summary = summary_applied.args[0] if summary_applied is not None and summary_applied.args else None
        doc = doc if isinstance(doc, str) else None
        summary = summary if isinstance(summary, str) else None
        empty = not extensions and not examples and external is None
        if empty and doc is None and summary is None and kind.deprecated is None:
            return ir.NO_METADATA  # equal to what would be built: shared
        return ir.Metadata(
            doc=doc,
            summary=summary,
            deprecated=kind.deprecated,
            extensions=tuple(extensions),
            examples=tuple(examples),
            external_docs=external,
        )

    # --- types and values ---------------------------------------------------------------------------

    def type(self, kind: t.Type | None) -> ir.TypeExpr:
        cls = kind.__class__  # the commonest kinds first, by exact class (types.py has no subclasses)
        if cls is t.Scalar:
            if kind.std:
                return _intrinsic(kind.name)
            return ir.Ref(self.declare(kind))
        if cls is t.Model:
            return self.model_type(kind)
        if kind is None:
            return _intrinsic("unknown")
        if isinstance(kind, (str, int, float, bool)):  # a template argument bound to a value
            return ir.Literal(kind)
        if isinstance(kind, t.TypeValue):
            return self.type(kind.type)
        if isinstance(kind, t.Intrinsic):
            return _intrinsic("unknown" if kind.name == "ErrorType" else kind.name)
        if isinstance(kind, t.Literal):
            return ir.Literal(kind.value)
        if isinstance(kind, t.Enum):
            return ir.Ref(self.declare(kind))
        if isinstance(kind, t.EnumMember):
            return ir.EnumMemberType(self.declare(kind.enum), kind.name)
        if isinstance(kind, t.Tuple):
            return ir.TupleOf(tuple(self.type(item) for item in kind.items))
        if isinstance(kind, t.Union):
            if kind.name is not None:
                return ir.Ref(self.declare(kind))
            return ir.UnionOf(tuple(self.type(v.type) for v in kind.variants))
        return _intrinsic("unknown")

    def model_type(self, model: t.Model) -> ir.TypeExpr:
        if model.has("TypeSpec.Http.httpPart"):  # a multipart part: the part's own type
            return self.type(model.first_arg("TypeSpec.Http.httpPart"))
        if model.template_name in ("Array", "Record") and model.indexer is not None and not model.properties:
            item = self.type(model.indexer[1])
            return ir.ArrayOf(item) if model.is_array else ir.RecordOf(item)
        stream = stream_of(model)
        if stream is not None:
            return stream_type(self, model, stream)
        named = model.name is not None and not model.template_args
        if named or model.has("TypeSpec.friendlyName"):
            return ir.Ref(self.declare(model))
        return self.inline_model(model)

    def inline_model(self, model: t.Model) -> ir.TypeExpr:
        key = id(model)
        if key in self._inline_stack:
            self.diagnostics.warning(
                "recursive-inline-model",
                "an anonymous model refers to itself; the inner reference is typed unknown",
                self.pos(model),
            )
            return ir.Intrinsic("unknown")
        self._inline_stack.add(key)
        try:
            properties = tuple(
                self.property(p) for p in _all(model) if not is_metadata(p) and not _is_never(p.type)
            )
            additional = self.type(model.indexer[1]) if model.is_record else None
            meta = self.meta(model) if model.template_args else ir.NO_METADATA
            return ir.ObjectType(properties, additional, meta)
        finally:
            self._inline_stack.discard(key)

    def value(self, value) -> object:
        if isinstance(value, t.EnumValue):
            return ir.EnumValue(self.declare(value.member.enum), value.member.name)
        if isinstance(value, t.ScalarValue):
            name = value.scalar.name if value.scalar.std else self.declare(value.scalar)
            return ir.ScalarValue(name, value.constructor, tuple(self.value(a) for a in value.args))
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, t.TypeValue):
            return None
        return value

    def json(self, value) -> object:
        """A value where OpenAPI wants plain JSON (extensions, examples)."""
        if isinstance(value, t.EnumValue):
            return value.member.value
        if isinstance(value, t.ScalarValue):
            return self.json(value.args[0]) if value.args else None
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        if isinstance(value, t.Literal):
            return value.value
        if isinstance(value, (t.Type, t.TypeValue)):
            return None
        return value

    def auth_scheme(self, model) -> ir.SecurityScheme | None:
        """The OpenAPI security scheme of an ``@typespec/http`` auth model, named after it."""
        if not isinstance(model, t.Model):
            return None
        kind = model.first_arg("TypeSpec.Http.auth")
        name = model.name if not model.template_args else model.template_name
        definition: dict | None = None
        if kind == "http-bearer":
            definition = {"type": "http", "scheme": "Bearer"}
        elif kind == "http-basic":
            definition = {"type": "http", "scheme": "Basic"}
        elif kind == "apiKey":
            location = model.properties.get("in")
            key = model.properties.get("name")
            where = location.type.name if location and isinstance(location.type, t.EnumMember) else "header"
            definition = {
                "type": "apiKey",
                "in": where,
                "name": key.type.value if key and isinstance(key.type, t.Literal) else "",
            }
        elif kind == "openIdConnect":
            url = model.properties.get("openIdConnectUrl")
            definition = {
                "type": "openIdConnect",
                "openIdConnectUrl": url.type.value if url and isinstance(url.type, t.Literal) else "",
            }
        elif kind == "oauth2":
            definition = {"type": "oauth2", "flows": _oauth2_flows(model)}
        if definition is None or name is None:
            return None
        doc = self.meta(model).doc
        if doc:
            definition["description"] = doc
        scheme = ir.SecurityScheme(name, definition)
        existing = self.auth_schemes.get(name)
        if existing is not None and existing.definition != definition:
            name = name + "_"
            scheme = ir.SecurityScheme(name, definition)
        self.auth_schemes.setdefault(name, scheme)
        return scheme

    def pos(self, kind) -> Location | None:
        """Where a checked type was declared (its node's position in its file)."""
        position = getattr(getattr(kind, "node", None), "pos", None)
        if position is None:
            return None
        path = getattr(kind, "file", None) or (self.program.files[0] if self.program.files else "<input>")
        return Location(path, position.line, position.column)


_INTRINSICS: dict[str, ir.Intrinsic] = {}


def _intrinsic(name: str) -> ir.Intrinsic:
    """``ir.Intrinsic(name)``, one shared instance per name: IR nodes are immutable and
    compared by value, and a frozen dataclass is slow to build (every property has a type)."""
    found = _INTRINSICS.get(name)
    if found is None:
        found = _INTRINSICS[name] = ir.Intrinsic(name)
    return found


def stream_of(model: t.Model) -> t.Type | None:
    """The item type when ``model`` is a stream (``@streamOf``, through ``is`` and spreads)."""
    if model.stream_of is not None:
        return model.stream_of
    body = next((p for p in model.properties.values() if p.has("TypeSpec.Http.body")), None)
    source = body.source.model if body is not None and body.source is not None else None
    return source.stream_of if isinstance(source, t.Model) else None


def stream_content_type(model: t.Model) -> str:
    prop = model.properties.get("contentType")
    if prop is not None and isinstance(prop.type, t.Literal) and isinstance(prop.type.value, str):
        return prop.type.value
    return "application/json"


def stream_type(lowering: Lowering, model: t.Model, item: t.Type) -> ir.StreamOf:
    content_type = stream_content_type(model)
    protocol = (
        "sse"
        if content_type == "text/event-stream"
        else "jsonl"
        if content_type == "application/jsonl"
        else "http"
    )
    return ir.StreamOf(protocol, lowering.type(item), content_type)


def is_metadata(prop: t.Property) -> bool:
    return bool(prop.decorators) and any(d.name in METADATA for d in prop.decorators)


def _is_never(kind) -> bool:
    return isinstance(kind, t.Intrinsic) and kind.name == "never"


def _is_metadata_only(model: t.Model) -> bool:
    """Response envelopes such as ``model Created { @statusCode _: 201; @body b: Pet }``: no
    schema of their own."""
    props = list(model.properties.values())
    return bool(props) and all(
        is_metadata(p) or p.has("TypeSpec.Http.body") or p.has("TypeSpec.Http.bodyRoot") for p in props
    )


def _all(model: t.Model) -> list[t.Property]:
    from .expressions import all_properties

    return all_properties(model)


def _within(namespace: t.Namespace, service: t.Namespace) -> bool:
    current: t.Namespace | None = namespace
    while current is not None:
        if current is service:
            return True
        current = current.parent
    return False


def _declaration_name(kind) -> str:
    """``@friendlyName``, else the name; an events union instantiated from a template
    (``Changes<Order>``) adds its arguments' names (``ChangesOrder``), so that two instances
    do not share one component (the official emitter writes item schemas inline, and names
    other template instances after the template alone: two of them are its
    ``duplicate-type-name`` error)."""
    friendly = kind.first_arg("TypeSpec.friendlyName")
    if friendly:
        return friendly
    if isinstance(kind, t.Union) and kind.template_args and kind.has("TypeSpec.Events.events"):
        parts = [kind.name]
        for index, argument in enumerate(kind.template_args):
            name = getattr(argument, "name", None) or getattr(argument, "value", None)
            text = "".join(c for c in str(name) if c.isalnum() or c == "_") if name is not None else ""
            parts.append(text[:1].upper() + text[1:] if text else str(index + 1))
        return "".join(parts)
    return kind.name


def _member_name(value) -> str:
    if isinstance(value, t.EnumValue):
        return value.member.name
    if isinstance(value, t.EnumMember):
        return value.name
    return str(value)


def _oauth2_flows(model: t.Model) -> dict:
    flows: dict = {}
    prop = model.properties.get("flows")
    items = prop.type.items if prop is not None and isinstance(prop.type, t.Tuple) else []
    for flow in items:
        if not isinstance(flow, t.Model):
            continue
        kind = flow.properties.get("type")
        flow_name = kind.type.name if kind is not None and isinstance(kind.type, t.EnumMember) else None
        if flow_name is None:
            continue
        entry: dict = {}
        for key in ("authorizationUrl", "tokenUrl", "refreshUrl"):
            value = flow.properties.get(key)
            if value is not None and isinstance(value.type, t.Literal):
                entry[key] = value.type.value
        scopes = flow.properties.get("scopes")
        names = (
            [i.value for i in scopes.type.items if isinstance(i, t.Literal)]
            if scopes is not None and isinstance(scopes.type, t.Tuple)
            else []
        )
        entry["scopes"] = {name: "" for name in names}
        flows[flow_name] = entry
    return flows
