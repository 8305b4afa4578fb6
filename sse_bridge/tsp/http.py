"""Operations and the service, as ``@typespec/http`` resolves them (README "The rest of the document").

Routes join the ``@route``s of namespaces, interface and operation (path parameters missing
from the route are appended); the verb is the decorator's, else ``post`` with a body and
``get`` without. Parameters come from ``@path``/``@query``/``@header``/``@cookie``; the body
from ``@body``/``@bodyRoot``/``@multipartBody`` or from the unannotated parameters; the
return type splits into responses by union member, with ``@statusCode``, ``@header`` and
``@body`` (or the whole model) in each, and ``@error`` models without a status code as
``default``. Streams (``SSEStream``, ``JsonlStream``, ``HttpStream``) become stream bodies.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import conventions, ir
from . import types as t
from .expressions import all_properties
from .lower import Lowering, is_metadata, stream_of, stream_type

HTTP = "TypeSpec.Http."
VERBS = {"get", "put", "post", "patch", "delete", "head"}
METHOD_EXTENSION = "x-sse-bridge-method"


class HttpLowering:
    def __init__(self, lowering: Lowering) -> None:
        self.lowering = lowering
        self.diagnostics = lowering.diagnostics
        self.service = lowering.service
        self._ids: set[str] = set()

    # --- operations, in the official discovery order --------------------------------------------

    def operations(self) -> list[ir.Operation]:
        result: list[ir.Operation] = []
        self._walk(self.service, result)
        return result

    def _walk(self, namespace: t.Namespace, result: list) -> None:
        interfaces = []
        for member in namespace.members.values():
            kind = getattr(member, "type", None)
            if (
                getattr(member, "kind", None) == "op"
                and not member.template_parameters
                and isinstance(kind, t.Operation)
            ):
                result.append(self.operation(kind, namespace, None))
            elif (
                getattr(member, "kind", None) == "interface"
                and not member.template_parameters
                and isinstance(kind, t.Interface)
            ):
                interfaces.append(kind)
        for child in namespace.namespaces.values():
            if not child.library:
                self._walk(child, result)
        for interface in interfaces:
            for op in interface.operations.values():
                result.append(self.operation(op, namespace, interface))

    def operation(
        self, op: t.Operation, namespace: t.Namespace, interface: t.Interface | None
    ) -> ir.Operation:
        lowering = self.lowering
        route, variables = _uri_template(self.route(op, namespace, interface))
        parameters, body = self.parameters(op)
        for name, (operator, _explode) in variables.items():
            location = "query" if operator in ("?", "&") else "path"
            if not any(p.location == location and p.name == name for p in parameters):
                self.diagnostics.error(
                    "@typespec/http/missing-uri-param",
                    f"Route reference parameter '{name}' but wasn't found in operation parameters",
                    lowering.pos(op),
                )
        for index, parameter in enumerate(parameters):
            variable = variables.get(parameter.name)
            if variable is not None:
                # RFC 6570: the route's operator and explode modifier say how it is written.
                operator, explode = variable
                style = _PATH_STYLES.get(operator) if parameter.location == "path" else parameter.style
                parameters[index] = replace(
                    parameter, explode=True if explode else parameter.explode, style=style
                )
            elif parameter.location == "path":
                route = route.rstrip("/") + "/{" + parameter.name + "}"
        meta = lowering.meta(op)
        if op.has("TypeSpec.opExample"):
            self.diagnostics.warning(
                "operation-example-dropped",
                "@opExample is not carried: the request and response examples it gives are not written",
                lowering.pos(op),
            )
        method = next(
            (
                d.name[len(HTTP) :]
                for d in reversed(op.decorators)
                if d.name[len(HTTP) :] in VERBS and d.name.startswith(HTTP)
            ),
            None,
        )
        custom = next((e.value for e in meta.extensions if e.name == METHOD_EXTENSION), None)
        if isinstance(custom, str):
            method = custom.lower()
            meta = ir.Metadata(
                doc=meta.doc,
                summary=meta.summary,
                deprecated=meta.deprecated,
                extensions=tuple(e for e in meta.extensions if e.name != METHOD_EXTENSION),
                examples=meta.examples,
                external_docs=meta.external_docs,
            )
        if method is None:
            method = "post" if body is not None else "get"
        if meta.deprecated is None:
            meta = _inherit_deprecation(meta, op, interface, namespace)
        prefix = None
        if interface is not None:
            prefix = interface.name
        elif namespace is not self.service:
            prefix = namespace.name
        explicit = op.first_arg("TypeSpec.OpenAPI.operationId")
        responses = self.responses(op)
        return ir.Operation(
            name=op.name,
            namespace=namespace.path,
            interface=prefix,
            method=method,
            path=route,
            operation_id=explicit if isinstance(explicit, str) else None,
            parameters=tuple(parameters),
            body=body,
            responses=tuple(responses),
            tags=tuple(self.tags(op, interface, namespace)),
            security=self.security(op, interface),
            meta=meta,
            shared_route=op.has(HTTP + "sharedRoute"),
            pos=lowering.pos(op),
        )

    def route(self, op: t.Operation, namespace: t.Namespace, interface: t.Interface | None) -> str:
        parts: list[str] = []
        chain = []
        current: t.Namespace | None = namespace
        while current is not None:
            chain.append(current)
            current = current.parent
        for scope in reversed(chain):
            parts.append(scope.first_arg(HTTP + "route") or "")
        if interface is not None:
            parts.append(interface.first_arg(HTTP + "route") or "")
        parts.append(op.first_arg(HTTP + "route") or "")
        path = ""
        for part in parts:
            if not isinstance(part, str) or not part:
                continue
            if path and not path.endswith("/") and not part.startswith("/"):
                path += "/"
            elif path.endswith("/") and part.startswith("/"):
                part = part[1:]
            path += part
        if not path.startswith("/"):
            path = "/" + path
        return path

    def tags(self, op, interface, namespace) -> list[str]:
        tags: list[str] = []
        scopes = []
        current = namespace
        while current is not None:
            scopes.append(current)
            current = current.parent
        for scope in [*reversed(scopes), interface, op]:
            if scope is None:
                continue
            for applied in scope.decorated("TypeSpec.tag"):
                if applied.args and isinstance(applied.args[0], str) and applied.args[0] not in tags:
                    tags.append(applied.args[0])
        return tags

    def security(self, op, interface) -> tuple[ir.SecurityRequirement, ...] | None:
        for scope in (op, interface):
            if scope is not None and scope.has(HTTP + "useAuth"):
                return auth_requirements(self.lowering, scope.first_arg(HTTP + "useAuth"))
        return None

    # --- parameters and the request body -------------------------------------------------------------

    def parameters(self, op: t.Operation) -> tuple[list[ir.Parameter], ir.RequestBody | None]:
        lowering = self.lowering
        parameters: list[ir.Parameter] = []
        body_props: list[t.Property] = []
        explicit_body: t.Property | None = None
        multipart = False
        content_types: list[str] | None = None
        for prop in all_properties(op.parameters):
            location = _location(prop)
            if location is not None:
                if location == "header" and _header_name(prop).lower() == "content-type":
                    content_types = _literal_strings(prop.type)
                    continue
                parameters.append(self.parameter(prop, location))
            elif prop.has(HTTP + "body") or prop.has(HTTP + "bodyRoot") or prop.has(HTTP + "multipartBody"):
                explicit_body = prop
                multipart = prop.has(HTTP + "multipartBody")
            elif prop.has(HTTP + "bodyIgnore") or prop.has(HTTP + "statusCode"):
                continue
            else:
                body_props.append(prop)
        if (
            explicit_body is not None
            and explicit_body.has(HTTP + "bodyRoot")
            and isinstance(explicit_body.type, t.Model)
        ):
            inner = explicit_body.type
            for prop in all_properties(inner):
                location = _location(prop)
                if location == "header" and _header_name(prop).lower() == "content-type":
                    content_types = _literal_strings(prop.type)
                elif location is not None:
                    parameters.append(self.parameter(prop, location))
        if explicit_body is None and not body_props:
            return parameters, None
        holder = op.parameters
        if (
            explicit_body is not None
            and explicit_body.has(HTTP + "bodyRoot")
            and isinstance(explicit_body.type, t.Model)
        ):
            holder = explicit_body.type  # ``@bodyRoot body: SSEStream<E>``
        stream = stream_of(holder) if holder is not op.parameters else _stream_body(holder)
        if stream is not None:
            contents = (ir.Content(stream_content(holder), stream_type(lowering, holder, stream)),)
            doc = lowering.meta(explicit_body).doc if explicit_body is not None else None
            optional = explicit_body.optional if explicit_body is not None else False
            return parameters, ir.RequestBody(
                contents, optional=optional, meta=ir.Metadata(doc=doc), pos=lowering.pos(op)
            )
        if explicit_body is not None:
            kind = lowering.type(explicit_body.type)
            if explicit_body.has(HTTP + "bodyRoot") and isinstance(explicit_body.type, t.Model):
                kind = self.body_of(explicit_body.type)
            optional = explicit_body.optional
            doc = lowering.meta(explicit_body).doc
            pos = lowering.pos(explicit_body)
        else:
            kind = self.implicit_body(body_props)
            optional = False
            doc = None
            pos = lowering.pos(op)
        if multipart and not content_types:
            content_types = ["multipart/form-data"]
        media = content_types or conventions.default_content_types(kind, lowering_declarations(lowering))
        contents = tuple(ir.Content(m, kind) for m in media)
        return parameters, ir.RequestBody(contents, optional=optional, meta=ir.Metadata(doc=doc), pos=pos)

    def implicit_body(self, props: list[t.Property]) -> ir.TypeExpr:
        """Unannotated parameters: the model they were all spread from, when they are exactly
        its properties (``op f(...Pet)`` → ``Pet``), else an object of them."""
        sources = {
            id(p.source.model): p.source.model for p in props if p.source is not None and p.source.model
        }
        if len(sources) == 1 and all(p.source is not None for p in props):
            model = next(iter(sources.values()))
            if (
                model.name
                and not model.template_args
                and {p.name for p in props} == {p.name for p in all_properties(model) if not is_metadata(p)}
            ):
                return self.lowering.type(model)
        return ir.ObjectType(tuple(self.lowering.property(p) for p in props))

    def body_of(self, model: t.Model) -> ir.TypeExpr:
        props = [p for p in all_properties(model) if not is_metadata(p) and not p.has(HTTP + "statusCode")]
        if model.name and len(props) == len(all_properties(model)):
            return self.lowering.type(model)
        return self.implicit_body(props)

    def parameter(self, prop: t.Property, location: str) -> ir.Parameter:
        lowering = self.lowering
        options = prop.first_arg(HTTP + location)
        name = prop.name
        explode = None
        if location == "header":
            name = conventions.header_name(prop.name)
        if isinstance(options, str):
            name = options
        elif isinstance(options, dict):
            name = options.get("name", name)
            explode = True if options.get("explode") is True else None
        style = None
        if location == "path" and isinstance(options, dict):
            style = options.get("style") if options.get("style") in _PATH_STYLES.values() else None
        encoding = next((a for a in prop.decorated("TypeSpec.encode")), None)
        if encoding is not None and encoding.args and isinstance(encoding.args[0], t.EnumValue):
            value = encoding.args[0].member.name
            if value in ("pipeDelimited", "spaceDelimited"):
                style = value
        meta = lowering.meta(prop)
        facets = lowering.facets(prop)
        component = None
        source = prop.source.model if prop.source is not None else None
        if (
            isinstance(source, t.Model)
            and source.name
            and not source.template_args
            and source is not prop.model
        ):
            # A parameter spread from a named model is shared: ``components/parameters``,
            # keyed ``Model.property`` (just ``Model`` when it has one property).
            key = lowering.declared_name(source)
            component = key if len(source.properties) == 1 else f"{key}.{prop.source.name}"
        if style is not None and facets.encoding is not None:
            facets = ir.Facets(**{**facets.__dict__, "encoding": None})
        return ir.Parameter(
            name=name,
            location=location,
            type=lowering.type(prop.type),
            optional=prop.optional,
            default=lowering.value(prop.default) if prop.has_default else None,
            has_default=prop.has_default,
            explode=explode,
            style=style,
            facets=facets,
            meta=ir.Metadata(
                doc=meta.doc, deprecated=meta.deprecated, extensions=meta.extensions, examples=meta.examples
            ),
            component=component,
            pos=lowering.pos(prop),
        )

    # --- responses ------------------------------------------------------------------------------------

    def responses(self, op: t.Operation) -> list[ir.Response]:
        grouped: dict[object, dict] = {}
        merged_bodies: set[tuple[object, str]] = set()  # (status, media type) of several bodies
        for candidate, union_doc in self.response_variants(op.return_type, None):
            for status, entry in self.response(candidate, op, union_doc):
                slot = grouped.get(status)
                if slot is None:
                    grouped[status] = entry
                    continue
                slot["headers"].extend(
                    h for h in entry["headers"] if h.name not in {x.name for x in slot["headers"]}
                )
                for content in entry["contents"]:
                    existing = next((c for c in slot["contents"] if c.media_type == content.media_type), None)
                    if existing is None:
                        slot["contents"].append(content)
                    elif existing.type != content.type and not isinstance(content.type, ir.StreamOf):
                        # One flat anyOf of the bodies, as the official emitter writes them.
                        key = (status, content.media_type)
                        if key in merged_bodies and isinstance(existing.type, ir.UnionOf):
                            if content.type in existing.type.options:
                                continue
                            merged = ir.UnionOf((*existing.type.options, content.type))
                        else:
                            merged = ir.UnionOf((existing.type, content.type))
                            merged_bodies.add(key)
                        slot["contents"][slot["contents"].index(existing)] = ir.Content(
                            content.media_type, merged
                        )
        return [
            ir.Response(
                status,
                entry["description"],
                tuple(entry["headers"]),
                tuple(entry["contents"]),
                is_error=entry["error"],
                pos=entry["pos"],
            )
            for status, entry in grouped.items()
        ]

    def response_variants(self, kind: t.Type, parent_doc: str | None) -> list[tuple[t.Type, str | None]]:
        """The responses a return type makes, each with the description its union gives it,
        as ``@typespec/http`` 1.17 resolves them: a union (not a discriminated one) is
        flattened, its ``null`` members left out; the variants with HTTP metadata (status
        codes, headers, ``@body``, errors) are responses of their own, the plain bodies one
        response together: the union itself when all its variants are plain (so a named
        union stays one ``$ref``, ``null`` included), else a union of the plain ones."""
        if not isinstance(kind, t.Union) or kind.has("TypeSpec.discriminated"):
            return [(kind, parent_doc)]
        union_doc = self.lowering.meta(kind).doc or parent_doc
        plain: list[t.Type] = []
        envelopes: list[tuple[t.Type, str | None]] = []
        for variant in kind.variants:
            member = variant.type
            if isinstance(member, t.Intrinsic) and member.name == "null":
                continue
            variant_doc = self.lowering.meta(variant).doc or union_doc
            for resolved, doc in self.response_variants(member, variant_doc):
                if _is_plain_body(resolved):
                    plain.append(resolved)
                else:
                    envelopes.append((resolved, doc))
        if len(plain) == 1:
            return [(plain[0], union_doc), *envelopes]
        if plain:
            group = kind if not envelopes else t.Union(None, None, [t.Variant(None, p) for p in plain])
            return [(group, union_doc), *envelopes]
        return envelopes

    def response(self, kind: t.Type, op: t.Operation, union_doc: str | None):
        lowering = self.lowering
        if isinstance(kind, t.Intrinsic) and kind.name == "void":
            return [(204, _entry(union_doc, [], [], False, lowering.pos(op)))]
        if (
            not isinstance(kind, t.Model)
            or kind.is_array
            or (kind.template_name == "Record" and not kind.properties)
        ):
            body = lowering.type(kind)
            media = conventions.default_content_types(body, lowering_declarations(lowering))
            contents = [ir.Content(m, body) for m in media]
            return [
                (200, _entry(union_doc or _returns_doc(op, False), [], contents, False, lowering.pos(op)))
            ]
        props = all_properties(kind)
        status_prop = next((p for p in props if p.has(HTTP + "statusCode")), None)
        is_error = kind.has("TypeSpec.error")
        statuses: list[int | str] = []
        if status_prop is not None:
            statuses = _statuses(status_prop, lowering)
        headers = []
        content_types: list[str] | None = None
        for prop in props:
            if prop.has(HTTP + "header"):
                name = _header_name(prop)
                if name.lower() == "content-type":
                    content_types = _literal_strings(prop.type)
                    continue
                meta = lowering.meta(prop)
                headers.append(
                    ir.Header(
                        name,
                        lowering.type(prop.type),
                        prop.optional,
                        lowering.facets(prop),
                        ir.Metadata(doc=meta.doc),
                    )
                )
        body_prop = next((p for p in props if p.has(HTTP + "body") or p.has(HTTP + "bodyRoot")), None)
        stream = stream_of(kind)
        contents: list[ir.Content] = []
        if stream is not None:
            contents = [ir.Content(stream_content(kind), stream_type(lowering, kind, stream))]
        elif body_prop is not None:
            body_type = body_prop.type
            if not (isinstance(body_type, t.Intrinsic) and body_type.name == "void"):
                body = lowering.type(body_type)
                if body_prop.has(HTTP + "bodyRoot") and isinstance(body_type, t.Model):
                    body = self.body_of(body_type)
                media = content_types or conventions.default_content_types(
                    body, lowering_declarations(lowering)
                )
                contents = [ir.Content(m, body) for m in media]
        else:
            rest = [
                p
                for p in props
                if not is_metadata(p) and not p.has(HTTP + "statusCode") and not p.has(HTTP + "bodyIgnore")
            ]
            if rest:
                if (kind.name and not kind.template_args) or len(rest) == len(props):
                    body = lowering.type(kind)  # the model itself (metadata stripped)
                else:
                    body = ir.ObjectType(tuple(lowering.property(p) for p in rest))
                media = content_types or ["application/json"]
                contents = [ir.Content(m, body) for m in media]
        is_envelope = status_prop is not None or body_prop is not None or stream is not None
        description = union_doc
        if description is None and is_envelope:
            meta = lowering.meta(kind)
            description = meta.doc
        if description is None:
            description = _returns_doc(op, is_error)
        if not statuses:
            if is_error:
                statuses = ["default"]
            elif contents:
                statuses = [200]
            else:
                statuses = [200] if props else [204]
        return [
            (status, _entry(description, list(headers), list(contents), is_error, lowering.pos(kind)))
            for status in statuses
        ]


def _entry(description, headers, contents, is_error, pos) -> dict:
    return {
        "description": description,
        "headers": headers,
        "contents": contents,
        "error": is_error,
        "pos": pos,
    }


def lowering_declarations(lowering: Lowering) -> dict:
    """IR-like view the content-type conventions need: user scalars by name (base chain);
    rebuilt only when declarations were added since the last call."""
    cached = getattr(lowering, "_scalar_view", None)
    if cached is not None and cached[0] == len(lowering.order):
        return cached[1]
    result = {}
    for kind in lowering.order:
        if isinstance(kind, t.Scalar):
            base = lowering.type(kind.base) if kind.base is not None else ir.Intrinsic("unknown")
            result[lowering.declared[id(kind)]] = ir.Scalar(kind.name, (), base=base)
    lowering._scalar_view = (len(lowering.order), result)
    return result


def stream_content(model: t.Model) -> str:
    from .lower import stream_content_type

    return stream_content_type(model)


def _stream_body(parameters: t.Model) -> t.Type | None:
    body = next((p for p in parameters.properties.values() if p.has(HTTP + "body")), None)
    if body is None or body.source is None or not isinstance(body.source.model, t.Model):
        return None
    return body.source.model.stream_of


def _returns_doc(op: t.Operation, error: bool) -> str | None:
    value = op.first_arg("TypeSpec.errorsDoc" if error else "TypeSpec.returnsDoc")
    return value if isinstance(value, str) else None


def _is_plain_body(kind: t.Type) -> bool:
    """A return variant that is only a body: no status code, header or other HTTP metadata,
    no ``@body``, not void and not an ``@error`` model (``isPlainResponseBody`` of
    ``@typespec/http``)."""
    if isinstance(kind, t.Intrinsic) and kind.name == "void":
        return False
    if isinstance(kind, t.Model):
        if kind.has("TypeSpec.error"):
            return False
        return not any(
            is_metadata(p) or p.has(HTTP + "body") or p.has(HTTP + "bodyRoot") for p in all_properties(kind)
        )
    return True


def _status_code(value: object) -> int | None:
    """A status code as ``@typespec/http`` reads a literal: a number, or a string of one
    (``"200"``), integral and within 100-599; None otherwise."""
    if isinstance(value, str):
        value = int(value) if value.strip().isdigit() else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


def _statuses(prop: t.Property, lowering: Lowering) -> list[int | str]:
    kind = prop.type
    values = []
    if isinstance(kind, t.Literal):
        values = [kind.value]
    elif isinstance(kind, t.Union):
        values = [v.type.value for v in kind.variants if isinstance(v.type, t.Literal)]
    if values:
        codes = [_status_code(v) for v in values]
        if None in codes:
            lowering.diagnostics.error(
                "@typespec/http/status-code-invalid",
                "statusCode value must be a three digit code between 100 and 599",
                lowering.pos(prop),
            )
        return [code for code in codes if code is not None]
    low = prop.first_arg("TypeSpec.minValue")
    high = prop.first_arg("TypeSpec.maxValue")
    if isinstance(low, int) and isinstance(high, int) and low % 100 == 0 and high == low + 99:
        return [f"{low // 100}XX"]
    if low is not None or high is not None:
        lowering.diagnostics.error(
            "unsupported-status-code-range",
            "Status code range must be a full hundred range such as 400 to 499",
            lowering.pos(prop),
        )
    return ["default"]


def _location(prop: t.Property) -> str | None:
    for name in ("path", "query", "header", "cookie"):
        if prop.has(HTTP + name):
            return name
    return None


def _header_name(prop: t.Property) -> str:
    options = prop.first_arg(HTTP + "header")
    if isinstance(options, str):
        return options
    if isinstance(options, dict) and isinstance(options.get("name"), str):
        return options["name"]
    return conventions.header_name(prop.name)


def _literal_strings(kind: t.Type) -> list[str]:
    if isinstance(kind, t.Literal) and isinstance(kind.value, str):
        return [kind.value]
    if isinstance(kind, t.Union):
        return [
            v.type.value
            for v in kind.variants
            if isinstance(v.type, t.Literal) and isinstance(v.type.value, str)
        ]
    return []


_URI_EXPRESSION = re.compile(r"\{([+#./;?&]?)([^{}]*)\}")
_PATH_STYLES = {".": "label", ";": "matrix"}  # the others have no OpenAPI style


def _uri_template(route: str) -> tuple[str, dict[str, tuple[str, bool]]]:
    """A route that is an RFC 6570 URI template → the OpenAPI path (``{name}`` for each path
    variable; ``{?q}`` / ``{&q}`` query expressions left out) and each variable's operator
    and explode modifier (``{+p}``, ``{;p}``, ``{.p}``, ``{p*}``, ``{?q*}``)."""
    variables: dict[str, tuple[str, bool]] = {}

    def expression(match: re.Match[str]) -> str:
        operator = match.group(1)
        names = []
        for spec in match.group(2).split(","):
            spec = spec.strip()
            explode = spec.endswith("*")
            name = spec.rstrip("*").split(":", 1)[0]
            if name:
                variables[name] = (operator, explode)
                names.append(name)
        if operator in ("?", "&"):
            return ""
        return ",".join("{" + name + "}" for name in names)

    return _URI_EXPRESSION.sub(expression, route), variables


def _inherit_deprecation(meta: ir.Metadata, op, interface, namespace) -> ir.Metadata:
    for scope in (interface, namespace):
        current = scope
        while current is not None:
            if current.deprecated is not None:
                return ir.Metadata(
                    doc=meta.doc,
                    summary=meta.summary,
                    deprecated=current.deprecated,
                    extensions=meta.extensions,
                    examples=meta.examples,
                    external_docs=meta.external_docs,
                )
            current = getattr(current, "parent", None)
    return meta


# --- the service ----------------------------------------------------------------------------------------


def service(lowering: Lowering, namespace: t.Namespace) -> ir.Service:
    options = namespace.first_arg("TypeSpec.service")
    info = namespace.first_arg("TypeSpec.OpenAPI.info")
    info = info if isinstance(info, dict) else {}
    title = options.get("title") if isinstance(options, dict) else None
    title = info.get("title", title)
    meta = lowering.meta(namespace)
    servers = []
    for applied in namespace.decorated(HTTP + "server"):
        servers.append(_server(lowering, applied.args))
    tags = []
    for applied in namespace.decorated("TypeSpec.OpenAPI.tagMetadata"):
        if len(applied.args) >= 1 and isinstance(applied.args[0], str):
            data = applied.args[1] if len(applied.args) > 1 and isinstance(applied.args[1], dict) else {}
            docs = data.get("externalDocs")
            external = (
                (docs["url"], docs.get("description")) if isinstance(docs, dict) and "url" in docs else None
            )
            extensions = tuple(
                ir.Extension(k, lowering.json(v)) for k, v in data.items() if k.startswith("x-")
            )
            tags.append(ir.Tag(applied.args[0], data.get("description"), external, extensions))
    schemes: dict[str, ir.SecurityScheme] = {}
    security: tuple = ()
    if namespace.has(HTTP + "useAuth"):
        security = auth_requirements(lowering, namespace.first_arg(HTTP + "useAuth"), schemes)
    known = {"title", "version", "summary", "termsOfService", "contact", "license"}
    return ir.Service(
        namespace=namespace.path,
        title=title if isinstance(title, str) else None,
        version=info.get("version") if isinstance(info.get("version"), str) else None,
        doc=meta.doc,
        summary=info.get("summary") if isinstance(info.get("summary"), str) else meta.summary,
        terms_of_service=info.get("termsOfService"),
        contact=lowering.json(info.get("contact")) if info.get("contact") is not None else None,
        license=lowering.json(info.get("license")) if info.get("license") is not None else None,
        servers=tuple(servers),
        tags=tuple(tags),
        security_schemes=tuple(_schemes(lowering, schemes)),
        security=security,
        extensions=meta.extensions,
        info_extensions=tuple(ir.Extension(k, lowering.json(v)) for k, v in info.items() if k not in known),
    )


def _schemes(lowering: Lowering, used: dict) -> list[ir.SecurityScheme]:
    """Every security scheme: the auth models declared in the service (in source order),
    then those only named in ``@useAuth``."""
    declared = []
    for symbol in lowering.program.symbols:
        kind = symbol.type
        if isinstance(kind, t.Model) and kind.has(HTTP + "auth") and not symbol.template_parameters:
            scheme = lowering.auth_scheme(kind)
            if scheme is not None:
                declared.append(scheme.name)
    names = list(dict.fromkeys([*declared, *lowering.auth_schemes]))
    return [lowering.auth_schemes[name] for name in names]


def _server(lowering: Lowering, args: list) -> ir.Server:
    url = args[0] if args and isinstance(args[0], str) else ""
    description = args[1] if len(args) > 1 and isinstance(args[1], str) else None
    variables = []
    parameters = args[2] if len(args) > 2 else None
    if isinstance(parameters, t.Model):
        for prop in parameters.properties.values():
            default = lowering.json(prop.default) if prop.has_default else ""
            enum = tuple(str(v) for v in _literal_strings(prop.type))
            if isinstance(prop.type, t.Enum):
                enum = tuple(str(m.value) for m in prop.type.members.values())
            variables.append(ir.ServerVariable(prop.name, str(default), enum, lowering.meta(prop).doc))
    return ir.Server(url, description, tuple(variables))


def auth_requirements(
    lowering: Lowering, value, registry: dict | None = None
) -> tuple[ir.SecurityRequirement, ...]:
    """``@useAuth(A | B)`` → one requirement per option; ``[A, B]`` → one requirement of both."""
    options = value.variants if isinstance(value, t.Union) else [value]
    requirements = []
    for option in options:
        option = option.type if isinstance(option, t.Variant) else option
        members = option.items if isinstance(option, t.Tuple) else [option]
        schemes = []
        for member in members:
            if isinstance(member, t.Model) and member.first_arg(HTTP + "auth") == "noAuth":
                continue
            scheme = lowering.auth_scheme(member)
            if scheme is not None:
                schemes.append((scheme.name, tuple(_scopes(member))))
                if registry is not None:
                    registry.setdefault(scheme.name, scheme)
        requirements.append(ir.SecurityRequirement(tuple(schemes)))
    return tuple(requirements)


def _scopes(model) -> list[str]:
    if not isinstance(model, t.Model):
        return []
    flows = model.properties.get("flows")
    scopes: list[str] = []
    if flows is not None and isinstance(flows.type, t.Tuple):
        for flow in flows.type.items:
            if isinstance(flow, t.Model) and "scopes" in flow.properties:
                scopes.extend(_literal_strings_list(flow.properties["scopes"].type))
    return list(dict.fromkeys(scopes))


def _literal_strings_list(kind) -> list[str]:
    if isinstance(kind, t.Tuple):
        return [i.value for i in kind.items if isinstance(i, t.Literal) and isinstance(i.value, str)]
    return []
