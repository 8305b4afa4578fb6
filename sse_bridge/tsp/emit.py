"""The TypeSpec emitter: IR → TypeSpec source text (README "Development", "Event streams", "The rest of the document").

Reads only the IR. Output is deterministic: declarations in IR order, then operations, then
the generated helpers (when a response needs a description or a ``default`` status that plain
TypeSpec cannot attach to an anonymous response). Event streams are written as in the ``seed002-scenario2`` fixture:
``@TypeSpec.Events.events`` unions, ``@TypeSpec.Events.contentType``,
``@TypeSpec.SSE.terminalEvent`` and the ``x-ms-sse-terminal-event`` extension kept beside it.
"""

from __future__ import annotations

from .. import conventions, ir
from ..diagnostics import DiagnosticBag, converting
from ..names import REFERENCED_NAMES, camel_case, identifier, is_plain_identifier, string_literal
from .emit_types import HELPERS_NAMESPACE, INDENT, DeclarationWriter, inline_doc

METHOD_EXTENSION = "x-sse-bridge-method"
VERB_DECORATORS = {
    "get": "@get",
    "put": "@put",
    "post": "@post",
    "patch": "@patch",
    "delete": "@delete",
    "head": "@head",
}


def emit_typespec(document: ir.Document, diagnostics: DiagnosticBag | None = None) -> str:
    return _Writer(document, diagnostics or DiagnosticBag()).write()


