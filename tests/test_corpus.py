"""Real-world documents: OpenAI, Mistral, LangGraph, TGI and Ollama import with
exit 0; the official compiler compiles the result with zero errors; every 2xx event stream
comes back as ``SSEStream<...>`` with typed events, Ollama's x-ndjson lines as streams of
their line schema; emitting the TypeSpec again gives valid OpenAPI 3.2; and the recorded
streams check against the imported stream types (WHATWG parsing, content-aware jsonschema)."""

from __future__ import annotations

import functools
import json

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS, corpus_documents
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from oracle import compile_typespec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sse_samples import pointer_of, validator_for

from sse_bridge import emit_openapi, import_openapi, ir
from sse_bridge.api import load_openapi
from sse_bridge.cli import main
from sse_bridge.wire import parse_event_stream

DOCUMENTS = corpus_documents()
UNTYPED = {"langgraph.json"}  # its streams are `schema: {type: string}`: nothing to type them with


@functools.cache
def _imported(name: str) -> str:
    return import_openapi(CORPUS / "openapi" / name).output


@functools.cache
def _emitted(name: str) -> dict:
    return yaml.load(emit_openapi(_imported(name), name=f"{name}.tsp").output, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_imports_with_exit_0(path, tmp_path):
    out = tmp_path / "main.tsp"
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _imported(path.name)


@pytest.mark.oracle
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_official_compiler_compiles_the_import_with_zero_errors(path):
    compiled = compile_typespec(_imported(path.name))
    assert compiled.errors == [] and compiled.returncode == 0, compiled.output[-3000:]


def _source_streams(document: dict) -> list[tuple[str, str, str]]:
    """(operationId, or "METHOD path" when it has none, media type, status) of every 2xx
    streaming response of the source."""
    found = []
    for path_key, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                for media_type in (response.get("content") or {}) if str(status).startswith("2") else ():
                    if media_type in ("text/event-stream", "application/x-ndjson", "application/jsonl"):
                        key = operation.get("operationId") or f"{method.upper()} {path_key}"
                        found.append((key, media_type, str(status)))
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_stream_is_a_typed_stream(path):
    source = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    document = load_openapi(path)
    operations = {op.operation_id or op.name: op for op in document.operations}
    operations.update({f"{op.method.upper()} {op.path}": op for op in document.operations})
    declarations = document.declaration_map()
    streams = _source_streams(source)
    for op_id, media_type, status in streams:
        op = operations[op_id]
        response = next(r for r in op.responses if str(r.status) == status)
        content = next(c for c in response.contents if c.media_type == media_type)
        assert isinstance(content.type, ir.StreamOf), (op_id, media_type)
        if media_type == "text/event-stream":
            union = declarations[content.type.item.target]
            assert union.events and union.variants, op_id
            if path.name not in UNTYPED:
                assert any(v.type != ir.Intrinsic("string") for v in union.variants), (
                    f"{op_id}: untyped events"
                )
        else:  # Ollama: each line is the line schema
            assert isinstance(content.type.item, ir.Ref), op_id
    if path.name == "ollama.yaml":
        assert {m for _, m, _ in streams} == {"application/x-ndjson"} and len(streams) == 5
    else:
        assert streams, "every other corpus document streams server-sent events"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_imported_typespec_emits_valid_openapi_3_2(path):
    document = _emitted(path.name)
    assert document["openapi"] == "3.2.0"
    validate(document)


# --- the recorded streams ---------------------------------------------------------------------

CHAT_CAPTURES = sorted((CORPUS / "wire").glob("*.bin"))
# Stream examples cut from OpenAI's spec, and the operation each belongs to.
DOC_EXAMPLES = {
    "createImage__1.sse": ("/images/generations", "ImageGenStreamEvent"),
    "createResponse__5.sse": ("/responses", "ResponseStreamEvent"),
    "createTranscription__2.sse": ("/audio/transcriptions", "CreateTranscriptionResponseStreamEvent"),
}


def _item_validator(path_key: str):
    document = _emitted("openai.yaml")
    escaped = path_key.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/post/responses/200/content/text~1event-stream/itemSchema"
    return validator_for(document, pointer_of(document, pointer))


def _events(name: str) -> list[dict]:
    return parse_event_stream((CORPUS / "wire" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("capture", CHAT_CAPTURES, ids=lambda p: p.name[:12])
def test_recorded_chat_stream_checks_against_the_imported_type(capture):
    """Every JSON chunk of a real capture is a valid event (OpenAI's 3.0-style `nullable`
    honored); the closing `data: [DONE]` is not, because OpenAI's document mentions it only in
    prose, and prose stays prose."""
    validator = _item_validator("/chat/completions")
    events = _events(capture.name)
    assert len(events) > 2
    verdicts = [validator.is_valid(event) for event in events]
    assert verdicts[:-1] == [True] * (len(events) - 1), [
        next(iter(validator.iter_errors(e))).message[:200] for e in events if not validator.is_valid(e)
    ]
    assert events[-1]["data"] == "[DONE]" and verdicts[-1] is False


@functools.cache
def _openai_registry():
    source = yaml.load(
        (CORPUS / "openapi" / "openai.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
    )
    return Registry().with_resource("urn:openai", Resource.from_contents(source, DRAFT202012))


@pytest.mark.parametrize("example", sorted(DOC_EXAMPLES), ids=str)
def test_documented_stream_example_gets_the_verdict_of_openai_own_schema(example):
    """OpenAI's own stream examples: each event gets from the imported type the verdict the
    document's own payload schema gives it (some of OpenAI's examples omit fields its schema
    requires, e.g. `sequence_number`: both reject those)."""
    path_key, payload = DOC_EXAMPLES[example]
    validator = _item_validator(path_key)
    own = Draft202012Validator(
        {"$ref": f"urn:openai#/components/schemas/{payload}"}, registry=_openai_registry()
    )
    events = _events(example)
    assert events
    for event in events:
        assert validator.is_valid(event) == own.is_valid(json.loads(event["data"])), event["data"][:120]


def test_assistants_streams_are_not_declared_so_there_is_no_type_to_check():
    """createRun / createThreadAndRun stream in practice, but their operations declare only
    application/json: the capture has no declared stream type to be checked against."""
    document = _emitted("openai.yaml")
    for path_key in ("/threads/runs", "/threads/{thread_id}/runs"):
        content = document["paths"][path_key]["post"]["responses"]["200"]["content"]
        assert "text/event-stream" not in content
    assert all(_events(name) for name in ("createRun__1.sse", "createThreadAndRun__1.sse"))


def test_wire_parser_follows_the_whatwg_rules():
    text = ": comment\nevent: add\ndata: a\ndata: b\nid: 7\nretry: 10\nunknown: x\n\ndata\n\nevent: lost\n\ndata: tail"
    assert parse_event_stream(text) == [
        {"event": "add", "data": "a\nb", "id": "7", "retry": 10},
        {"data": ""},
    ]
    assert parse_event_stream("\ufeffdata:x\r\n\r\n") == [{"data": "x"}]
