"""Fuzzing both loaders through the library API (README "Usage", "Diagnostics").

For any input, ``import_openapi`` and ``emit_openapi`` either succeed or raise
:class:`sse_bridge.InputError` carrying at least one error, every diagnostic with a location.
Anything else (another exception, a RecursionError, a hang past the deadline) is a bug.

Inputs: random bytes; random text; soups of YAML / JSON / TypeSpec tokens; random JSON
documents shaped like OpenAPI (OpenAPI keywords as keys, values of every JSON type); and
mutations of the fixtures (lines deleted, duplicated, swapped, re-indented; characters
flipped; truncation; subtrees of the parsed document replaced by values of the wrong type).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sse_bridge
from sse_bridge import InputError, Level

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_FIXTURES = sorted((ROOT / "fixtures" / "import").glob("*/openapi.yaml"))
TYPESPEC_FIXTURES = sorted((ROOT / "fixtures" / "emit").glob("*/main.tsp"))
OPENAPI_TEXTS = [path.read_text(encoding="utf-8") for path in OPENAPI_FIXTURES]
# The fuzzers mutate one text and read it without a folder, so a project that imports its own
# files (`import "./pets.tsp"`) cannot seed them.
TYPESPEC_TEXTS = [
    text
    for text in (path.read_text(encoding="utf-8") for path in TYPESPEC_FIXTURES)
    if 'import "./' not in text and 'import "../' not in text
]

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),  # one call takes well under a second; a slow machine gets slack
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# ------------------------------------------------------------------------------------ the property


def _check_outcome(convert, source, name: str) -> None:
    try:
        result = convert(source, name=name)
    except InputError as exc:
        diagnostics = exc.diagnostics
        assert diagnostics, "InputError without diagnostics"
        assert any(d.level is Level.ERROR for d in diagnostics), f"InputError without an error: {diagnostics}"
        for diagnostic in diagnostics:
            location = diagnostic.location
            assert location is not None, f"diagnostic without a location: {diagnostic}"
            assert location.line >= 1 and location.column >= 1, f"bad location: {diagnostic}"
            assert location.path, f"diagnostic without a path: {diagnostic}"
    else:
        assert isinstance(result.output, str)


def check_import(source: str | bytes) -> None:
    _check_outcome(sse_bridge.import_openapi, source, "fuzz.yaml")


def check_emit(source: str | bytes) -> None:
    _check_outcome(sse_bridge.emit_openapi, source, "fuzz.tsp")


# ------------------------------------------------------------------------------------ strategies

YAML_TOKENS = [
    "openapi: 3.1.0\n",
    "openapi: 3.2.0\n",
    "info: {title: T, version: '1'}\n",
    "info:",
    "paths:",
    "components:",
    "schemas:",
    "responses:",
    "parameters:",
    "'200':",
    "default:",
    "content:",
    "application/json:",
    "text/event-stream:",
    "application/jsonl:",
    "schema:",
    "itemSchema:",
    "get:",
    "post:",
    "/a:",
    "/a/{id}:",
    "type: object",
    "type: string",
    "type: array",
    "type: [string, 'null']",
    "properties:",
    "items:",
    "allOf:",
    "oneOf:",
    "anyOf:",
    "required:",
    "enum:",
    "const:",
    "discriminator:",
    "propertyName: event",
    "mapping:",
    "$ref: '#/components/schemas/A'",
    "$ref: '#/components/schemas/B'",
    "$ref: '#/x'",
    "$ref: 'other.yaml#/A'",
    "A:",
    "B:",
    "event:",
    "data:",
    "contentSchema:",
    "contentMediaType: text/plain",
    "x-ms-sse-terminal-event: true",
    "x-speakeasy-sse-sentinel: '[DONE]'",
    "name: n",
    "in: query",
    "in: path",
    "operationId: op",
    "description: d",
    "example:",
    "default: 1",
    "format: int32",
    "nullable: true",
    "additionalProperties:",
    "security:",
    "servers:",
    "tags:",
    "- ",
    "-",
    " ",
    "  ",
    "    ",
    "\n",
    "\n  ",
    ":",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!binary ",
    "? ",
    "|\n",
    ">\n",
    "# c\n",
    "'",
    '"',
    "null",
    "~",
    "true",
    "1",
    "-1.5e3",
    ".inf",
    "<<: *a",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "\ufeff",
    "é",
    "\\",
    "\r\n",
]

JSON_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"openapi"',
    '"3.1.0"',
    '"info"',
    '"paths"',
    '"components"',
    '"schemas"',
    '"$ref"',
    '"#/components/schemas/A"',
    '"A"',
    '"type"',
    '"object"',
    '"properties"',
    '"items"',
    "null",
    "true",
    "1",
    "-0.5",
    "1e400",
    '"\\u0000"',
    '"\\ud800"',
    " ",
    "\n",
]

TSP_TOKENS = [
    'import "@typespec/http";\n',
    'import "@typespec/sse";\n',
    'import "@typespec/events";\n',
    'import "@typespec/streams";\n',
    'import "@typespec/openapi";\n',
    'import "./x.tsp";\n',
    "using Http;\n",
    "using SSE;\n",
    "using OpenAPI;\n",
    '@service(#{ title: "T" })\n',
    "namespace N;\n",
    "namespace",
    "model",
    "op",
    "union",
    "enum",
    "scalar",
    "alias",
    "interface",
    "const",
    "extends",
    "is",
    "dec",
    "fn",
    "extern",
    "valueof",
    "typeof",
    "void",
    "never",
    "unknown",
    "null",
    "true",
    "false",
    "A",
    "B",
    "T",
    "string",
    "int32",
    "float64",
    "utcDateTime",
    "Record",
    "SSEStream",
    "JsonlStream",
    "TypeSpec",
    "Events",
    "SSE",
    "Http",
    ".",
    "::",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "[",
    "]",
    "#{",
    "#[",
    ";",
    ":",
    ",",
    "|",
    "&",
    "?",
    "=",
    "...",
    "@",
    "@@",
    "#suppress",
    "#deprecated",
    '"s"',
    '"""\n  s\n  """',
    '"a ${B} c"',
    "`weird name`",
    "1",
    "-1.5",
    "0x1F",
    "@doc",
    "@route",
    '@route("/a")',
    "@get",
    "@post",
    "@path",
    "@query",
    "@header",
    "@body",
    "@statusCode",
    "@TypeSpec.Events.events",
    "@TypeSpec.Events.data",
    '@TypeSpec.Events.contentType("text/plain")',
    "@TypeSpec.SSE.terminalEvent",
    "@extension",
    "/* c */",
    "/** d */",
    "// c\n",
    " ",
    "\n",
    "\t",
    "é",
    "\\",
]


def _soup(tokens: list[str], max_size: int = 200):
    return st.lists(st.sampled_from(tokens), max_size=max_size).map("".join)


OPENAPI_KEYS = [
    "openapi",
    "info",
    "title",
    "version",
    "paths",
    "/a",
    "/a/{id}",
    "get",
    "post",
    "parameters",
    "name",
    "in",
    "required",
    "schema",
    "responses",
    "200",
    "default",
    "description",
    "content",
    "application/json",
    "text/event-stream",
    "application/jsonl",
    "itemSchema",
    "components",
    "schemas",
    "A",
    "B",
    "type",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "const",
    "discriminator",
    "propertyName",
    "mapping",
    "$ref",
    "event",
    "data",
    "contentSchema",
    "contentMediaType",
    "x-ms-sse-terminal-event",
    "x-speakeasy-sse-sentinel",
    "operationId",
    "requestBody",
    "headers",
    "tags",
    "servers",
    "url",
    "variables",
    "security",
    "securitySchemes",
    "additionalProperties",
    "nullable",
    "format",
    "example",
    "examples",
    "summary",
    "deprecated",
    "x-ext",
    "minimum",
    "maxLength",
    "pattern",
    "default",
    "title",
    "not",
    "prefixItems",
    "query",
    "additionalOperations",
    "querystring",
    "style",
    "explode",
    "termsOfService",
    "contact",
    "license",
    "externalDocs",
]
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "string",
            "object",
            "array",
            "integer",
            "number",
            "boolean",
            "null",
            "3.1.0",
            "3.2.0",
            "query",
            "path",
            "header",
            "cookie",
            "#/components/schemas/A",
            "#/components/schemas/B",
            "#/nope",
            "#",
            "#/",
            "other.yaml#/A",
            "https://example.com/a.yaml",
            "text/plain",
            "application/json",
            "[DONE]",
            "int32",
            "date-time",
            "",
            "é",
            "a b",
            "{id}",
        ]
    ),
    st.text(max_size=10),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(OPENAPI_KEYS), children, max_size=5),
    ),
    max_leaves=40,
)


@st.composite
def openapi_shaped(draw) -> str:
    """A JSON document with the top-level shape of OpenAPI and anything below it."""
    document: dict = {"openapi": draw(st.sampled_from(["3.0.3", "3.1.0", "3.2.0"]))}
    document["info"] = draw(st.one_of(st.just({"title": "T", "version": "1"}), JSON_VALUES))
    document["paths"] = draw(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["/a", "/a/{id}", "/b"]),
                st.dictionaries(
                    st.sampled_from(["get", "post", "parameters", "query"]), JSON_VALUES, max_size=3
                ),
                max_size=2,
            ),
            JSON_VALUES,
        )
    )
    document["components"] = draw(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "schemas": st.dictionaries(st.sampled_from(["A", "B", "C"]), JSON_VALUES, max_size=3),
                    "responses": st.dictionaries(st.sampled_from(["A", "B"]), JSON_VALUES, max_size=2),
                    "parameters": st.dictionaries(st.sampled_from(["A", "B"]), JSON_VALUES, max_size=2),
                },
            ),
            JSON_VALUES,
        )
    )
    extra = draw(st.dictionaries(st.sampled_from(OPENAPI_KEYS), JSON_VALUES, max_size=3))
    for key, value in extra.items():
        document.setdefault(key, value)
    return json.dumps(document)


# --- mutations of the fixtures ------------------------------------------------------------------

INTERESTING_CHARACTERS = [*"{}[]()<>:;,'\"`#&*!|>-?@$%\\\t\n \u00a0\u200b\ufeff\x00\x7f", "é", "\u2028"]


@st.composite
def mutated(draw, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            lines = [""]
        op = draw(
            st.sampled_from(
                [
                    "delete",
                    "duplicate",
                    "swap",
                    "flip",
                    "truncate",
                    "insert",
                    "delete-span",
                    "indent",
                    "dedent",
                    "move",
                ]
            )
        )
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "move":
            line = lines.pop(i)
            lines.insert(draw(st.integers(min_value=0, max_value=len(lines))), line)
        elif op == "flip":
            line = lines[i]
            k = draw(st.integers(min_value=0, max_value=max(len(line) - 1, 0)))
            char = draw(st.one_of(st.sampled_from(INTERESTING_CHARACTERS), st.characters()))
            lines[i] = line[:k] + char + line[k + 1 :]
        elif op == "truncate":
            whole = "".join(lines)
            cut = draw(st.integers(min_value=0, max_value=len(whole)))
            lines = whole[:cut].splitlines(keepends=True)
        elif op == "insert":
            line = lines[i]
            k = draw(st.integers(min_value=0, max_value=len(line)))
            lines[i] = line[:k] + draw(st.sampled_from(INTERESTING_CHARACTERS)) + line[k:]
        elif op == "delete-span":
            whole = "".join(lines)
            start = draw(st.integers(min_value=0, max_value=len(whole)))
            end = draw(st.integers(min_value=start, max_value=min(len(whole), start + 200)))
            lines = (whole[:start] + whole[end:]).splitlines(keepends=True)
        elif op == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", "    "])) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][1:] if lines[i][:1] in (" ", "\t") else lines[i]
    return "".join(lines)


def _yaml_load(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)


OPENAPI_TREES = [_yaml_load(text) for text in OPENAPI_TEXTS]
WRONG_VALUES = [
    None,
    True,
    0,
    -1,
    3.5,
    "",
    "text",
    "#/components/schemas/Nope",
    [],
    [1, "a"],
    [None],
    {},
    {"a": 1},
    {"$ref": 42},
    {"$ref": "#/nope"},
    {"$ref": "https://example.com/x.yaml"},
    {"$ref": "../../etc/passwd#/x"},
    {"$ref": "#/components"},
    {"$ref": "#"},
    {"type": 42},
    {"properties": []},
    {"oneOf": "x"},
]


def _paths(tree) -> list[tuple]:
    found: list[tuple] = []
    stack: list[tuple[object, tuple]] = [(tree, ())]
    while stack:
        node, path = stack.pop()
        found.append(path)
        if isinstance(node, dict):
            stack.extend((value, (*path, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(node))
    return found


OPENAPI_TREE_PATHS = [_paths(tree) for tree in OPENAPI_TREES]


def _replace(tree, path: tuple, value):
    if not path:
        return value
    copy = dict(tree) if isinstance(tree, dict) else list(tree)
    copy[path[0]] = _replace(tree[path[0]], path[1:], value)
    return copy


@st.composite
def type_confused(draw) -> str:
    """A fixture parsed, with up to three subtrees replaced by values of the wrong type."""
    index = draw(st.integers(min_value=0, max_value=len(OPENAPI_TREES) - 1))
    tree, paths = OPENAPI_TREES[index], OPENAPI_TREE_PATHS[index]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths))
        try:
            tree = _replace(tree, path, draw(st.one_of(st.sampled_from(WRONG_VALUES), JSON_VALUES)))
        except (KeyError, IndexError, TypeError):  # an earlier replacement removed this path
            continue
    return json.dumps(tree, default=str)


TSP_SLOTS = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|\b\d+(?:\.\d+)?\b|#\{[^{}\n]*\}|\b(?:true|false|string|int32|int64)\b'
)
TSP_TYPE_CONFUSIONS = [
    "42",
    "-1",
    "3.5",
    "0",
    '""',
    '"x"',
    '"text/plain"',
    '"/a/{id}"',
    "true",
    "#{}",
    "#{ a: 1 }",
    "#[]",
    '#[1, "a"]',
    "null",
    "void",
    "never",
    "unknown",
    "string",
    "string[]",
    "Record<string>",
    '"a" | "b"',
    "{}",
    "{ a: string }",
    "[string, int32]",
    "Nope",
    "TypeSpec.Http",
    "SSEStream<string>",
]


@st.composite
def argument_confused(draw) -> str:
    """A TypeSpec fixture with up to three literals / value objects / type names (decorator
    arguments among them) replaced by a value or type of another kind."""
    text = draw(st.sampled_from(TYPESPEC_TEXTS))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        slots = [match.span() for match in TSP_SLOTS.finditer(text)]
        if not slots:
            break
        start, end = draw(st.sampled_from(slots))
        text = text[:start] + draw(st.sampled_from(TSP_TYPE_CONFUSIONS)) + text[end:]
    return text


# ------------------------------------------------------------------------------------ OpenAPI


@FUZZ
@given(st.binary(max_size=4096))
def test_import_random_bytes(data: bytes) -> None:
    check_import(data)


@FUZZ
@given(st.one_of(st.text(max_size=2000), _soup(YAML_TOKENS), _soup(JSON_TOKENS)))
def test_import_random_text(text: str) -> None:
    check_import(text)


@FUZZ
@given(openapi_shaped())
def test_import_openapi_shaped_documents(text: str) -> None:
    check_import(text)


@FUZZ
@given(mutated(OPENAPI_TEXTS))
def test_import_mutated_fixtures(text: str) -> None:
    check_import(text)


@FUZZ
@given(type_confused())
def test_import_type_confused_fixtures(text: str) -> None:
    check_import(text)


# ------------------------------------------------------------------------------------ TypeSpec


@FUZZ
@given(st.binary(max_size=4096))
def test_emit_random_bytes(data: bytes) -> None:
    check_emit(data)


@FUZZ
@given(st.one_of(st.text(max_size=2000), _soup(TSP_TOKENS, max_size=300)))
def test_emit_random_text(text: str) -> None:
    check_emit(text)


@FUZZ
@given(mutated(TYPESPEC_TEXTS))
def test_emit_mutated_fixtures(text: str) -> None:
    check_emit(text)


@FUZZ
@given(argument_confused())
def test_emit_argument_confused_fixtures(text: str) -> None:
    check_emit(text)


def test_fixtures_load() -> None:
    """The fuzzers start from real fixtures: they exist and convert cleanly."""
    assert len(OPENAPI_TEXTS) >= 5 and len(TYPESPEC_TEXTS) >= 5
    for text in OPENAPI_TEXTS:
        sse_bridge.import_openapi(text, name="fixture.yaml")
    for text in TYPESPEC_TEXTS:
        sse_bridge.emit_openapi(text, name="fixture.tsp")