class _Writer(DeclarationWriter):
    """The whole document: header, service, declarations (see :class:`DeclarationWriter`),
    shared parameter models, operations, auth models and generated helpers."""

    def __init__(self, document: ir.Document, diagnostics: DiagnosticBag) -> None:
        self.shared_parameters = _shared_parameters(document, set(document.declaration_map()))
        local_names, self.op_names = _local_names(document, self.shared_parameters)
        super().__init__(document, diagnostics, local_names)

    # --- document ----------------------------------------------------------------------------

    def write(self) -> str:
        body: list[str] = []
        for declaration in self.doc.declarations:
            converting(declaration.pos)
            body.extend(self.declaration(declaration))
            body.append("")
        body.extend(self.parameter_models())
        for operation in self.doc.operations:
            converting(operation.pos)
            body.extend(self.operation(operation))
            body.append("")
        auth = self.auth_models()
        if auth:
            body.extend(auth)
        if self.helpers_needed:
            body.extend(self.helpers())
            body.append("")
        head = self.header()
        while body and body[-1] == "":
            body.pop()
        return "\n".join(head + body) + "\n"

    def header(self) -> list[str]:
        imports = ["@typespec/http", "@typespec/openapi"]
        if "openapi3" in self.uses:
            imports.append("@typespec/openapi3")
        if self.uses & {"sse", "streams", "http-streams", "events"}:
            imports.append("@typespec/streams")
        if "http-streams" in self.uses:
            imports.append("@typespec/http/streams")
        if "sse" in self.uses:
            imports.append("@typespec/sse")
        if self.uses & {"sse", "events"}:
            imports.append("@typespec/events")
        lines = [f"import {string_literal(i)};" for i in imports]
        lines.append("")
        usings = ["Http", "OpenAPI"]
        if "sse" in self.uses:
            usings.append("SSE")
        if "http-streams" in self.uses:
            usings.append("Http.Streams")
        lines.extend(f"using {u};" for u in usings)
        lines.append("")
        lines.extend(self.service())
        lines.append("")
        return lines

    def service(self) -> list[str]:
        service = self.doc.service
        lines = self.doc_comment(service.doc, "")
        info: dict[str, object] = {}
        if service.version is not None:
            info["version"] = service.version
        if service.summary is not None:
            info["summary"] = service.summary
        if service.terms_of_service is not None:
            info["termsOfService"] = service.terms_of_service
        if service.contact is not None:
            info["contact"] = service.contact
        if service.license is not None:
            info["license"] = service.license
        for extension in service.info_extensions:
            info[extension.name] = extension.value
        title = f"#{{ title: {string_literal(service.title)} }}" if service.title is not None else ""
        lines.append(f"@service({title})")
        if info:
            lines.append(f"@info({self.value(info)})")
        for server in service.servers:
            lines.append(self.server(server))
        for tag in service.tags:
            metadata: dict[str, object] = {}
            if tag.doc is not None:
                metadata["description"] = tag.doc
            if tag.external_docs is not None:
                url, text = tag.external_docs
                metadata["externalDocs"] = {"url": url, **({"description": text} if text else {})}
            for extension in tag.extensions:
                metadata[extension.name] = extension.value
            args = f", {self.value(metadata)}" if metadata else ""
            lines.append(f"@tagMetadata({string_literal(tag.name)}{args})")
        auth = self.use_auth(service.security)
        if auth:
            lines.append(f"@useAuth({auth})")
        for extension in service.extensions:
            lines.append(f"@extension({string_literal(extension.name)}, {self.value(extension.value)})")
        lines.append(f"namespace {'.'.join(identifier(part) for part in self.namespace)};")
        return lines

    def server(self, server: ir.Server) -> str:
        args = [string_literal(server.url), string_literal(server.description or "")]
        if server.variables:
            members = []
            for variable in server.variables:
                kind = " | ".join(string_literal(v) for v in variable.enum) if variable.enum else "string"
                doc = f"/** {inline_doc(variable.doc)} */ " if variable.doc else ""
                members.append(
                    f"{doc}{identifier(variable.name, member=True)}?: {kind} = {string_literal(variable.default)}"
                )
            args.append("{ " + ", ".join(members) + " }")
        return f"@server({', '.join(args)})"

    # --- operations ----------------------------------------------------------------------------------------

    def operation(self, op: ir.Operation) -> list[str]:
        lines = self.metadata_lines(op.meta, "")
        for tag in op.tags:
            lines.append(f"@tag({string_literal(tag)})")
        if op.security is not None:
            auth = self.use_auth(op.security)
            lines.append(f"@useAuth({auth or 'NoAuth'})")
        lines.append(f"@route({string_literal(_uri_template(op))})")
        verb = VERB_DECORATORS.get(op.method)
        if verb:
            lines.append(verb)
        else:
            lines.append(f"@extension({string_literal(METHOD_EXTENSION)}, {string_literal(op.method)})")
            default_verb = "post" if op.body else "get"
            lines.append(VERB_DECORATORS[default_verb])
        if op.shared_route:
            lines.append("@sharedRoute")
        local = self.op_names.get(id(op), op.name)
        operation_id = op.operation_id if op.operation_id is not None or local == op.name else op.name
        if operation_id is not None:
            lines.append(f"@operationId({string_literal(operation_id)})")
        parameters = self.parameters(op)
        returns = self.responses(op)
        name = identifier(local)
        if parameters:
            lines.append(f"op {name}(")
            lines.extend(parameters)
            lines.append(f"): {returns};")
        else:
            lines.append(f"op {name}(): {returns};")
        return lines

    def parameters(self, op: ir.Operation) -> list[str]:
        """Parameters shared through ``components/parameters`` are spread from a model of them
        (``...CommonParams``) when the operation uses all of that model; others are inline."""
        names: set[str] = set()
        lines: list[str] = []
        spread: set[str] = set()
        keys = {p.component for p in op.parameters if p.component}
        for parameter in op.parameters:
            group = self.parameter_group(parameter)
            if group is not None and set(self.shared_parameters[group]) <= keys:
                if group not in spread:
                    spread.add(group)
                    lines.append(f"{INDENT}...{identifier(group)},")
                    names.update(self.shared_property(k, p) for k, p in self.shared_parameters[group].items())
                continue
            lines.extend(self.parameter(parameter, names))
        if op.body is not None:
            lines.extend(self.request_body(op.body, names))
        return lines

    def parameter_group(self, parameter: ir.Parameter) -> str | None:
        if parameter.component is None:
            return None
        group = parameter.component.rsplit(".", 1)[0] if "." in parameter.component else parameter.component
        return group if group in self.shared_parameters else None

    def shared_property(self, key: str, parameter: ir.Parameter) -> str:
        return key.rsplit(".", 1)[1] if "." in key else _parameter_identifier(parameter)

    def parameter_models(self) -> list[str]:
        lines = []
        for group, members in self.shared_parameters.items():
            lines.append(f"model {identifier(group)} {{")
            for key, parameter in members.items():
                prop_lines = self.parameter(parameter, set(), name=self.shared_property(key, parameter))
                prop_lines[-1] = prop_lines[-1][:-1] + ";"
                lines.extend(prop_lines)
            lines.append("}")
            lines.append("")
        return lines

    def parameter(self, parameter: ir.Parameter, names: set[str], name: str | None = None) -> list[str]:
        indent = INDENT
        lines = self.metadata_lines(parameter.meta, indent, parameter.facets, kind=parameter.type)
        prop = name or _unique(_parameter_identifier(parameter), names)
        wire = parameter.name
        options: dict[str, object] = {}
        if parameter.explode and parameter.location != "path":  # a path's is in the route
            options["explode"] = True
        if parameter.location == "header":
            implicit = conventions.header_name(prop)
        else:
            implicit = prop
        if wire != implicit:
            options["name"] = wire
        if parameter.style is not None and parameter.location != "path":  # a path's is in the route
            lines.append(f"{indent}@encode(ArrayEncoding.{parameter.style})")
        location = parameter.location
        if location == "querystring":
            location = "query"
        if options:
            if set(options) == {"name"}:
                decorator = f"@{location}({string_literal(wire)})"
            else:
                decorator = f"@{location}({self.value(options)})"
        else:
            decorator = f"@{location}"
        optional = "?" if parameter.optional else ""
        default = f" = {self.value(parameter.default)}" if parameter.has_default else ""
        lines.append(
            f"{indent}{decorator} {identifier(prop, member=True)}{optional}: "
            f"{self.type(parameter.type, indent)}{default},"
        )
        return lines

    def request_body(self, body: ir.RequestBody, names: set[str]) -> list[str]:
        indent = INDENT
        lines: list[str] = []
        contents = list(body.contents)
        if not contents:
            return lines
        # TypeSpec gives an operation one kind of body: a stream, a multipart form, or a
        # plain body (with several media types). The kind of the first media type wins.
        first = contents[0]
        kind_of = _body_kind
        kept = [c for c in contents if kind_of(c) == kind_of(first)]
        if kind_of(first) != "plain":
            kept = kept[:1]
        if len(kept) < len(contents):
            dropped = ", ".join(c.media_type for c in contents if c not in kept)
            self.diagnostics.warning(
                "body-content-dropped",
                f"TypeSpec gives a request one kind of body; the {kind_of(first)} body "
                f"({first.media_type}) is kept and {dropped} dropped",
                body.pos,
            )
        contents = kept
        if kind_of(first) == "stream":
            # ``@bodyRoot`` (not a spread) so that the body can carry its description.
            lines.extend(self.doc_comment(body.meta.doc, indent))
            optional = "?" if body.optional else ""
            name = _unique("body", names)
            lines.append(f"{indent}@bodyRoot {name}{optional}: {self.type(first.type, indent)},")
            return lines
        if kind_of(first) == "multipart":
            content = first
            lines.append(f"{indent}@header contentType: {string_literal(content.media_type)},")
            names.add("contentType")
            lines.extend(self.doc_comment(body.meta.doc, indent))
            optional = "?" if body.optional else ""
            name = _unique("body", names)
            lines.append(f"{indent}@multipartBody {name}{optional}: {self.multipart(content.type, indent)},")
            return lines
        kinds = []
        for content in contents:
            if content.type not in kinds:
                kinds.append(content.type)
        if len(kinds) > 1:
            self.diagnostics.warning(
                "body-content-merged",
                "the media types of this request body have different schemas; TypeSpec gives one body type to "
                "all of them, so their schemas are joined in a union",
                body.pos,
            )
        types = [k if k is not None else ir.Intrinsic("bytes") for k in kinds]
        kind = types[0] if len(types) == 1 else ir.UnionOf(tuple(types))
        media_types = [c.media_type for c in contents]
        if media_types != ["application/json"] or conventions.default_content_types(
            kind, self.declarations
        ) != ["application/json"]:
            lines.append(
                f"{indent}@header contentType: {' | '.join(string_literal(m) for m in media_types)},"
            )
            names.add("contentType")
        lines.extend(self.doc_comment(body.meta.doc, indent))
        optional = "?" if body.optional else ""
        name = _unique("body", names)
        lines.append(f"{indent}@body {name}{optional}: {self.type(kind, indent)},")
        return lines

    def multipart(self, kind: ir.TypeExpr | None, indent: str) -> str:
        properties: tuple[ir.Property, ...] = ()
        if isinstance(kind, ir.ObjectType):
            properties = kind.properties
        elif isinstance(kind, ir.Ref) and isinstance(self.declarations.get(kind.target), ir.Model):
            properties = conventions.all_properties(self.declarations[kind.target], self.declarations)
        if not properties:
            return "{}"
        inner = indent + INDENT
        lines = []
        for prop in properties:
            lines.extend(self.doc_comment(prop.meta.doc, inner))
            optional = "?" if prop.optional else ""
            part = prop.type
            if isinstance(part, ir.ArrayOf):
                text = f"HttpPart<{self.type(part.item, inner)}>[]"
            else:
                text = f"HttpPart<{self.type(part, inner)}>"
            lines.append(f"{inner}{identifier(prop.name, member=True)}{optional}: {text},")
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"

    def responses(self, op: ir.Operation) -> str:
        members: list[str] = []
        for response in op.responses:
            members.extend(self.response(response))
        if not members:
            return "void"
        unique = list(dict.fromkeys(members))
        if len(unique) == 1:
            return unique[0]
        return "\n" + "\n".join(f"{INDENT}| {m}" for m in unique)

    def response(self, response: ir.Response) -> list[str]:
        """One union member per content of the response (the HTTP library merges members
        with the same status back into one response with several media types)."""
        status = response.status
        described = (
            response.description is not None
            and response.description != conventions.status_description(status)
        )
        grouped: dict[object, list[ir.Content | None]] = {}
        for content in response.contents:
            key = content.type if not isinstance(content.type, ir.StreamOf) else id(content)
            grouped.setdefault(key, []).append(content)
        groups = list(grouped.values()) or [[None]]
        return [self.response_member(response, group, described) for group in groups]

    def response_member(self, response: ir.Response, group: list[ir.Content | None], described: bool) -> str:
        """One union member: the response's headers and one body, which several media types
        may share (``@header contentType: "a" | "b"``)."""
        status = response.status
        fields = [self.header_member(h) for h in response.headers]
        body = stream = None
        content = group[0]
        if content is not None:
            if isinstance(content.type, ir.StreamOf):
                stream = self.type(content.type, INDENT)
                fields.append(f"...{stream}")
            else:
                kind = content.type if content.type is not None else ir.Intrinsic("bytes")
                body = self.type(kind, INDENT)
                media_types = [c.media_type for c in group]
                if media_types != conventions.default_content_types(kind, self.declarations):
                    header = " | ".join(string_literal(m) for m in media_types)
                    fields.append(f"@header contentType: {header}")
                fields.append(f"@body body: {body}")
        if status == "default" or isinstance(status, str) or described:
            return self.helper_response(response, fields, described)
        if len(fields) <= 1 and status == 200:
            if stream is not None:
                return stream
            if body is not None and not _needs_envelope(content.type, self.declarations):
                return body
        if not fields and status == 204:
            return "void"
        return "{ " + "; ".join([f"@statusCode statusCode: {status}", *fields]) + "; }"

    def helper_response(self, response: ir.Response, fields: list[str], described: bool) -> str:
        """Responses plain TypeSpec cannot write inline: ``default``, status ranges, and any
        status with a description of its own (an anonymous model has no doc)."""
        status = response.status
        description = response.description if described else conventions.status_description(status)
        if status == "default":
            template, args = "DefaultResponse", []
        elif isinstance(status, str):
            template, args = "RangeResponse", [f"{status[0]}00", f"{status[0]}99"]
        else:
            template, args = "Response", [str(status)]
        self.helpers_needed.add(template)
        args.append(string_literal(description or ""))
        if fields:
            args.append("{ " + "; ".join(fields) + " }")
        return f"{HELPERS_NAMESPACE}.{template}<{', '.join(args)}>"

    def header_member(self, header: ir.Header) -> str:
        name = camel_case(header.name) if not is_plain_identifier(header.name) else header.name
        doc = f"/** {inline_doc(header.meta.doc)} */ " if header.meta.doc else ""
        facets = " ".join(self.facet_decorators(header.facets))
        facets = facets + " " if facets else ""
        optional = "?" if header.optional else ""
        wire = "" if conventions.header_name(name) == header.name else f"({string_literal(header.name)})"
        return f"{doc}{facets}@header{wire} {identifier(name, member=True)}{optional}: {self.type(header.type, INDENT)}"

    def helpers(self) -> list[str]:
        blocks = {
            "Response": [
                "  /** A response with a description of its own; `Fields` holds its headers and body. */",
                "  @doc(Description)",
                "  model Response<Status extends int32, Description extends valueof string, Fields extends {} = {}> {",
                "    @statusCode statusCode: Status;",
                "    ...Fields;",
                "  }",
            ],
            "RangeResponse": [
                "  /** A response for a range of status codes, such as `4XX`. */",
                "  @doc(Description)",
                "  model RangeResponse<",
                "    Min extends valueof int32,",
                "    Max extends valueof int32,",
                "    Description extends valueof string,",
                "    Fields extends {} = {}",
                "  > {",
                "    @minValue(Min) @maxValue(Max) @statusCode statusCode: int32;",
                "    ...Fields;",
                "  }",
            ],
            "Described": [
                "  /** An anonymous model with a description of its own. */",
                "  @doc(Description)",
                "  model Described<Description extends valueof string, Properties extends {}> {",
                "    ...Properties;",
                "  }",
            ],
            "DefaultResponse": [
                "  /** The `default` response: every status the others do not cover. */",
                "  @doc(Description)",
                "  @error",
                "  model DefaultResponse<Description extends valueof string, Fields extends {} = {}> {",
                "    ...Fields;",
                "  }",
            ],
        }
        lines = [f"namespace {HELPERS_NAMESPACE} {{"]
        for name, block in blocks.items():
            if name in self.helpers_needed:
                if len(lines) > 1:
                    lines.append("")
                lines.extend(block)
        lines.append("}")
        return lines

    # --- security ------------------------------------------------------------------------------------------------

    def use_auth(self, requirements: tuple[ir.SecurityRequirement, ...]) -> str:
        options = []
        for requirement in requirements:
            names = [self.auth_reference(name, scopes) for name, scopes in requirement.schemes]
            if not names:
                options.append("NoAuth")
            elif len(names) == 1:
                options.append(names[0])
            else:
                options.append("[" + ", ".join(names) + "]")
        return " | ".join(options)

    def auth_reference(self, name: str, scopes: tuple[str, ...]) -> str:
        return identifier(name)

    def auth_models(self) -> list[str]:
        lines = []
        for scheme in self.doc.service.security_schemes:
            model = conventions.auth_model(scheme.definition)
            if model is None:
                self.diagnostics.warning(
                    "security-scheme-dropped",
                    f"the security scheme {scheme.name!r} has no TypeSpec auth model; it is not carried",
                )
                continue
            definition = scheme.definition if isinstance(scheme.definition, dict) else {}
            lines.extend(self.doc_comment(definition.get("description"), ""))
            # Qualified, so that a scheme named like the model (``BearerAuth``) is not circular.
            lines.append(f"model {identifier(scheme.name)} is Http.{model};")
            lines.append("")
        return lines


