"""Conventions of TypeSpec's HTTP library that both directions must agree on (README "The rest of the document").

The default response descriptions, implicit header names, default content types and the
auth models are those of ``@typespec/http`` 1.11, so that a document converted by
sse-bridge reads like one written by the official tools.
"""

from __future__ import annotations

import re

from . import ir
from .names import STANDARD_SCALARS

STATUS_DESCRIPTIONS = {
    200: "The request has succeeded.",
    201: "The request has succeeded and a new resource has been created as a result.",
    202: "The request has been accepted for processing, but processing has not yet completed.",
    204: "There is no content to send for this request, but the headers may be useful. ",
    301: "The URL of the requested resource has been changed permanently. The new URL is given in the response.",
    304: "The client has made a conditional request and the resource has not been modified.",
    400: "The server could not understand the request due to invalid syntax.",
    401: "Access is unauthorized.",
    403: "Access is forbidden.",
    404: "The server cannot find the requested resource.",
    409: "The request conflicts with the current state of the server.",
    412: "Precondition failed.",
    503: "Service unavailable.",
}
_CLASS_DESCRIPTIONS = {
    "1": "Informational",
    "2": "Successful",
    "3": "Redirection",
    "4": "Client error",
    "5": "Server error",
}


def status_description(status: int | str) -> str:
    """The description ``@typespec/http`` gives a response that has none of its own."""
    if status == "default":
        return "An unexpected error response."
    if isinstance(status, int) and status in STATUS_DESCRIPTIONS:
        return STATUS_DESCRIPTIONS[status]
    return _CLASS_DESCRIPTIONS.get(str(status)[0], "unknown")


def header_name(property_name: str) -> str:
    """The header name ``@header`` derives from a property name: kebab-case (``ifMatch`` →
    ``if-match``)."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", property_name)
    return name.replace("_", "-").lower()


_TEXT_SCALARS = STANDARD_SCALARS - {"bytes"}


def default_content_types(kind: ir.TypeExpr | None, declarations: dict) -> list[str]:
    """The content types a body of type ``kind`` gets without an explicit ``contentType``:
    ``text/plain`` for scalars and literals, ``application/octet-stream`` for bytes,
    ``application/json`` for everything else; a union collects its variants' kinds."""
    found: list[str] = []

    def visit(node: ir.TypeExpr | None, depth: int = 0) -> None:
        if depth > 32:
            return
        if node is None or node == ir.Intrinsic("bytes"):
            media = "application/octet-stream"
        elif isinstance(node, ir.Literal) or (isinstance(node, ir.Intrinsic) and node.name in _TEXT_SCALARS):
            media = "text/plain"
        elif isinstance(node, ir.Ref) and isinstance(declarations.get(node.target), ir.Scalar):
            scalar = declarations[node.target]
            visit(scalar.base, depth + 1)
            return
        elif isinstance(node, ir.UnionOf):
            for option in node.options:
                if option != ir.Intrinsic("null"):
                    visit(option, depth + 1)
            return
        else:
            media = "application/json"
        if media not in found:
            found.append(media)

    visit(kind)
    return found or ["application/json"]


def all_properties(model: ir.Model, declarations: dict) -> tuple[ir.Property, ...]:
    """The properties of ``model`` including those it inherits, base first."""
    chain = []
    seen: set[str] = set()
    current: ir.Model | None = model
    while isinstance(current, ir.Model) and current.qualified_name not in seen:
        seen.add(current.qualified_name)
        chain.append(current)
        current = declarations.get(current.base.target) if current.base else None
    properties: dict[str, ir.Property] = {}
    for item in reversed(chain):
        for prop in item.properties:
            properties[prop.name] = prop
    return tuple(properties.values())


def auth_model(definition: object) -> str | None:
    """The ``@typespec/http`` auth model for an OpenAPI security scheme object."""
    if not isinstance(definition, dict):
        return None
    kind = definition.get("type")
    if kind == "http":
        scheme = str(definition.get("scheme", "")).lower()
        if scheme == "bearer":
            return "BearerAuth"
        if scheme == "basic":
            return "BasicAuth"
        return None
    if kind == "apiKey":
        location = definition.get("in")
        name = definition.get("name")
        if location in ("header", "query", "cookie") and isinstance(name, str):
            return f'ApiKeyAuth<ApiKeyLocation.{location}, "{_escape(name)}">'
        return None
    if kind == "openIdConnect" and isinstance(definition.get("openIdConnectUrl"), str):
        return f'OpenIdConnectAuth<"{_escape(definition["openIdConnectUrl"])}">'
    if kind == "oauth2" and isinstance(definition.get("flows"), dict):
        flows = []
        for flow_name, flow in definition["flows"].items():
            if not isinstance(flow, dict):
                continue
            fields = [f"type: OAuth2FlowType.{flow_name}"]
            for key in ("authorizationUrl", "tokenUrl", "refreshUrl"):
                if isinstance(flow.get(key), str):
                    fields.append(f'{key}: "{_escape(flow[key])}"')
            scopes = flow.get("scopes") if isinstance(flow.get("scopes"), dict) else {}
            fields.append("scopes: [" + ", ".join(f'"{_escape(str(s))}"' for s in scopes) + "]")
            flows.append("{ " + "; ".join(fields) + " }")
        return f"OAuth2Auth<[{', '.join(flows)}]>"
    return None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
