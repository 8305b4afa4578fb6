"""The types the OpenAPI and JSON Schema fields must have (README "Diagnostics").

Before anything is converted, the document is walked once, object by object, against the
tables below. A field of the wrong type is an error (``wrong-type``) located at the field,
and is left out, so that the conversion can go on and report every other problem of the
document in the same run; the converters then read a document whose shape they can trust.

The walk copies on write: an object with nothing wrong is kept as it is (the usual case
costs one key-set intersection per object); one with a bad field is replaced by a copy
without it, and so are its ancestors. The parsed tree stays untouched, because source
positions are recorded on it (``Source.parsed``).
"""

from __future__ import annotations

from ..diagnostics import DiagnosticBag
from .source import Pointer, Source

_NUMBER = (int, float)
_SCHEMA = (dict, bool)
_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    dict: "a mapping",
    list: "a list",
}
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


def kind_of(value: object) -> str:
    """How a message names the JSON type of ``value``."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "a mapping"


def _describe(expected) -> str:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if kinds == _NUMBER:
        return "a number"
    return " or ".join(dict.fromkeys(_NAMES.get(k, k.__name__) for k in kinds))


def _fits(value: object, expected) -> bool:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


# --- the tables: field → type, and which fields hold objects of which kind ----------------------

# Each kind: (field types, {field: child kind}). A child kind "map:K" is a mapping of name → K,
# "list:K" a list of K; "schema" is a JSON Schema (a mapping or a boolean).
_SCHEMA_CHILDREN = {
    **dict.fromkeys(
        (
            "items",
            "not",
            "additionalProperties",
            "unevaluatedProperties",
            "unevaluatedItems",
            "contentSchema",
            "propertyNames",
            "contains",
            "if",
            "then",
            "else",
        ),
        "schema",
    ),
    **dict.fromkeys(
        ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"), "map:schema"
    ),
    **dict.fromkeys(("allOf", "oneOf", "anyOf", "prefixItems"), "list:schema"),
}
_SCHEMA_FIELDS = {
    "$ref": str,
    "type": (str, list),
    "enum": list,
    "required": list,
    "format": str,
    "nullable": bool,
    "minLength": int,
    "maxLength": int,
    "minItems": int,
    "maxItems": int,
    "minProperties": int,
    "maxProperties": int,
    "minimum": _NUMBER,
    "maximum": _NUMBER,
    "exclusiveMinimum": (int, float, bool),
    "exclusiveMaximum": (int, float, bool),
    "multipleOf": _NUMBER,
    "pattern": str,
    "description": str,
    "title": str,
    "discriminator": dict,
    "deprecated": bool,
    "readOnly": bool,
    "writeOnly": bool,
    "uniqueItems": bool,
    "examples": list,
    "contentMediaType": str,
    "contentEncoding": str,
    "externalDocs": dict,
    **dict.fromkeys(_SCHEMA_CHILDREN, _SCHEMA),
    **dict.fromkeys(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"), dict),
    **dict.fromkeys(("allOf", "oneOf", "anyOf", "prefixItems"), list),
}

_OPERATION_CHILDREN = {
    "parameters": "list:parameter",
    "requestBody": "request-body",
    "responses": "map:response",
    "servers": "list:server",
    "callbacks": "map:callback",
}
_MEDIA_CHILDREN = {"content": "map:media-type"}
KINDS: dict[str, tuple[dict, dict]] = {
    "document": (
        {
            "openapi": str,
            "info": dict,
            "paths": dict,
            "components": dict,
            "servers": list,
            "tags": list,
            "security": list,
            "webhooks": dict,
            "externalDocs": dict,
            "jsonSchemaDialect": str,
            "$self": str,
        },
        {
            "info": "info",
            "paths": "map:path-item",
            "webhooks": "map:path-item",
            "components": "components",
            "servers": "list:server",
            "tags": "list:tag",
            "security": "list:security-requirement",
        },
    ),
    "info": (
        {
            "title": str,
            "version": (str, int, float),
            "description": str,
            "summary": str,
            "termsOfService": str,
            "contact": dict,
            "license": dict,
        },
        {"contact": "contact", "license": "license"},
    ),
    "contact": ({"name": str, "url": str, "email": str}, {}),
    "license": ({"name": str, "url": str, "identifier": str}, {}),
    "components": (
        dict.fromkeys(
            [
                "schemas",
                "responses",
                "parameters",
                "requestBodies",
                "headers",
                "securitySchemes",
                "examples",
                "links",
                "callbacks",
                "pathItems",
                "mediaTypes",
            ],
            dict,
        ),
        {
            "schemas": "map:schema",
            "responses": "map:response",
            "parameters": "map:parameter",
            "requestBodies": "map:request-body",
            "headers": "map:header",
            "securitySchemes": "map:security-scheme",
            "pathItems": "map:path-item",
            "mediaTypes": "map:media-type",
            "callbacks": "map:callback",
        },
    ),
    "server": (
        {"url": str, "description": str, "variables": dict, "name": str},
        {"variables": "map:server-variable"},
    ),
    "server-variable": ({"enum": list, "default": str, "description": str}, {"enum": "list:string"}),
    "tag": (
        {"name": str, "description": str, "externalDocs": dict, "summary": str, "parent": str, "kind": str},
        {},
    ),
    "security-requirement": ({}, {}),
    "security-scheme": (
        {
            "type": str,
            "description": str,
            "name": str,
            "in": str,
            "scheme": str,
            "bearerFormat": str,
            "flows": dict,
            "openIdConnectUrl": str,
            "oauth2MetadataUrl": str,
            "deprecated": bool,
        },
        {},
    ),
    "callback": ({}, {}),  # expression → path item; not converted (reported by the importer)
    "path-item": (
        {
            "parameters": list,
            "summary": str,
            "description": str,
            "servers": list,
            "additionalOperations": dict,
            **dict.fromkeys(METHODS, dict),
        },
        {
            "parameters": "list:parameter",
            "servers": "list:server",
            "additionalOperations": "map:operation",
            **dict.fromkeys(METHODS, "operation"),
        },
    ),
    "operation": (
        {
            "tags": list,
            "summary": str,
            "description": str,
            "operationId": str,
            "parameters": list,
            "requestBody": dict,
            "responses": dict,
            "deprecated": bool,
            "security": list,
            "servers": list,
            "externalDocs": dict,
            "callbacks": dict,
        },
        {**_OPERATION_CHILDREN, "tags": "list:string", "security": "list:security-requirement"},
    ),
    "parameter": (
        {
            "name": str,
            "in": str,
            "description": str,
            "required": bool,
            "deprecated": bool,
            "schema": _SCHEMA,
            "content": dict,
            "style": str,
            "explode": bool,
            "allowReserved": bool,
            "allowEmptyValue": bool,
            "examples": dict,
        },
        {"schema": "schema", **_MEDIA_CHILDREN},
    ),
    "request-body": ({"description": str, "content": dict, "required": bool}, _MEDIA_CHILDREN),
    "response": (
        {"description": str, "headers": dict, "content": dict, "links": dict, "summary": str},
        {"headers": "map:header", **_MEDIA_CHILDREN},
    ),
    "media-type": (
        {
            "schema": _SCHEMA,
            "itemSchema": _SCHEMA,
            "examples": dict,
            "encoding": dict,
            "prefixEncoding": list,
            "itemEncoding": dict,
        },
        {"schema": "schema", "itemSchema": "schema", "encoding": "map:encoding", "itemEncoding": "encoding"},
    ),
    "encoding": (
        {"contentType": str, "headers": dict, "style": str, "explode": bool, "allowReserved": bool},
        {"headers": "map:header"},
    ),
    "header": (
        {"description": str, "required": bool, "schema": _SCHEMA, "deprecated": bool, "content": dict},
        {"schema": "schema", **_MEDIA_CHILDREN},
    ),
    "schema": (_SCHEMA_FIELDS, _SCHEMA_CHILDREN),
}
# Objects that may stand in a "$ref" for themselves (Reference Objects): only "$ref" is checked.
_REFERABLE = frozenset(KINDS) - {"document", "info", "contact", "license", "components", "server", "tag"}


class ShapeChecker:
    """Walks documents against ``KINDS``, reporting each wrong field once."""

    def __init__(self, diagnostics: DiagnosticBag) -> None:
        self.diagnostics = diagnostics
        self._seen: dict[tuple[int, str], object] = {}  # (id(original), kind) → checked object
        self._keep: list[object] = []  # keeps originals alive while their ids are memo keys

    def document(self, source: Source) -> None:
        """Check ``source`` (a whole document, or any file a reference reaches) in place of
        its data; positions keep pointing into the tree as parsed."""
        data = source.data
        if isinstance(data, dict) and "openapi" in data:
            source.data = self.check(data, "document", source, ())

    def check(self, value: object, kind: str, source: Source, pointer: Pointer) -> object:
        """``value`` as an object of ``kind``: itself when it fits, else a corrected copy."""
        if kind.startswith("map:"):
            return self._map(value, kind[4:], source, pointer)
        if kind.startswith("list:"):
            return self._list(value, kind[5:], source, pointer)
        if kind == "string":
            return value
        if not isinstance(value, dict):
            return value  # booleans are schemas; other wrong containers were reported by the parent
        memo_key = (id(value), kind)
        done = self._seen.get(memo_key)
        if done is not None:
            return done
        self._seen[memo_key] = value  # a cycle (YAML anchors) sees the object as it is
        self._keep.append(value)
        result = self._object(value, kind, source, pointer)
        self._seen[memo_key] = result
        return result

    def _object(self, value: dict, kind: str, source: Source, pointer: Pointer) -> dict:
        if "$ref" in value and kind in _REFERABLE:
            if not isinstance(value["$ref"], str):
                self._wrong(
                    source, (*pointer, "$ref"), f"$ref must be a string, not {kind_of(value['$ref'])}"
                )
                return {}
            if kind != "schema":
                return value
        fields, children = KINDS[kind]
        dropped = [key for key, item in value.items() if key in fields and not _fits(item, fields[key])]
        for key in dropped:
            self._wrong(
                source, (*pointer, key), f"{key} must be {_describe(fields[key])}, not {kind_of(value[key])}"
            )
        if kind == "schema":
            dropped.extend(self._schema_values(value, source, pointer))
        replaced = {}
        for key, child in value.items():
            if key not in children or key in dropped:
                continue
            checked = self.check(child, children[key], source, (*pointer, key))
            if checked is not child:
                replaced[key] = checked
        if not dropped and not replaced:
            return value
        return {key: replaced.get(key, item) for key, item in value.items() if key not in dropped}

    def _map(self, value: object, kind: str, source: Source, pointer: Pointer) -> object:
        if not isinstance(value, dict):
            return value
        expected = _SCHEMA if kind == "schema" else dict
        result = None
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("x-") and kind != "schema":
                continue
            if not _fits(item, expected):
                self._wrong(
                    source,
                    (*pointer, key),
                    f"{_article(kind)} must be {_describe(expected)}, not {kind_of(item)}",
                )
                checked = _DROP
            else:
                checked = self.check(item, kind, source, (*pointer, key))
            if checked is not item:
                if result is None:
                    result = dict(value)
                if checked is _DROP:
                    del result[key]
                else:
                    result[key] = checked
        return value if result is None else result

    def _list(self, value: object, kind: str, source: Source, pointer: Pointer) -> object:
        if not isinstance(value, list):
            return value
        expected = str if kind == "string" else _SCHEMA if kind == "schema" else dict
        result = []
        changed = False
        for index, item in enumerate(value):
            if not _fits(item, expected):
                self._wrong(
                    source,
                    (*pointer, index),
                    f"{_article(kind)} must be {_describe(expected)}, not {kind_of(item)}",
                )
                changed = True
                continue
            checked = self.check(item, kind, source, (*pointer, index))
            changed = changed or checked is not item
            result.append(checked)
        return result if changed else value

    def _schema_values(self, schema: dict, source: Source, pointer: Pointer) -> list[str]:
        """Keywords whose container type is right but whose contents are not."""
        bad = []
        kind = schema.get("type")
        if (isinstance(kind, str) and kind not in JSON_TYPES) or (
            isinstance(kind, list) and not all(isinstance(k, str) and k in JSON_TYPES for k in kind)
        ):
            self._wrong(
                source,
                (*pointer, "type"),
                f"type must name JSON types ({', '.join(sorted(JSON_TYPES))}), not {_short(kind)}",
            )
            bad.append("type")
        required = schema.get("required")
        if isinstance(required, list) and not all(isinstance(r, str) for r in required):
            self._wrong(source, (*pointer, "required"), "required must list property names (strings)")
            bad.append("required")
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and not isinstance(discriminator.get("propertyName"), str):
            self._wrong(source, (*pointer, "discriminator"), "discriminator needs a string propertyName")
            bad.append("discriminator")
        elif isinstance(discriminator, dict) and "mapping" in discriminator:
            mapping = discriminator["mapping"]
            if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
                self._wrong(
                    source,
                    (*pointer, "discriminator", "mapping"),
                    f"a discriminator mapping must map values to schema references (strings), not {_short(mapping)}",
                )
                bad.append("discriminator")
        return bad

    def _wrong(self, source: Source, pointer: Pointer, message: str) -> None:
        self.diagnostics.error("wrong-type", message, source.lazy_location(pointer))


_DROP = object()
_ARTICLES: dict[str, str] = {"schema": "a schema", "string": "each item", "operation": "an operation"}


def _article(kind: str) -> str:
    return _ARTICLES.get(kind, f"a {kind.replace('-', ' ')}")


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def kind_at(data: object, pointer: Pointer) -> str | None:
    """The kind of object (``KINDS``) that ``pointer`` names in the document ``data``, by the
    fields that lead there (``("paths", "/a", "get", "responses")`` → ``"map:response"``);
    None where the tables do not say (an extension, a file that is no OpenAPI document)."""
    if not isinstance(data, dict) or "openapi" not in data:
        return None
    kind = "document"
    for step in pointer:
        if kind.startswith(("map:", "list:")):
            kind = kind.split(":", 1)[1]
            continue
        if kind not in KINDS:
            return None
        children = KINDS[kind][1]
        if not isinstance(step, str) or step not in children:
            return None
        kind = children[step]
    return kind


def kind_text(kind: str) -> str:
    """How a message names a kind: ``map:response`` → ``a map of responses``."""
    if ":" in kind:
        shape, item = kind.split(":", 1)
        return f"a {shape} of {item.replace('-', ' ')}s"
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind.replace('-', ' ')}"
