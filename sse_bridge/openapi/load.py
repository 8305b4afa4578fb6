"""The OpenAPI loader: a parsed document → the shared IR (README "Event streams",
"The rest of the document").

Order of work: component names are reserved first (so synthesized names never take a
component's), streams are planned (a component used only as a stream item becomes the
``@events`` union), components are converted in source order, then operations; finally
defaults and examples are checked against the types they annotate (``values.settle``).
"""

from __future__ import annotations

from pathlib import Path

from .. import ir
from ..diagnostics import DiagnosticBag
from ..names import REFERENCED_NAMES, pascal_case
from . import inheritance, values
from .context import VERSION, At, ImportContext, kind_of
from .operations import OperationImporter, security_requirements
from .refs import RefResolver
from .schemas import SchemaImporter
from .shapes import ShapeChecker
from .source import Source
from .streams import StreamImporter, settle_envelopes

SUPPORTED_VERSIONS = ((3, 0), (3, 1), (3, 2))


def import_document(
    source: Source, diagnostics: DiagnosticBag, base_dir: Path | None = None, namespace: str | None = None
) -> ir.Document | None:
    """Convert ``source``; returns None when the document is not OpenAPI at all."""
    for warning in source.warnings:
        diagnostics.add(warning)
    data = source.data
    root_at = At(source, ())
    if not isinstance(data, dict):
        diagnostics.error(
            "not-openapi", f"an OpenAPI document must be a mapping, not {kind_of(data)}", root_at.location
        )
        return None
    if "openapi" not in data:
        if "swagger" in data:
            diagnostics.error(
                "unsupported-version",
                "Swagger 2.0 is not supported; convert it to OpenAPI 3 first",
                root_at.location,
            )
        else:
            diagnostics.error(
                "not-openapi", "this is not an OpenAPI document (no 'openapi' field)", root_at.location
            )
        return None
    version = data["openapi"]
    if isinstance(version, (int, float)) and not isinstance(version, bool) and VERSION.match(str(version)):
        diagnostics.warning(
            "wrong-type",
            f"openapi should be a string such as '3.1.0'; the number {version} is read as '{version}'",
            (root_at / "openapi").location,
        )
        version = str(version)
        data = source.data = {**data, "openapi": version}
    match = VERSION.match(version) if isinstance(version, str) else None
    if match is None or (int(match[1]), int(match[2])) not in SUPPORTED_VERSIONS:
        shown = repr(version) if isinstance(version, str) else kind_of(version)
        diagnostics.error(
            "unsupported-version",
            f"openapi must be a 3.0, 3.1 or 3.2 version such as '3.1.0', not {_short(shown)}",
            (root_at / "openapi").location,
        )
        return None
    shapes = ShapeChecker(diagnostics)
    shapes.document(source)  # the README's "Diagnostics": wrong types are reported, then left out
    data = source.data
    resolver = RefResolver(source, diagnostics, base_dir, prepare=shapes.document)
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    ns = namespace or pascal_case(str(info.get("title") or "Api"))
    if namespace is None and ns in REFERENCED_NAMES:
        ns += "Api"  # a title such as "Http" must not name a namespace the output refers to
    ctx = ImportContext(source, resolver, diagnostics, tuple(ns.split(".")), shapes)
    schemas = SchemaImporter(ctx)
    streams = StreamImporter(ctx, schemas)
    operations = OperationImporter(ctx, schemas, streams)
    schemas.reserve_components()
    streams.plan(operations.media_types())
    schemas.import_components()
    ops = operations.import_operations()
    schemas.drain()
    service = _service(ctx, data, root_at)
    document = ir.Document(service=service, declarations=ctx.declarations(), operations=tuple(ops))
    document = inheritance.settle(document, ctx.required_mentions, ctx.discriminator_values, diagnostics)
    document = settle_envelopes(document, diagnostics)
    return values.settle(document, diagnostics)


