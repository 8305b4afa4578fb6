"""Sample events for emitted SSE item schemas, and a validator that checks event payloads.

JSON Schema treats ``contentMediaType``/``contentSchema`` as annotations; the validator here
also decodes a JSON ``data`` string and validates it against its ``contentSchema`` (an
opt-in the specification allows), so that "exactly one branch accepts each event" means
what a client would mean by it.
"""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:sse-bridge:document"


def _content_schema(validator, content_schema, instance, schema):
    if not isinstance(instance, str):
        return
    media = str(schema.get("contentMediaType", "application/json")).split(";")[0].strip().lower()
    if not (media == "application/json" or media.endswith("+json")):
        return
    try:
        decoded = json.loads(instance)
    except ValueError:
        yield ValidationError(f"data is not JSON ({media}): {instance[:40]!r}")
        return
    yield from validator.descend(decoded, content_schema)


def _content_media_type(validator, media, instance, schema):
    if isinstance(instance, str) and "contentSchema" not in schema:
        base = str(media).split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            try:
                json.loads(instance)
            except ValueError:
                yield ValidationError(f"data is not JSON: {instance[:40]!r}")


ContentValidator = validators.extend(
    Draft202012Validator, {"contentSchema": _content_schema, "contentMediaType": _content_media_type}
)


def validator_for(document: dict, pointer: str):
    """A content-aware validator for the schema at JSON ``pointer`` inside ``document``
    (so that its ``#/components/...`` references resolve)."""
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, DRAFT202012))
    return ContentValidator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry)


def pointer_of(document: dict, pointer: str) -> str:
    """Follow ``$ref``s from the schema at ``pointer`` to where the schema really is."""
    for _ in range(32):
        node = resolve_pointer(document, pointer)
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)) or len(node) > 1:
            return pointer
        pointer = node["$ref"].lstrip("#")
    return pointer


def resolve_pointer(document: dict, pointer: str) -> object:
    node: object = document
    for part in pointer.lstrip("/").split("/") if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
    return node


def resolve(document: dict, node: object) -> object:
    depth = 0
    while isinstance(node, dict) and "$ref" in node and depth < 32:
        target: object = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            )
        node, depth = target, depth + 1
    return node


def instance(document: dict, schema: object, depth: int = 0) -> object:
    """A small valid instance of ``schema`` (required properties only)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > 12:
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            options = [resolve(document, o) for o in schema[key]]
            real = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            base = {k: v for k, v in schema.items() if k not in (key, "discriminator")}
            chosen = real[0] if real else options[0]
            if base.get("properties") or base.get("allOf"):
                return instance(document, {"allOf": [base, chosen]}, depth + 1)
            return instance(document, chosen, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict = {}
        for part in [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]:
            value = instance(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None and not merged:
                return value
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        result = {}
        for name in schema.get("required") or []:
            result[name] = instance(document, props.get(name, {}), depth + 1)
        return result
    if kind == "array":
        count = max(1, schema.get("minItems", 0))
        if "prefixItems" in schema:
            return [instance(document, item, depth + 1) for item in schema["prefixItems"]]
        return [instance(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return int(low) + (1 if "exclusiveMinimum" in schema else 0)
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return float(low) + (0.5 if "exclusiveMinimum" in schema else 0)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "string" or kind is None:
        return _string(schema)
    return None


def _string(schema: dict) -> str:
    fmt = schema.get("format")
    samples = {
        "date-time": "2024-01-01T00:00:00Z",
        "date": "2024-01-01",
        "time": "12:00:00",
        "uuid": "123e4567-e89b-12d3-a456-426614174000",
        "uri": "https://example.com",
        "email": "a@example.com",
        "duration": "PT1H",
    }
    text = samples.get(fmt, "sample")
    return text.ljust(schema.get("minLength", 0), "x")


def sample_event(document: dict, item_schema: dict, branch: dict) -> dict:
    """An event that the ``branch`` of an item schema describes."""
    shared = item_schema.get("properties") or {}
    props = {**shared, **(branch.get("properties") or {})}
    event: dict = {}
    name = props.get("event", {})
    if isinstance(name, dict) and "const" in name:
        event["event"] = name["const"]
    data = props.get("data", {})
    if isinstance(data, dict) and "contentSchema" in data:
        event["data"] = json.dumps(instance(document, data["contentSchema"]))
    else:
        value = instance(document, {k: v for k, v in data.items() if k != "contentMediaType"})
        event["data"] = value if isinstance(value, str) else json.dumps(value)
    for field in branch.get("required") or []:
        if field not in event and field in props:
            event[field] = instance(document, props[field])
    return event
