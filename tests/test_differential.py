"""Differential test: our OpenAPI against the official ``tsp compile`` with the
openapi3 emitter, on the same TypeSpec. After normalizing the intended differences (each
listed in the README with its reason), the two documents must be equal; event streams are
compared by their events, since there the official emitter is what we correct."""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import ROOT, case_id, fixture_cases
from events import operation_streams
from oracle import compile_project

from sse_bridge import emit_openapi
from sse_bridge.api import load_typespec
from sse_bridge.openapi.emit_schemas import component_name

CASES = fixture_cases("emit", "main.tsp")
STREAMS = ("text/event-stream", "application/jsonl", "application/x-ndjson", "application/json-seq")


def _walk(node, visit):
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _normalize(document: dict, drop_components: set[str]) -> dict:
    """Apply the intended differences of the README, symmetrically where they are orderings."""
    doc = copy.deepcopy(document)
    schemas = doc.get("components", {}).get("schemas", {})
    for name in drop_components:
        schemas.pop(name, None)
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            bodies = [operation.get("requestBody") or {}, *(operation.get("responses") or {}).values()]
            for body in bodies:
                content = body.get("content") or {}
                for media_type in STREAMS:
                    if media_type in content:
                        content[media_type] = "<stream: compared by its events>"
            if isinstance(operation.get("tags"), list):
                operation["tags"] = sorted(operation["tags"])

    def visit(node: dict) -> None:
        # Integer-valued enums and literals are `type: integer` in ours, `number` there.
        if (
            node.get("type") == "number"
            and isinstance(node.get("enum"), list)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in node["enum"])
        ):
            node["type"] = "integer"
        # A one-member named union keeps its anyOf/oneOf in ours.
        for key in ("anyOf", "oneOf"):
            if isinstance(node.get(key), list) and len(node[key]) == 1 and set(node) == {key}:
                member = node.pop(key)[0]
                node.update(member)

    _walk(doc, visit)
    doc["tags"] = sorted(doc.get("tags", []), key=lambda tag: tag.get("name", ""))
    if "servers" in doc:
        doc["servers"] = sorted(doc["servers"], key=lambda server: server.get("url", ""))
    return doc


def _expected_missing(path) -> set[str]:
    """Components the official emitter writes and we do not: the ``@events`` unions (ours is
    the event object, referenced by ``itemSchema``: compared by events instead), the
    ``@data`` envelope models, and auth models leaking into schemas."""
    document = load_typespec(path)
    names: set[str] = set()
    for declaration in document.declarations:
        # Named as the emitters name components: relative to the service namespace.
        name = component_name(declaration, document.service.namespace)
        if getattr(declaration, "events", False):
            names.add(name)
        if any(getattr(p, "event_data", False) for p in getattr(declaration, "properties", ())):
            names.add(name)
    names.update(s.name for s in document.service.security_schemes)
    return names


def _library_service(path, ours: dict, theirs: dict) -> set[str]:
    """With ``@service`` on a library's namespace (``namespace TypeSpec``), the official
    emitter also writes that library's models and enums as components, and no
    ``info.description`` (the namespace's doc is not read there); ours are the document's
    own declarations, and its doc (intended differences, warning
    ``service-in-library-namespace``). The library components to leave out of the
    comparison; the description is taken out of ours."""
    document = load_typespec(path)
    if document.service.namespace != ("TypeSpec",):
        return set()
    ours.get("info", {}).pop("description", None)
    prefix = len(document.service.namespace)
    own = {".".join(d.qualified_name.split(".")[prefix:]) for d in document.declarations}
    return {name for name in theirs.get("components", {}).get("schemas", {}) if name not in own}


def _refs(node, under: str) -> set[str]:
    """The ``$ref``s found below keys named ``under``."""
    found: set[str] = set()

    def visit(item: dict) -> None:
        target = item.get(under)
        if isinstance(target, dict) and isinstance(target.get("$ref"), str):
            found.add(target["$ref"])

    _walk(node, visit)
    return found


def _difference(ours, theirs, path="#") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in sorted(set(ours) | set(theirs), key=str):
            if key not in ours:
                found.append(f"{path}/{key}: only in the official output: {str(theirs[key])[:120]}")
            elif key not in theirs:
                found.append(f"{path}/{key}: only in ours: {str(ours[key])[:120]}")
            else:
                found.extend(_difference(ours[key], theirs[key], f"{path}/{key}"))
        return found
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        found = []
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found.extend(_difference(a, b, f"{path}/{index}"))
        return found
    return [] if ours == theirs else [f"{path}: ours {str(ours)[:120]} / official {str(theirs)[:120]}"]


@pytest.mark.oracle
@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_same_document_as_the_official_emitter_but_for_the_intended_differences(path):
    ours = yaml.safe_load(emit_openapi(path, name=str(path.relative_to(ROOT))).output)
    compiled = compile_project(path)  # in place: a fixture's own imports are part of it
    assert compiled.errors == [] and compiled.openapi is not None, compiled.output
    theirs = compiled.openapi
    drop = _expected_missing(path) | _library_service(path, ours, theirs)
    # Anonymous event payloads are named components in ours (after their events), inline there.
    payloads = {
        ref.rsplit("/", 1)[-1]
        for name in drop
        for ref in _refs(ours.get("components", {}).get("schemas", {}).get(name, {}), "contentSchema")
    }
    drop |= {name for name in payloads if name not in theirs.get("components", {}).get("schemas", {})}
    differences = _difference(_normalize(ours, drop), _normalize(theirs, drop))
    assert not differences, "\n".join(differences[:30])
    # Streams: the same events in the same order, except where the official emitter drops a
    # terminal variant's name (README, intended differences) or writes no itemSchema (request bodies, JSON Lines).
    our_streams = operation_streams(ours)
    their_streams = operation_streams(theirs)
    for key, events in our_streams.items():
        if key[1] == "request":
            continue
        expected = [None if terminal else name for name, terminal in events]
        assert [name for name, _ in their_streams.get(key, [])] == expected, key