def _service(ctx: ImportContext, data: dict, root_at: At) -> ir.Service:
    info_at = root_at / "info"
    info = ctx.mapping(data.get("info"), info_at, "info")
    if "info" not in data:
        ctx.warn("missing-info", "the document has no info object", root_at)

    def text(mapping: dict, key: str, at: At) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "version":
            return str(value)
        if not isinstance(value, str):
            ctx.error("wrong-type", f"{key} must be a string, not {kind_of(value)}", at / key)
            return None
        return value

    servers = []
    raw_servers = data.get("servers")
    if isinstance(raw_servers, list):
        for index, server in enumerate(raw_servers):
            server_at = root_at / "servers" / index
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                ctx.error("wrong-type", "a server needs a string url", server_at)
                continue
            variables = []
            for var_name, var in (server.get("variables") or {}).items():
                if not isinstance(var, dict):
                    continue
                enum = tuple(str(v) for v in var.get("enum") or () if isinstance(v, (str, int, float)))
                variables.append(
                    ir.ServerVariable(
                        str(var_name),
                        str(var.get("default", "")),
                        enum,
                        var.get("description") if isinstance(var.get("description"), str) else None,
                    )
                )
            servers.append(ir.Server(server["url"], text(server, "description", server_at), tuple(variables)))
    elif raw_servers is not None:
        ctx.error("wrong-type", f"servers must be a list, not {kind_of(raw_servers)}", root_at / "servers")
    tags = []
    raw_tags = data.get("tags")
    used = _operation_tags(data)
    if isinstance(raw_tags, list):
        for index, tag in enumerate(raw_tags):
            tag_at = root_at / "tags" / index
            if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
                ctx.error("wrong-type", "a tag needs a string name", tag_at)
                continue
            if set(tag) == {"name"} and tag["name"] in used:
                continue  # a bare name the operations already carry: nothing to describe
            docs = tag.get("externalDocs")
            external = (
                (docs["url"], docs.get("description"))
                if isinstance(docs, dict) and isinstance(docs.get("url"), str)
                else None
            )
            tags.append(
                ir.Tag(
                    tag["name"],
                    text(tag, "description", tag_at),
                    external,
                    tuple(
                        ir.Extension(k, v)
                        for k, v in tag.items()
                        if isinstance(k, str) and k.startswith("x-")
                    ),
                )
            )
    components = data.get("components") if isinstance(data.get("components"), dict) else {}
    schemes = []
    for name, scheme in (components.get("securitySchemes") or {}).items():
        scheme, _ = ctx.follow(scheme, root_at / "components" / "securitySchemes" / name, "security-scheme")
        if isinstance(scheme, dict):
            schemes.append(ir.SecurityScheme(str(name), scheme))
    security = (
        security_requirements(ctx, data["security"], root_at / "security") if "security" in data else ()
    )
    for key in ("externalDocs",):
        if key in data:
            ctx.warn("document-field-dropped", f"the document's {key} is not carried", root_at / key)
    return ir.Service(
        namespace=ctx.namespace,
        title=text(info, "title", info_at),
        version=text(info, "version", info_at),
        doc=text(info, "description", info_at),
        summary=text(info, "summary", info_at),
        terms_of_service=text(info, "termsOfService", info_at),
        contact=_info_object(ctx, info, "contact", ("name", "url", "email"), info_at),
        license=_info_object(ctx, info, "license", ("name", "url"), info_at),
        servers=tuple(servers),
        tags=tuple(tags),
        security_schemes=tuple(schemes),
        security=security,
        extensions=tuple(
            ir.Extension(k, v) for k, v in data.items() if isinstance(k, str) and k.startswith("x-")
        ),
        info_extensions=tuple(
            ir.Extension(k, v) for k, v in info.items() if isinstance(k, str) and k.startswith("x-")
        ),
    )


def _info_object(
    ctx: ImportContext, info: dict, key: str, fields: tuple[str, ...], info_at: At
) -> dict | None:
    """``info.contact`` / ``info.license`` with the fields TypeSpec's ``@info`` accepts."""
    value = info.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        ctx.error("wrong-type", f"info.{key} must be a mapping, not {kind_of(value)}", info_at / key)
        return None
    kept = {k: v for k, v in value.items() if k in fields or (isinstance(k, str) and k.startswith("x-"))}
    for dropped in sorted(set(value) - set(kept)):
        ctx.warn(
            "info-field-dropped",
            f"info.{key}.{dropped} has no place in TypeSpec's @info; dropped",
            info_at / key / dropped,
        )
    return kept


def _operation_tags(data: dict) -> set[str]:
    used: set[str] = set()
    paths = data.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("tags"), list):
                used.update(t for t in operation["tags"] if isinstance(t, str))
    return used


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
