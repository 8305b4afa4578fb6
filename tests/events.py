"""Reading event streams out of OpenAPI documents independently of the importer: which SSE
events each operation's stream declares, in order. Used to compare a source document with
what the official emitter makes of our TypeSpec."""

from __future__ import annotations

from urllib.parse import unquote

SSE = "text/event-stream"
TERMINAL = "x-ms-sse-terminal-event"


def _resolve(document: dict, node: object, depth: int = 0) -> object:
    while isinstance(node, dict) and "$ref" in node and depth < 32:
        target: object = document
        for part in unquote(node["$ref"]).lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **siblings} if isinstance(target, dict) and siblings else target
        depth += 1
    return node


def _properties(document: dict, schema: dict) -> dict:
    props = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        part = _resolve(document, part)
        if isinstance(part, dict):
            props.update(part.get("properties") or {})
    return props


def _names(document: dict, event: object) -> list[str] | None:
    event = _resolve(document, event)
    if not isinstance(event, dict):
        return None
    if isinstance(event.get("const"), str):
        return [event["const"]]
    if isinstance(event.get("enum"), list):
        return [v for v in event["enum"] if isinstance(v, str)]
    return None


def stream_events(document: dict, media: dict) -> list[tuple[str | None, bool]]:
    """(event name or None for an unnamed variant, terminal?) of one text/event-stream media
    type, in order."""
    schema = _resolve(document, media.get("itemSchema", media.get("schema")))
    if not isinstance(schema, dict):
        return [None]
    shared = _properties(document, schema)
    branches = schema.get("oneOf") or schema.get("anyOf")
    events: list[tuple[str | None, bool]] = []
    if not branches:
        names = _names(document, shared.get("event"))
        terminal = schema.get(TERMINAL) is True
        events = [(n, terminal) for n in names] if names else [(None, terminal)]
    else:
        for branch in branches:
            branch = _resolve(document, branch)
            if isinstance(branch, dict) and branch.get("type") == "null":
                continue
            props = {**shared, **_properties(document, branch)} if isinstance(branch, dict) else shared
            names = _names(document, props.get("event"))
            terminal = isinstance(branch, dict) and branch.get(TERMINAL) is True
            events.extend([(n, terminal) for n in names] if names else [(None, terminal)])
    if isinstance(media.get("x-speakeasy-sse-sentinel"), str):
        events.append((None, True))
    return events


def operation_streams(document: dict) -> dict[tuple[str, str], list[tuple[str | None, bool]]]:
    """{("METHOD path", status or "request"): event names} for every SSE response and body.
    Operations are keyed by method and path, not operationId: a source document may have
    none, where a converted one has them."""
    found: dict[tuple[str, str], list[str | None]] = {}
    for path_key, item in (document.get("paths") or {}).items():
        item = _resolve(document, item)
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # A path key without its leading slash is read with one (warning path-not-rooted).
            op_id = f"{method.upper()} {path_key if path_key.startswith('/') else '/' + path_key}"
            for status, response in (operation.get("responses") or {}).items():
                response = _resolve(document, response)
                media = (response.get("content") or {}).get(SSE)
                media = _resolve(document, media)
                if isinstance(media, dict) and str(status).startswith("2"):
                    found[(op_id, str(status))] = stream_events(document, media)
            body = _resolve(document, operation.get("requestBody"))
            if isinstance(body, dict):
                media = _resolve(document, (body.get("content") or {}).get(SSE))
                if isinstance(media, dict):
                    found[(op_id, "request")] = stream_events(document, media)
    return found
