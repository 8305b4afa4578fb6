"""Paths and operations → IR HTTP operations (README "The rest of the document").

Path keys are taken as written, except a ``?query`` suffix (OpenAI's ``/responses?beta=true``):
OpenAPI allows one operation per path and method, so real documents encode a second one in
the key. The suffix becomes required query parameters with constant values, and operations
that then share a route and method are marked ``@sharedRoute`` (the OpenAPI emitter keys them
by those constants again). A ``#fragment`` suffix (Mistral's ``#stream``) is a valid route
and stays in it.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

from .. import ir
from ..diagnostics import converting
from ..names import camel_case, is_plain_identifier, needs_backticks, pascal_case
from .context import At, ImportContext, kind_of
from .schemas import SchemaImporter
from .streams import StreamImporter

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
LOCATIONS = ("path", "query", "header", "cookie", "querystring")


class OperationImporter:
    def __init__(self, ctx: ImportContext, schemas: SchemaImporter, streams: StreamImporter) -> None:
        self.ctx = ctx
        self.schemas = schemas
        self.streams = streams

    # --- discovery -----------------------------------------------------------------------------

    def each_operation(self):
        """(path key, method, operation, operation At, path item, path item At) in source order."""
        root = self.ctx.root
        paths_at = At(root, ("paths",))
        paths = self.ctx.mapping(root.data.get("paths"), paths_at, "paths")
        for key, item in paths.items():
            item_at = paths_at / key
            item, item_at = self.ctx.follow(item, item_at, "path-item")
            if item is None:
                continue
            item = self.ctx.mapping(item, item_at, f"the path item {key!r}")
            for method in [k for k in item if k in METHODS]:  # in the item's order (README "Usage")
                if method in item:
                    operation = self.ctx.mapping(
                        item[method], item_at / method, f"the operation {method} {key}"
                    )
                    yield str(key), method, operation, item_at / method, item, item_at
            extra = item.get("additionalOperations")
            if isinstance(extra, dict):
                for method, operation in extra.items():
                    op_at = item_at / "additionalOperations" / method
                    yield (
                        str(key),
                        str(method).lower(),
                        self.ctx.mapping(operation, op_at, "an operation"),
                        op_at,
                        item,
                        item_at,
                    )

    def media_types(self) -> list[tuple[str, dict, At, int | str]]:
        """Every response and request media type, for stream planning."""
        found = []
        for _key, _method, operation, op_at, _item, _item_at in self.each_operation():
            responses = operation.get("responses")
            if isinstance(responses, dict):
                for status, response in responses.items():
                    response, response_at = self.ctx.follow(
                        response, op_at / "responses" / status, "response"
                    )
                    content = response.get("content") if isinstance(response, dict) else None
                    if isinstance(content, dict):
                        for media_type, media in content.items():
                            if isinstance(media, dict):
                                found.append(
                                    (str(media_type), media, response_at / "content" / media_type, status)
                                )
            body, body_at = self.ctx.follow(
                operation.get("requestBody"), op_at / "requestBody", "request-body"
            )
            if isinstance(body, dict) and isinstance(body.get("content"), dict):
                for media_type, media in body["content"].items():
                    if isinstance(media, dict):
                        found.append((str(media_type), media, body_at / "content" / media_type, "request"))
        return found

    # --- operations --------------------------------------------------------------------------------

    def import_operations(self) -> list[ir.Operation]:
        operations: list[ir.Operation] = []
        first = 1 << 20  # declarations made for operations sort after every component
        unrooted: set[str] = set()
        for index, (key, method, operation, op_at, item, item_at) in enumerate(self.each_operation()):
            if not key.startswith("/") and key not in unrooted:
                unrooted.add(key)
                self.ctx.warn(
                    "path-not-rooted",
                    f"the path {key!r} does not start with '/', as OpenAPI requires; it is read as '/{key}'",
                    At(self.ctx.root, ("paths", key)),
                )
            self.ctx.owner = (first + index,)
            converting(op_at.location)
            operations.append(self.operation(key, method, operation, op_at, item, item_at))
        self.ctx.owner = ()
        self._warn_unsupported_roots()
        return _mark_shared_routes(operations)

    def operation(self, key: str, method: str, op: dict, at: At, item: dict, item_at: At) -> ir.Operation:
        route, constants = _split_route(key if key.startswith("/") else "/" + key)
        op_id = op.get("operationId")
        if op_id is not None and not isinstance(op_id, str):
            self.ctx.error(
                "wrong-type", f"operationId must be a string, not {kind_of(op_id)}", at / "operationId"
            )
            op_id = None
        wanted = (
            op_id
            if op_id and is_plain_identifier(op_id) and not needs_backticks(op_id)
            else (camel_case(op_id) if op_id else camel_case(f"{method} {route}"))
        )
        name = self.ctx.names.allocate(wanted)
        explicit_id = op_id if op_id is not None and op_id != name else None
        hint = pascal_case(name)
        parameters = self.parameters(item, item_at, op, at, hint)
        parameters = [p for p in parameters if not (p.location == "query" and p.name in dict(constants))]
        for query_name, value in constants:
            parameters.append(ir.Parameter(query_name, "query", ir.Literal(value), pos=at.location))
        parameters = self._complete_path_parameters(route, parameters, at)
        body = self.request_body(op.get("requestBody"), at / "requestBody", hint)
        responses = self.responses(op.get("responses"), at / "responses", hint)
        for unsupported in ("callbacks", "servers"):
            if unsupported in op:
                self.ctx.warn(
                    "operation-field-dropped",
                    f"{unsupported} on an operation are not carried",
                    at / unsupported,
                )
        return ir.Operation(
            name=name,
            namespace=self.ctx.namespace,
            interface=None,
            method=method,
            path=route,
            operation_id=explicit_id,
            parameters=tuple(parameters),
            body=body,
            responses=tuple(responses),
            tags=tuple(t for t in op.get("tags") or () if isinstance(t, str)),
            security=self._security(op, at),
            meta=self._metadata(op, at),
            pos=at.location,
        )

    def _metadata(self, op: dict, at: At) -> ir.Metadata:
        summary = op.get("summary") if isinstance(op.get("summary"), str) else None
        doc = op.get("description") if isinstance(op.get("description"), str) else None
        docs = op.get("externalDocs")
        external = None
        if isinstance(docs, dict) and isinstance(docs.get("url"), str):
            external = (
                docs["url"],
                docs.get("description") if isinstance(docs.get("description"), str) else None,
            )
        return ir.Metadata(
            doc=doc,
            summary=summary,
            deprecated="" if op.get("deprecated") is True else None,
            extensions=tuple(
                ir.Extension(k, v) for k, v in op.items() if isinstance(k, str) and k.startswith("x-")
            ),
            external_docs=external,
        )

    def _security(self, op: dict, at: At) -> tuple[ir.SecurityRequirement, ...] | None:
        if "security" not in op:
            return None
        return security_requirements(self.ctx, op["security"], at / "security")

    # --- parameters -----------------------------------------------------------------------------------

    def parameters(self, item: dict, item_at: At, op: dict, op_at: At, hint: str) -> list[ir.Parameter]:
        merged: dict[tuple[str, str], ir.Parameter] = {}
        for owner, owner_at in ((item, item_at), (op, op_at)):
            values = owner.get("parameters")
            if values is None:
                continue
            if not isinstance(values, list):
                self.ctx.error(
                    "wrong-type", f"parameters must be a list, not {kind_of(values)}", owner_at / "parameters"
                )
                continue
            for index, value in enumerate(values):
                parameter = self.parameter(value, owner_at / "parameters" / index, hint)
                if parameter is not None:
                    merged[(parameter.name, parameter.location)] = parameter
        return list(merged.values())

    def parameter(self, value: object, at: At, hint: str) -> ir.Parameter | None:
        component = None
        if isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if (
                ref.startswith("#/components/parameters/")
                and "/" not in ref[len("#/components/parameters/") :]
            ):
                component = ref[len("#/components/parameters/") :]
        value, at = self.ctx.follow(value, at, "parameter")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.ctx.error("wrong-type", f"a parameter must be a mapping, not {kind_of(value)}", at)
            return None
        name, location = value.get("name"), value.get("in")
        if not isinstance(name, str) or location not in LOCATIONS:
            self.ctx.error(
                "wrong-type",
                "a parameter needs a string name and an 'in' of path, query, header or cookie",
                at,
            )
            return None
        if location == "header" and name.lower() == "content-type":
            self.ctx.warn(
                "parameter-dropped",
                "the Content-Type header is the request body's media type; not a parameter",
                at,
            )
            return None
        schema, schema_at = value.get("schema"), at / "schema"
        if schema is None and isinstance(value.get("content"), dict) and value["content"]:
            media_type, media = next(iter(value["content"].items()))
            schema = media.get("schema") if isinstance(media, dict) else None
            schema_at = at / "content" / media_type / "schema"
            self.ctx.warn(
                "parameter-content-dropped",
                f"the parameter {name!r} is serialized as {media_type}; TypeSpec keeps only its schema",
                at / "content",
            )
        converted = self.schemas.convert(
            schema if schema is not None else {"type": "string"}, schema_at, hint + pascal_case(name)
        )
        style = value.get("style") if isinstance(value.get("style"), str) else None
        explode_flag = value.get("explode")
        if location == "query":
            exploded = explode_flag if isinstance(explode_flag, bool) else style in (None, "form")
        else:
            exploded = explode_flag is True
        if style in ("spaceDelimited", "pipeDelimited") and location == "query":
            exploded = False
        elif style in ("label", "matrix") and location == "path":
            pass  # written in the route: ``{.name}``, ``{;name}``
        elif style not in (None, "form", "simple"):
            self.ctx.warn(
                "parameter-style-dropped", f"style {style!r} has no TypeSpec equivalent; dropped", at
            )
            style = None
        else:
            style = None
        if value.get("allowReserved") is True:
            self.ctx.warn(
                "parameter-style-dropped",
                "allowReserved has no TypeSpec equivalent the OpenAPI output keeps; dropped",
                at / "allowReserved",
            )
        is_collection = isinstance(converted.type, (ir.ArrayOf, ir.ObjectType, ir.RecordOf, ir.Ref))
        meta = converted.meta
        doc = value.get("description") if isinstance(value.get("description"), str) else meta.doc
        meta = ir.Metadata(
            doc=doc,
            deprecated="" if value.get("deprecated") is True else None,
            extensions=tuple(
                ir.Extension(k, v) for k, v in value.items() if isinstance(k, str) and k.startswith("x-")
            ),
        )
        required = value.get("required") is True or location == "path"
        return ir.Parameter(
            name=name,
            location=location,
            type=converted.type,
            optional=not required,
            default=converted.default,
            has_default=converted.has_default,
            explode=True if exploded and is_collection else None,
            style=style,
            allow_reserved=False,
            facets=converted.facets,
            meta=meta,
            component=component,
            pos=at.location,
        )

    def _complete_path_parameters(
        self, route: str, parameters: list[ir.Parameter], at: At
    ) -> list[ir.Parameter]:
        declared = {p.name for p in parameters if p.location == "path"}
        result = list(parameters)
        for segment in _template_names(route):
            if segment not in declared:
                self.ctx.warn(
                    "path-parameter-added",
                    f"the route uses {{{segment}}} but declares no such path parameter; it is added as a string",
                    at,
                )
                result.append(ir.Parameter(segment, "path", ir.Intrinsic("string"), pos=at.location))
        for parameter in parameters:
            if parameter.location == "path" and parameter.name not in _template_names(route):
                self.ctx.warn(
                    "parameter-dropped",
                    f"the path parameter {parameter.name!r} does not appear in the route",
                    at,
                )
                result.remove(parameter)
        return result

    # --- bodies ------------------------------------------------------------------------------------------

    def request_body(self, value: object, at: At, hint: str) -> ir.RequestBody | None:
        if value is None:
            return None
        use_at = at
        value, at = self.ctx.follow(value, at, "request-body")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.ctx.error("wrong-type", f"requestBody must be a mapping, not {kind_of(value)}", at)
            return None
        if not value.get("content"):
            # TypeSpec has no body without a type: the description and `required` have no place.
            dropped = [k for k in ("description", "required") if k in value]
            what = f" (its {' and '.join(dropped)} too)" if dropped else ""
            self.ctx.warn(
                "body-content-dropped",
                f"this request body declares no content, so it is not carried{what}",
                use_at,
            )
        contents = self.contents(
            value.get("content"), at / "content", hint + "Request", "request", hint + "Request"
        )
        doc = value.get("description") if isinstance(value.get("description"), str) else None
        return ir.RequestBody(
            contents=tuple(contents),
            optional=value.get("required") is not True,
            meta=ir.Metadata(doc=doc),
            pos=at.location,
        )

    def contents(
        self, content: object, at: At, hint: str, status: int | str, stream_hint: str
    ) -> list[ir.Content]:
        if content is None:
            return []
        if not isinstance(content, dict):
            self.ctx.error("wrong-type", f"content must be a mapping, not {kind_of(content)}", at)
            return []
        result = []
        for media_type, media in content.items():
            media_at = at / media_type
            media, media_at = self.ctx.follow(media, media_at, "media-type")
            if media is None:
                continue
            if not isinstance(media, dict):
                self.ctx.error(
                    "wrong-type", f"a media type object must be a mapping, not {kind_of(media)}", media_at
                )
                continue
            stream = self.streams.content(str(media_type), media, media_at, stream_hint, status)
            if stream is not None:
                result.append(stream)
                continue
            if "itemSchema" in media:
                self.ctx.warn(
                    "item-schema-dropped",
                    f"itemSchema under {media_type} describes a stream TypeSpec has no type for; the schema is kept",
                    media_at / "itemSchema",
                )
            schema = media.get("schema")
            if _is_raw_binary(schema):
                # OpenAPI 3.1's raw binary body, ``{contentMediaType: image/png}``: bytes, as
                # both emitters write a ``bytes`` body of a media type other than JSON or text.
                result.append(ir.Content(str(media_type), ir.Intrinsic("bytes")))
                continue
            kind = self.schemas.body_type(schema, media_at / "schema", hint) if schema is not None else None
            result.append(ir.Content(str(media_type), kind))
        return result

    def responses(self, value: object, at: At, hint: str) -> list[ir.Response]:
        if value is None:
            self.ctx.warn("missing-responses", "the operation declares no responses", at)
            return []
        if not isinstance(value, dict):
            self.ctx.error("wrong-type", f"responses must be a mapping, not {kind_of(value)}", at)
            return []
        result = []
        for status_key, response in value.items():
            status = _status(str(status_key))
            response_at = at / status_key
            if status is None:
                if not str(status_key).startswith("x-"):
                    self.ctx.error(
                        "invalid-status", f"{status_key!r} is not an HTTP status code", response_at
                    )
                continue
            response, response_at = self.ctx.follow(response, response_at, "response")
            if response is None:
                continue
            if not isinstance(response, dict):
                self.ctx.error(
                    "wrong-type", f"a response must be a mapping, not {kind_of(response)}", response_at
                )
                continue
            suffix = "" if status == 200 else str(status).capitalize()
            contents = self.contents(
                response.get("content"),
                response_at / "content",
                hint + "Response" + suffix,
                status,
                hint + suffix,
            )
            for content in contents:
                if content.media_type.split(";")[0].strip() == "text/event-stream" and not isinstance(
                    content.type, ir.StreamOf
                ):
                    self.ctx.warn(
                        "error-stream-as-body",
                        f"the {status} response is declared as an event stream with a plain schema; "
                        "it is kept as a body of that content type",
                        response_at / "content",
                    )
            description = response.get("description")
            if description is not None and not isinstance(description, str):
                self.ctx.error(
                    "wrong-type", "a response description must be a string", response_at / "description"
                )
                description = None
            result.append(
                ir.Response(
                    status=status,
                    description=description,
                    headers=tuple(self.headers(response.get("headers"), response_at / "headers", hint)),
                    contents=tuple(contents),
                    pos=response_at.location,
                )
            )
        return result

    def headers(self, value: object, at: At, hint: str) -> list[ir.Header]:
        if value is None:
            return []
        if not isinstance(value, dict):
            self.ctx.error("wrong-type", f"headers must be a mapping, not {kind_of(value)}", at)
            return []
        result = []
        for name, header in value.items():
            header, header_at = self.ctx.follow(header, at / name, "header")
            if header is None or str(name).lower() == "content-type":
                continue
            if not isinstance(header, dict):
                self.ctx.error("wrong-type", f"a header must be a mapping, not {kind_of(header)}", header_at)
                continue
            schema = header.get("schema", {"type": "string"})
            converted = self.schemas.convert(schema, header_at / "schema", hint + pascal_case(str(name)))
            doc = (
                header.get("description")
                if isinstance(header.get("description"), str)
                else converted.meta.doc
            )
            result.append(
                ir.Header(
                    name=str(name),
                    type=converted.type,
                    optional=header.get("required") is not True,
                    facets=converted.facets,
                    meta=ir.Metadata(doc=doc),
                )
            )
        return result

    def _warn_unsupported_roots(self) -> None:
        data = self.ctx.root.data
        for key in ("webhooks",):
            if isinstance(data.get(key), dict) and data[key]:
                self.ctx.warn(
                    "webhooks-dropped",
                    f"{len(data[key])} webhooks are not carried: TypeSpec's OpenAPI emitter has no webhooks",
                    At(self.ctx.root, (key,)),
                )


def security_requirements(ctx: ImportContext, value: object, at: At) -> tuple[ir.SecurityRequirement, ...]:
    if not isinstance(value, list):
        ctx.error("wrong-type", f"security must be a list, not {kind_of(value)}", at)
        return ()
    result = []
    for index, requirement in enumerate(value):
        if not isinstance(requirement, dict):
            ctx.error("wrong-type", "a security requirement must be a mapping", at / index)
            continue
        schemes = []
        for scheme, scopes in requirement.items():
            scope_list = tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else ()
            schemes.append((str(scheme), scope_list))
        result.append(ir.SecurityRequirement(tuple(schemes)))
    return tuple(result)


def _split_route(key: str) -> tuple[str, list[tuple[str, str]]]:
    if "?" not in key:
        return key, []
    path, _, query = key.partition("?")
    return path, parse_qsl(query, keep_blank_values=True)


def _template_names(route: str) -> list[str]:
    names = []
    start = route.find("{")
    while start >= 0:
        end = route.find("}", start)
        if end < 0:
            break
        names.append(route[start + 1 : end].lstrip("+/.;?&"))
        start = route.find("{", end)
    return names


def _status(key: str) -> int | str | None:
    if key == "default":
        return "default"
    if len(key) == 3 and key[0] in "12345" and key[1:].upper() == "XX":
        return key[0] + "XX"
    if key.isdigit() and 100 <= int(key) <= 599:
        return int(key)
    return None


def _is_raw_binary(schema: object) -> bool:
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("contentMediaType"), str)
        and not schema.keys() - {"contentMediaType", "description", "title"}
    )


def _mark_shared_routes(operations: list[ir.Operation]) -> list[ir.Operation]:
    groups: dict[tuple[str, str], int] = {}
    for op in operations:
        groups[(op.method, op.path)] = groups.get((op.method, op.path), 0) + 1
    return [replace(op, shared_route=True) if groups[(op.method, op.path)] > 1 else op for op in operations]
