"""The IR is frozen data: JSON values in it are immutable and hashable by construction, and a
bug met while converting is one located ``internal-error`` diagnostic, never a traceback."""

from __future__ import annotations

import json
import pickle

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import sse_bridge
from sse_bridge import ir
from sse_bridge.cli import main
from sse_bridge.diagnostics import InputError

JSON_VALUES = FIXTURES / "import" / "json-values-everywhere" / "openapi.yaml"


def test_json_values_are_frozen_when_a_record_is_made():
    extension = ir.Extension("x-owners", ["api", {"name": "platform", "tags": [1, 2]}])
    assert isinstance(extension.value, ir.JsonArray)
    assert isinstance(extension.value[1], ir.JsonObject)
    assert isinstance(extension.value[1]["tags"], ir.JsonArray)
    assert extension == ir.Extension("x-owners", ["api", {"tags": [1, 2], "name": "platform"}])
    assert hash(extension) == hash(ir.Extension("x-owners", ["api", {"name": "platform", "tags": [1, 2]}]))
    meta = ir.Metadata(examples=({"a": [1]}, [{"b": None}]))
    assert isinstance(meta.examples, tuple) and isinstance(meta.examples[0], ir.JsonObject)
    assert {meta, ir.Metadata(examples=({"a": [1]}, [{"b": None}]))} == {meta}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda a, o: a.append(1),
        lambda a, o: a.__setitem__(0, 1),
        lambda a, o: a.extend([1]),
        lambda a, o: a.sort(),
        lambda a, o: o.__setitem__("k", 1),
        lambda a, o: o.update(k=1),
        lambda a, o: o.pop("name"),
        lambda a, o: o.setdefault("k", 1),
        lambda a, o: o.clear(),
    ],
)
def test_frozen_json_refuses_every_change(mutate):
    value = ir.Extension("x-v", [{"name": "a"}]).value
    with pytest.raises(TypeError, match="immutable"):
        mutate(value, value[0])
    assert value == [{"name": "a"}]


def test_frozen_json_reads_as_json():
    value = ir.freeze_json({"a": [1, {"b": (2, 3)}], "c": None})
    assert json.loads(json.dumps(value)) == {"a": [1, {"b": [2, 3]}], "c": None}
    assert pickle.loads(pickle.dumps(value)) == value
    deep = current = []
    for _ in range(100_000):  # frozen without recursion
        current.append([])
        current = current[0]
    assert isinstance(ir.freeze_json(deep), ir.JsonArray)


def test_json_values_on_inline_schemas_convert():
    result = sse_bridge.import_openapi(JSON_VALUES)
    assert '@extension("x-rate-limit", #{ `per-minute`: 60, burst: #[1, 2, 3] })' in result.output
    assert [d.code for d in result.diagnostics] == ["annotation-dropped"]


def _broken_operation(self, op):
    raise KeyError("boom")


def test_an_internal_error_is_one_located_diagnostic(monkeypatch):
    monkeypatch.setattr("sse_bridge.tsp.emit._Writer.operation", _broken_operation)
    with pytest.raises(InputError) as caught:
        sse_bridge.import_openapi(JSON_VALUES)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "internal-error"
    assert "KeyError: 'boom'" in diagnostic.message and "please report" in diagnostic.message
    assert diagnostic.location is not None  # the operation being written
    assert (diagnostic.location.path, diagnostic.location.line) == (str(JSON_VALUES), 11)  # `get:`
    assert diagnostic.detail.startswith("raised at ") and "_broken_operation" in diagnostic.detail


@pytest.mark.parametrize("diagnostics_format", ["text", "json"])
def test_the_command_line_prints_no_traceback(monkeypatch, diagnostics_format):
    monkeypatch.setattr("sse_bridge.tsp.emit._Writer.operation", _broken_operation)
    result = CliRunner().invoke(
        main, ["import", str(JSON_VALUES), "--diagnostics", diagnostics_format], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    if diagnostics_format == "json":
        (line,) = [json.loads(text) for text in result.stderr.splitlines() if '"internal-error"' in text]
        assert line["line"] == 11 and "_broken_operation" in line["detail"]
    else:
        assert "error [internal-error] internal error (KeyError: 'boom')" in result.stderr
        assert "Traceback" not in result.stderr