def _local_names(document: ir.Document, shared_parameters: dict) -> tuple[dict[str, str], dict[int, str]]:
    """Identifiers for the declarations and operations named like something the output refers
    to without qualification (``string``, ``Record``, ``Http``, ``SSEStream`` ...): the name
    with ``_`` appended (then a number), free in its namespace."""
    taken = {(d.namespace, d.name) for d in document.declarations}
    taken |= {(op.namespace, op.name) for op in document.operations}
    taken |= {(document.service.namespace, group) for group in shared_parameters}
    declarations: dict[str, str] = {}
    operations: dict[int, str] = {}

    def fresh(namespace: tuple[str, ...], name: str) -> str:
        candidate, counter = f"{name}_", 1
        while (namespace, candidate) in taken or candidate in REFERENCED_NAMES:
            counter += 1
            candidate = f"{name}_{counter}"
        taken.add((namespace, candidate))
        return candidate

    for declaration in document.declarations:
        if declaration.name in REFERENCED_NAMES:
            declarations[declaration.qualified_name] = fresh(declaration.namespace, declaration.name)
    for op in document.operations:
        if op.name in REFERENCED_NAMES:
            operations[id(op)] = fresh(op.namespace, op.name)
    return declarations, operations


def _shared_parameters(document: ir.Document, taken: set[str]) -> dict[str, dict[str, ir.Parameter]]:
    """``components/parameters`` keys ``Model.property`` (or ``Model``) grouped by model, in
    first use; a group whose name is taken by a declaration stays inline."""
    groups: dict[str, dict[str, ir.Parameter]] = {}
    for op in document.operations:
        for parameter in op.parameters:
            if parameter.component is None:
                continue
            key = parameter.component
            group = key.rsplit(".", 1)[0] if "." in key else key
            if ".".join((*document.service.namespace, group)) in taken or not group:
                continue
            groups.setdefault(group, {}).setdefault(key, parameter)
    return groups


