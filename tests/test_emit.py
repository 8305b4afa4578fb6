"""Emit: hand-written TypeSpec fixtures → OpenAPI 3.2, snapshotted; every document
valid OpenAPI 3.2; every SSE item schema accepting each variant's events through exactly one
branch and refusing events of no variant; invalid fixtures refused with a located
diagnostic, as the official compiler refuses them."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import FIXTURES, ROOT, case_id, expected_warnings, fixture_cases, located_warnings
from openapi_spec_validator import validate
from oracle import compile_typespec
from sse_samples import ContentValidator, pointer_of, resolve_pointer, sample_event, validator_for

from sse_bridge import InputError, emit_openapi, import_openapi

CASES = fixture_cases("emit", "main.tsp")
INVALID = sorted((FIXTURES / "emit-invalid").glob("*.tsp"))


def _emit(path) -> str:
    return emit_openapi(path, name=str(path.relative_to(ROOT))).output


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_emit_matches_snapshot(path, yaml_snapshot):
    assert _emit(path) == yaml_snapshot


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_emitted_document_is_valid_openapi(path):
    document = yaml.safe_load(_emit(path))
    assert document["openapi"] == "3.2.0"
    validate(document)


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_openapi_3_1_output_is_valid_and_reads_back_as_the_3_2_output_does(path):
    """``--openapi-version 3.1.0``: a valid 3.1 document, whose streams (in the 3.0/3.1
    convention: a ``schema`` describing one event) import back to the same TypeSpec as the
    3.2 document's ``itemSchema`` streams."""
    older = emit_openapi(path, openapi_version="3.1.0").output
    document = yaml.safe_load(older)
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert "itemSchema" not in older
    assert import_openapi(older).output == import_openapi(_emit(path)).output


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _sse_item_schemas(document: dict):
    """(where, pointer of the item schema) for every SSE body of the document."""
    for path_key, item in document.get("paths", {}).items():
        for method, operation in item.items():
            base = f"/paths/{_escape(path_key)}/{method}"
            bodies = [
                (f"{method} {path_key} request", f"{base}/requestBody", operation.get("requestBody") or {})
            ]
            bodies += [
                (f"{method} {path_key} {status}", f"{base}/responses/{status}", response)
                for status, response in (operation.get("responses") or {}).items()
            ]
            for where, pointer, body in bodies:
                media = (body.get("content") or {}).get("text/event-stream")
                if media and "itemSchema" in media:
                    yield where, pointer_of(document, f"{pointer}/content/text~1event-stream/itemSchema")


