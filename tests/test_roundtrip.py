"""Round trips: fixpoints both ways on every fixture, the corpus and random event
streams, what must survive them, and the ``roundtrip`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import case_id, corpus_documents, fixture_cases
from events import operation_streams
from hypothesis import HealthCheck, given, settings
from strategies import documents

from sse_bridge import ir
from sse_bridge.api import load_typespec
from sse_bridge.cli import main
from sse_bridge.openapi.dump import to_yaml
from sse_bridge.openapi.emit import emit_document
from sse_bridge.openapi.emit_schemas import component_name
from sse_bridge.roundtrip import roundtrip
from sse_bridge.tsp.emit import emit_typespec

OPENAPI_CASES = fixture_cases("import", "openapi.yaml")
TYPESPEC_CASES = fixture_cases("emit", "main.tsp")


@pytest.mark.parametrize("path", OPENAPI_CASES, ids=case_id)
def test_openapi_fixture_reaches_a_typespec_fixpoint(path):
    result = roundtrip(path)
    assert result.is_fixpoint, result.diff()


@pytest.mark.parametrize("path", TYPESPEC_CASES, ids=case_id)
def test_typespec_fixture_reaches_an_openapi_fixpoint(path):
    result = roundtrip(path)
    assert result.is_fixpoint, result.diff()


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.name)
def test_corpus_document_reaches_fixpoints_both_ways(path):
    from_openapi = roundtrip(path)
    assert from_openapi.is_fixpoint, from_openapi.diff()
    from_typespec = roundtrip(from_openapi.first.encode(), name="imported.tsp", start="typespec")
    assert from_typespec.is_fixpoint, from_typespec.diff()


def _event_signature(document: ir.Document, known: set[str] | None = None) -> dict:
    """For each events union: its variants' name, payload, content type, terminal flag, docs
    and extensions, in order. The terminal extension, which import adds beside the decorator
    (the `seed002-scenario2` fixture), is the terminal flag; an anonymous payload, which comes back as a model named
    after its event, is compared by its properties."""
    declarations = document.declaration_map()
    namespace = document.service.namespace

    def name_of(declaration) -> str:
        # As a component is named: declarations of sub-namespaces (``Events.Ping``) come back
        # from OpenAPI as declarations named so.
        return component_name(declaration, namespace)

    known = {name_of(d) for d in document.declarations} if known is None else known

    def payload(kind):
        if isinstance(kind, ir.ObjectType):
            return ("object", tuple(p.name for p in kind.properties))
        target = declarations.get(kind.target) if isinstance(kind, ir.Ref) else None
        if isinstance(target, ir.Model) and any(p.event_data for p in target.properties):
            # An envelope is the event's shape: OpenAPI keeps its fields, not its model's name.
            return (
                "envelope",
                tuple(("@data" if p.event_data else p.name, p.optional) for p in target.properties),
            )
        if isinstance(target, ir.Model) and name_of(target) not in known:
            return ("object", tuple(p.name for p in target.properties))
        return ("ref", name_of(target)) if target is not None else kind

    return {
        name_of(d): [
            (
                v.name,
                payload(v.type),
                v.content_type,
                v.terminal,
                v.meta.doc,
                tuple(e for e in v.meta.extensions if e.name != "x-ms-sse-terminal-event"),
            )
            for v in d.variants
        ]
        for d in document.declarations
        if isinstance(d, ir.Union) and d.events
    }


@pytest.mark.parametrize("path", TYPESPEC_CASES, ids=case_id)
def test_events_survive_a_round_trip_from_typespec(path):
    """Terminal flags, event order and names, content types, envelopes, docs and extensions."""
    source = load_typespec(path)
    result = roundtrip(path)
    again = load_typespec(result.steps[1], name="again.tsp")
    names = {component_name(d, source.service.namespace) for d in source.declarations}
    assert _event_signature(again, names) == _event_signature(source)
    envelopes = {
        d.name
        for d in source.declarations
        if isinstance(d, ir.Model) and any(p.event_data for p in d.properties)
    }
    assert envelopes <= {d.name for d in again.declarations}


@pytest.mark.parametrize("path", OPENAPI_CASES, ids=case_id)
def test_events_survive_a_round_trip_from_openapi(path):
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    back = yaml.safe_load(roundtrip(path).steps[1])
    assert operation_streams(back) == operation_streams(source)


# --- property tests ------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(documents())
def test_random_streams_reach_a_fixpoint_from_typespec(document):
    source = emit_typespec(document)
    result = roundtrip(source.encode(), name="random.tsp", start="typespec")
    assert result.is_fixpoint, source + "\n" + result.diff()
    original = load_typespec(source, name="random.tsp")
    again = load_typespec(result.steps[1], name="again.tsp")
    names = {component_name(d, original.service.namespace) for d in original.declarations}
    assert _event_signature(again, names) == _event_signature(original)


@PROPERTY_SETTINGS
@given(documents())
def test_random_streams_reach_a_fixpoint_from_openapi(document):
    source = to_yaml(emit_document(document))
    result = roundtrip(source.encode(), name="random.yaml", start="openapi")
    assert result.is_fixpoint, source + "\n" + result.diff()
    assert operation_streams(yaml.safe_load(result.steps[1])) == operation_streams(yaml.safe_load(source))


# --- the command ----------------------------------------------------------------------------------


def test_roundtrip_command_exits_0_at_a_fixpoint(tmp_path: Path):
    spec = OPENAPI_CASES[0]
    result = CliRunner().invoke(main, ["roundtrip", str(spec)])
    assert result.exit_code == 0, result.output
    assert "fixpoint" in result.output


def test_roundtrip_command_shows_a_located_diff_when_the_second_cycle_changes(monkeypatch):
    """A converter that adds a line on its second pass: the diff names the change and where
    in the source it comes from, and the exit code is 1."""
    from sse_bridge import roundtrip as module
    from sse_bridge.tsp import emit as tsp_emit

    calls = {"count": 0}
    original = tsp_emit.emit_typespec

    def drifting(document, diagnostics=None):
        calls["count"] += 1
        text = original(document, diagnostics)
        return (
            text.replace("model Userconnect {", "model Userconnect {\n  drift: string;", 1)
            if calls["count"] > 1
            else text
        )

    monkeypatch.setattr(tsp_emit, "emit_typespec", drifting)
    spec = next(p for p in OPENAPI_CASES if p.parent.name == "seed002-scenario2")
    result = CliRunner().invoke(main, ["roundtrip", str(spec)])
    assert result.exit_code == 1
    assert "+  drift: string;" in result.output
    assert f"Userconnect at {spec}" in result.output or "Userconnect from" in result.output
    assert module.roundtrip  # the command used the library's round trip
