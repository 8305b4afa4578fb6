"""The OpenAPI emitter: IR → an OpenAPI 3.2 document (README "Event streams",
"The rest of the document").

Reads only the IR. Paths and components keep declaration order (README "Usage"), where the
official emitter sorts them; everything else follows its conventions.
"""

from __future__ import annotations

from .. import ir
from ..conventions import status_description
from ..diagnostics import DiagnosticBag
from .emit_schemas import SchemaWriter

SUPPORTED_VERSIONS = ("3.2.0", "3.1.0")
METHOD_EXTENSION = "x-sse-bridge-method"
_STANDARD_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BYTES = ir.Intrinsic("bytes")


def emit_document(
    document: ir.Document, version: str = "3.2.0", diagnostics: DiagnosticBag | None = None
) -> dict:
    return _DocumentWriter(document, version, diagnostics or DiagnosticBag()).write()


class _DocumentWriter:
    def __init__(self, document: ir.Document, version: str, diagnostics: DiagnosticBag) -> None:
        self.doc = document
        self.version = version
        self.diagnostics = diagnostics
        self.schemas = SchemaWriter(document, diagnostics, version)
        self.parameters: dict[str, dict] = {}  # components/parameters, filled as operations are written

    def write(self) -> dict:
        service = self.doc.service
        out: dict = {"openapi": self.version, "info": self.info()}
        out["tags"] = self.tags()
        out["paths"] = self.paths()
        if service.security:
            out["security"] = [self.requirement(r) for r in service.security]
        components: dict = {}
        if self.parameters:
            components["parameters"] = self.parameters
        schemas = self.schemas.components()
        if schemas:
            components["schemas"] = schemas
        if service.security_schemes:
            components["securitySchemes"] = {s.name: s.definition for s in service.security_schemes}
        out["components"] = components
        if service.servers:
            out["servers"] = [self.server(s) for s in service.servers]
        for extension in service.extensions:
            out[extension.name] = extension.value
        return out

    def info(self) -> dict:
        service = self.doc.service
        info: dict = {"title": service.title if service.title is not None else "(title)"}
        info["version"] = service.version if service.version is not None else "0.0.0"
        if service.summary is not None:
            info["summary"] = service.summary
        if service.doc is not None:
            info["description"] = service.doc
        if service.terms_of_service is not None:
            info["termsOfService"] = service.terms_of_service
        if service.contact is not None:
            info["contact"] = service.contact
        if service.license is not None:
            info["license"] = service.license
        for extension in service.info_extensions:
            info[extension.name] = extension.value
        return info

    def tags(self) -> list:
        """Tags used by operations (in first use) then the described ones, each once."""
        tags: dict[str, dict] = {}
        described = {t.name: t for t in self.doc.service.tags}
        for tag in self.doc.service.tags:
            tags[tag.name] = self.tag(tag)
        for op in self.doc.operations:
            for name in op.tags:
                if name not in tags:
                    tags[name] = self.tag(described.get(name, ir.Tag(name)))
        return list(tags.values())

    def tag(self, tag: ir.Tag) -> dict:
        out: dict = {"name": tag.name}
        if tag.doc is not None:
            out["description"] = tag.doc
        if tag.external_docs is not None:
            url, text = tag.external_docs
            out["externalDocs"] = {"url": url, **({"description": text} if text else {})}
        for extension in tag.extensions:
            out[extension.name] = extension.value
        return out

    def server(self, server: ir.Server) -> dict:
        out: dict = {"url": server.url}
        if server.description:
            out["description"] = server.description
        variables = {}
        for variable in server.variables:
            entry: dict = {"default": variable.default}
            if variable.enum:
                entry["enum"] = list(variable.enum)
            if variable.doc:
                entry["description"] = variable.doc
            variables[variable.name] = entry
        out["variables"] = variables  # always present, as the official emitter writes it
        return out

    def requirement(self, requirement: ir.SecurityRequirement) -> dict:
        return {name: list(scopes) for name, scopes in requirement.schemes}

    # --- paths -----------------------------------------------------------------------------------

    def paths(self) -> dict:
        paths: dict[str, dict] = {}
        for op in self.doc.operations:
            key, op_object = self.operation(op)
            item = paths.setdefault(key, {})
            method = op.method
            if method in _STANDARD_METHODS or (method == "query" and self.version >= "3.2"):
                slot = item
            elif self.version >= "3.2":
                slot = item.setdefault("additionalOperations", {})
                method = method.upper()
            else:
                self.diagnostics.warning(
                    "operation-dropped",
                    f"OpenAPI {self.version} has no room for the {method.upper()} method of {op.name!r} "
                    "(3.2's additionalOperations); it is not written",
                    op.pos,
                )
                continue
            if method in slot:
                self.diagnostics.warning(
                    "duplicate-operation",
                    f"{op.method.upper()} {key} is declared twice; the later operation replaces the earlier",
                    op.pos,
                )
            slot[method] = op_object
        return paths

    def operation(self, op: ir.Operation) -> tuple[str, dict]:
        path, parameters = self.route(op)
        out: dict = {"operationId": op.effective_operation_id}
        if op.meta.summary is not None:
            out["summary"] = op.meta.summary
        if op.meta.doc is not None:
            out["description"] = op.meta.doc
        if op.tags:
            out["tags"] = list(op.tags)
        out["parameters"] = [self.parameter(p) for p in parameters]
        if op.body is not None and op.body.contents:
            out["requestBody"] = self.request_body(op.body)
        out["responses"] = self.responses(op)
        if op.security is not None:
            out["security"] = [self.requirement(r) for r in op.security]
        if op.meta.deprecated is not None:
            out["deprecated"] = True
        if op.meta.external_docs is not None:
            url, text = op.meta.external_docs
            out["externalDocs"] = {"url": url, **({"description": text} if text else {})}
        for extension in op.meta.extensions:
            if extension.name != METHOD_EXTENSION:
                out[extension.name] = extension.value
        return path, out

    def route(self, op: ir.Operation) -> tuple[str, list[ir.Parameter]]:
        """The path key. Operations sharing a route (``@sharedRoute``) that are told apart by
        required constant query parameters are keyed ``path?name=value`` (OpenAI's form):
        OpenAPI has room for one operation per path and method."""
        parameters = list(op.parameters)
        if not op.shared_route:
            return op.path, parameters
        constants = [
            p
            for p in parameters
            if p.location == "query"
            and not p.optional
            and isinstance(p.type, ir.Literal)
            and isinstance(p.type.value, str)
        ]
        if not constants:
            return op.path, parameters
        query = "&".join(f"{p.name}={p.type.value}" for p in constants)
        return f"{op.path}?{query}", [p for p in parameters if p not in constants]

    def parameter(self, parameter: ir.Parameter) -> dict:
        if parameter.component is None:
            return self.parameter_object(parameter)
        shared = self.parameter_object(parameter)
        existing = self.parameters.setdefault(parameter.component, shared)
        if existing != shared:
            self.diagnostics.warning(
                "duplicate-parameter-component",
                f"two different parameters are both named {parameter.component!r}; the second is written inline",
                parameter.pos,
            )
            return shared
        return {"$ref": f"#/components/parameters/{parameter.component}"}

    def parameter_object(self, parameter: ir.Parameter) -> dict:
        out: dict = {"name": parameter.name, "in": parameter.location, "required": not parameter.optional}
        if parameter.meta.doc is not None:
            out["description"] = parameter.meta.doc
        schema = self.schemas.annotated(
            self.schemas.schema(parameter.type),
            parameter.type,
            parameter.facets,
            ir.Metadata(examples=parameter.meta.examples),
        )
        if parameter.has_default:  # beside a $ref, as the official emitter writes it
            schema["default"] = self.schemas.value(parameter.default)
        out["schema"] = schema
        if parameter.location == "query":
            if parameter.style is not None:
                out["style"] = parameter.style
                out["explode"] = False
            elif not parameter.explode:
                out["explode"] = False
        elif parameter.location == "cookie":
            out["explode"] = False
        else:
            if parameter.explode:
                out["explode"] = True
            if parameter.location == "path" and parameter.style is not None:
                out["style"] = parameter.style  # label, matrix: ``{.p}``, ``{;p}``
        if parameter.allow_reserved:
            out["allowReserved"] = True
        if parameter.meta.deprecated is not None:
            out["deprecated"] = True
        for extension in parameter.meta.extensions:
            out[extension.name] = extension.value
        return out

    # --- bodies ----------------------------------------------------------------------------------------

    def content(self, contents: tuple[ir.Content, ...]) -> dict:
        out: dict = {}
        for content in contents:
            out[content.media_type] = self.media(content)
        return out

    def media(self, content: ir.Content) -> dict:
        kind = content.type
        if isinstance(kind, ir.StreamOf):
            # 3.1 has no itemSchema: the Speakeasy convention, where ``schema`` describes one
            # event (or one line), which is also how sse-bridge reads 3.0/3.1 streams.
            key = "itemSchema" if self.version >= "3.2" else "schema"
            media = {key: self.schemas.schema(kind.item)}
        elif kind is None:
            media = {}
        elif kind == _BYTES and content.media_type not in ("application/json", "text/plain"):
            # A raw binary body, as the official emitter writes it (3.1 and later).
            media = {"schema": {"contentMediaType": content.media_type}}
        else:
            media = {"schema": self.schemas.schema(kind)}
        for extension in content.extensions:
            media[extension.name] = extension.value
        return media

    def request_body(self, body: ir.RequestBody) -> dict:
        out: dict = {"required": not body.optional, "content": self.content(body.contents)}
        if body.meta.doc is not None:
            out["description"] = body.meta.doc
        return out

    def responses(self, op: ir.Operation) -> dict:
        responses: dict[str, dict] = {}
        for response in op.responses:
            key = str(response.status)
            entry: dict = responses.get(key) or {
                "description": response.description
                if response.description is not None
                else status_description(response.status)
            }
            if response.headers:
                headers = entry.setdefault("headers", {})
                for header in response.headers:
                    headers[header.name] = self.header(header)
            if response.contents:
                content = entry.setdefault("content", {})
                content.update(self.content(response.contents))
            responses[key] = entry
        if not responses:
            responses["204"] = {"description": status_description(204)}
        return responses

    def header(self, header: ir.Header) -> dict:
        out: dict = {"required": not header.optional}
        if header.meta.doc is not None:
            out["description"] = header.meta.doc
        out["schema"] = self.schemas.annotated(
            self.schemas.schema(header.type), header.type, header.facets, ir.NO_METADATA
        )
        return out