STREAM_CASES = [p for p in CASES if "SSEStream" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", STREAM_CASES, ids=case_id)
def test_item_schema_accepts_each_variant_through_exactly_one_branch(path):
    document = yaml.safe_load(_emit(path))
    found = list(_sse_item_schemas(document))
    assert found, "the fixture declares a stream, the document must carry an itemSchema"
    for where, pointer in found:
        schema = resolve_pointer(document, pointer)
        whole = validator_for(document, pointer)
        branches = [validator_for(document, f"{pointer}/oneOf/{i}") for i in range(len(schema["oneOf"]))]
        for index, branch in enumerate(schema["oneOf"]):
            event = sample_event(document, schema, branch)
            errors = list(whole.iter_errors(event))
            assert not errors, f"{where}: branch {index} rejects its own sample {event}: {errors[0].message}"
            matching = [i for i, validator in enumerate(branches) if validator.is_valid(event)]
            assert matching == [index], (
                f"{where}: sample {event} of branch {index} matches branches {matching}"
            )


@pytest.mark.parametrize("path", STREAM_CASES, ids=case_id)
def test_item_schema_rejects_events_of_no_variant(path):
    document = yaml.safe_load(_emit(path))
    for where, pointer in _sse_item_schemas(document):
        schema = resolve_pointer(document, pointer)
        whole = validator_for(document, pointer)
        data_of = [b.get("properties", {}).get("data", {}) for b in schema["oneOf"]]
        names = [b.get("properties", {}).get("event", {}).get("const") for b in schema["oneOf"]]
        if None not in names:
            assert not whole.is_valid({"event": "no-such-event", "data": "{}"}), where
        free_text = any(
            n is None and "contentSchema" not in d and "const" not in d
            for n, d in zip(names, data_of, strict=False)
        )
        if not free_text:
            # Unnamed JSON payloads refuse data that is not JSON; text constants refuse other text.
            assert not whole.is_valid({"data": "not json, and no sentinel"}), where
        branches = [validator_for(document, f"{pointer}/oneOf/{i}") for i in range(len(names))]
        for name in filter(None, names):
            bogus = {"event": name, "data": "[[[]]]"}
            if any(validator.is_valid(bogus) for validator in branches):
                continue  # that variant's payload takes any data (unknown or a string)
            assert not whole.is_valid(bogus), where


def test_content_validator_checks_json_payloads():
    schema = {
        "properties": {"data": {"contentMediaType": "application/json", "contentSchema": {"type": "object"}}}
    }
    assert ContentValidator(schema).is_valid({"data": "{}"})
    assert not ContentValidator(schema).is_valid({"data": "[]"})
    assert not ContentValidator(schema).is_valid({"data": "not json"})


# --- invalid input -----------------------------------------------------------------------------


# Where our parser's codes are more specific than the compiler's (README, diagnostics table).
COMPILER_ERROR = re.compile(
    r"^(?P<file>\S+?):(?P<line>\d+):(?P<column>\d+) - error (?P<code>\S+?):", re.MULTILINE
)
EQUIVALENT_CODES = {
    "token-expected": {"syntax-error"},
    "unterminated": {"unterminated-string", "unterminated-comment"},
}


WARNED = [path for path in CASES if expected_warnings(path)]


@pytest.mark.parametrize("path", WARNED, ids=case_id)
def test_emit_notes_are_located_warnings(path):
    """Fixtures that show an emit note list it in their header (``// expect-warning: <code> at
    <line>:<col>``): each is reported there, with that stable code, as a warning."""
    reported = located_warnings(emit_openapi(path, name=str(path.relative_to(ROOT))).diagnostics)
    assert expected_warnings(path) <= reported, sorted(reported)


def _expectation(path) -> tuple[str, int, int]:
    match = re.match(r"//\s*expect:\s*(\S+)\s+at\s+(\d+):(\d+)", path.read_text(encoding="utf-8"))
    assert match, f"{path.name} needs a first line '// expect: <code> at <line>:<col>'"
    return match.group(1), int(match.group(2)), int(match.group(3))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_typespec_is_refused_with_a_located_diagnostic(path):
    code, line, _column = _expectation(path)
    with pytest.raises(InputError) as raised:
        _emit(path)
    errors = [d for d in raised.value.diagnostics if d.level.value == "error"]
    assert errors and all(d.location is not None for d in errors)
    first = errors[0]
    assert first.code in EQUIVALENT_CODES.get(code, {code}), [str(d) for d in errors]
    assert (first.location.path, first.location.line) == (str(path.relative_to(ROOT)), line), [
        str(d) for d in errors
    ]


@pytest.mark.oracle
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_official_compiler_refuses_invalid_typespec_too(path):
    """The compiler reports the same error; at the same place, when it points into main.tsp
    (for some library rules it points into the library's own files instead)."""
    code, line, column = _expectation(path)
    compiled = compile_typespec(path.read_text(encoding="utf-8"))
    assert compiled.returncode != 0 or compiled.errors, compiled.output
    reported = [
        (match["file"], int(match["line"]), int(match["column"]), match["code"])
        for match in COMPILER_ERROR.finditer(compiled.output)
    ]
    ours = {code} | {theirs for theirs, equivalents in EQUIVALENT_CODES.items() if code in equivalents}
    same_code = [
        (file, at_line, at_column) for file, at_line, at_column, theirs in reported if theirs in ours
    ]
    assert same_code, compiled.output
    in_main = [(at_line, at_column) for file, at_line, at_column in same_code if file.endswith("main.tsp")]
    if in_main:
        assert (line, column) in in_main, compiled.output
