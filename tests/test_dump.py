"""The YAML writer (openapi/dump.py): whatever JSON data it is given, YAML 1.1 readers
(PyYAML) and YAML 1.2 readers (ours) read back exactly that data."""

from __future__ import annotations

import json
import math

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sse_bridge.openapi.dump import to_json, to_yaml
from sse_bridge.openapi.source import load

TRICKY = [
    "y",
    "n",
    "yes",
    "No",
    "on",
    "OFF",
    "null",
    "~",
    "true",
    "1.0",
    "1e3",
    "0x1F",
    "0o7",
    "012",
    "+1",
    ".5",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "12:30",
    "1:20:30",
    "3.2.0",
    "1_000",
    ".inf",
    "-.inf",
    ".nan",
    "-x",
    "- x",
    "#x",
    "a: b",
    "a #b",
    "end:",
    "",
    " lead",
    "trail ",
    "it's",
    'say "hi"',
    "multi\nline",
    "multi\nline\n",
    "  indented\nfirst",
    "tab\there",
    "ünïcode",
    "=",
    "<<",
    "[x",
    "{x",
    "*x",
    "&x",
    "!x",
    "|x",
    ">x",
    "%x",
    "@x",
    "`x",
    ",x",
    "?x",
    ":x",
    "a,b",
    "x]",
    "/path/{id}",
    "#/components/schemas/A",
    "(title)",
    " ",
    "\u2028",
    "line\r\nwin",
    "trailing \nspace",
    "\x00nul",
    "back\\slash",
    "\t",
    "a\n\nb\n\n",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(TRICKY),
    st.text(max_size=30),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)), inner, max_size=5),
    ),
    max_leaves=40,
)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), documents, max_size=6))
def test_yaml_reads_back_the_same_data_in_yaml_1_1_and_1_2(document):
    text = to_yaml(document)
    assert _same(yaml.safe_load(text), document), text
    assert _same(load(text, "written.yaml").data, document), text


def test_yaml_layout_is_the_official_emitter_layout():
    text = to_yaml({"openapi": "3.2.0", "tags": [{"name": "a"}], "paths": {}, "x": "multi\nline"})
    assert text == "openapi: 3.2.0\ntags:\n  - name: a\npaths: {}\nx: |-\n  multi\n  line\n"


def test_json_output_is_json():
    assert json.loads(to_json({"a": [1, "b"]})) == {"a": [1, "b"]}


@settings(max_examples=2000, deadline=None)
@example("2024-01-01")
@example("2024-1-1 1:02:03.5 +01:00")
@example("1:30")
@example("190:20:30.15")
@example("0b101")
@example("1_000")
@example("0o17")
@example("09")
@example("3.2.0")
@example("1e3")
@example("1e+3")
@given(
    st.text(alphabet="0123456789", min_size=1, max_size=1).flatmap(
        lambda first: st.text(alphabet="0123456789.-+:_eEoxbTtZ \tabf", max_size=24).map(
            lambda rest: first + rest
        )
    )
    | st.text(alphabet=".0123456789eE-+_:", min_size=1, max_size=12).map(lambda rest: "." + rest)
)
def test_digit_led_words_are_quoted_exactly_when_a_yaml_reader_would_retype_them(text):
    """The writer's own number-and-date pattern agrees with PyYAML's (YAML 1.1) and our
    loader's (YAML 1.2) implicit resolvers, which it copies so that writing needs no YAML
    library."""
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    from sse_bridge.openapi._yaml_loader import _CoreResolver
    from sse_bridge.openapi.dump import _read_as_string

    string = "tag:yaml.org,2002:str"
    expected = all(
        resolver.resolve(ScalarNode, text, (True, False)) == string
        for resolver in (Resolver(), _CoreResolver())
    )
    assert _read_as_string(text) == expected, text