def _body_kind(content: ir.Content) -> str:
    if isinstance(content.type, ir.StreamOf):
        return "stream"
    if content.media_type.lower().startswith("multipart/"):
        return "multipart"
    return "plain"


def _uri_template(op: ir.Operation) -> str:
    """The route, with what path parameters declare about their form written as the compiler
    wants it, in the URI template (RFC 6570): ``{name*}`` (explode), ``{.name}`` (label),
    ``{;name}`` (matrix)."""
    path = op.path
    for parameter in op.parameters:
        if parameter.location != "path":
            continue
        prefix = {"label": ".", "matrix": ";"}.get(parameter.style or "", "")
        suffix = "*" if parameter.explode else ""
        if prefix or suffix:
            path = path.replace("{" + parameter.name + "}", "{" + prefix + parameter.name + suffix + "}")
    return path


def _needs_envelope(kind: ir.TypeExpr | None, declarations: dict) -> bool:
    """A 200 body that would not read back as a body: ``void``, ``null``, an anonymous model
    (its properties would be taken for metadata-free response fields, which is the same), or a
    union, named or not (which the HTTP library splits into several responses, leaving out
    ``null``), unless it is discriminated."""
    if isinstance(kind, ir.Ref):
        target = declarations.get(kind.target)
        return isinstance(target, ir.Union) and target.discriminator is None
    return isinstance(kind, ir.UnionOf) or kind in (ir.Intrinsic("void"), ir.Intrinsic("null"), None)


def _parameter_identifier(parameter: ir.Parameter) -> str:
    name = parameter.name
    if is_plain_identifier(name) and not (parameter.location == "header" and "-" in name):
        return name
    return camel_case(name) if any(c.isalnum() for c in name) else "parameter"


def _unique(name: str, taken: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{name}{counter}"
    taken.add(candidate)
    return candidate
