"""The TypeSpec parser (README "Diagnostics"): fixtures under fixtures/tsp-syntax/ and
targeted cases.

Valid fixtures were all accepted by the official compiler (``tsp compile --no-emit``), the
invalid ones all rejected; each invalid fixture states the diagnostics we expect (and the
compiler's) in ``// expect: CODE LINE:COL`` header lines.
"""

from __future__ import annotations

import marshal
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sse_bridge.diagnostics import InputError
from sse_bridge.tsp import _cache, _records, _tables
from sse_bridge.tsp import parse as parse_module
from sse_bridge.tsp import syntax as s
from sse_bridge.tsp._building import SyntaxBuilder, rule_callback
from sse_bridge.tsp._lexing import MAX_NESTING
from sse_bridge.tsp._text import doc_comment_text
from sse_bridge.tsp.parse import MAX_DIAGNOSTICS, parse

SYNTAX_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tsp-syntax"
VALID = sorted((SYNTAX_FIXTURES / "valid").glob("*.tsp"))
INVALID = sorted((SYNTAX_FIXTURES / "invalid").glob("*.tsp"))
EXPECT = re.compile(r"^// expect: (?P<code>[a-z-]+) (?P<line>\d+):(?P<column>\d+)$", re.MULTILINE)


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def parse_fixture(name: str) -> s.Script:
    return parse(read(SYNTAX_FIXTURES / "valid" / name), name)


def errors_of(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(InputError) as caught:
        parse(text, "t.tsp")
    return [(d.code, d.location.line, d.location.column, d.message) for d in caught.value.diagnostics]


def declarations(script: s.Script) -> dict[str, s.Statement]:
    """Every named declaration in the file, nested namespaces included, by name."""
    found: dict[str, s.Statement] = {}

    def visit(statements):
        for statement in statements:
            if isinstance(statement, s.NamespaceDeclaration):
                found[".".join(statement.name)] = statement
                visit(statement.statements)
            elif hasattr(statement, "name"):
                found[statement.name] = statement

    visit(script.statements)
    return found


def members(model: s.ModelDeclaration | s.ModelExpression) -> dict[str, s.ModelProperty]:
    return {member.name: member for member in model.members if isinstance(member, s.ModelProperty)}


def walk(node):
    """Every value reachable from a syntax node (record fields, tuples)."""
    stack = [node]
    while stack:
        value = stack.pop()
        yield value
        if hasattr(type(value), "__record_fields__"):
            stack.extend(getattr(value, field.name) for field in _records.fields(value))
        elif isinstance(value, tuple):
            stack.extend(value)


PLAIN_TYPES = (str, int, float, bool, type(None), tuple, s.Pos)


def assert_plain_tree(script: s.Script) -> None:
    for value in walk(script):
        module = type(value).__module__
        assert module == s.__name__ or isinstance(value, PLAIN_TYPES), f"{type(value)} escaped the parser"
        if isinstance(value, str):
            assert type(value) is str, "a str subclass (a Lark token?) escaped the parser"


# ---------------------------------------------------------------------- valid fixtures


@pytest.mark.parametrize("path", VALID, ids=[path.name for path in VALID])
def test_valid_fixture_parses_to_plain_syntax_tree(path: Path):
    script = parse(read(path), str(path))
    assert script.path == str(path)
    assert_plain_tree(script)


def test_models_fixture():
    found = declarations(parse_fixture("models.tsp"))
    pet = members(found["Pet"])
    assert list(pet) == [
        "id",
        "name",
        "tag",
        "age",
        "kebab-name",
        "with space",
        "record",
        "extern",
        "internal",
    ]
    assert pet["tag"].optional and pet["tag"].default == s.StringLiteral("dog")
    assert pet["age"].default == s.NumericLiteral(3, "3")
    assert not pet["id"].optional and pet["id"].type == s.Identifier("int64")
    named = found["Named"]
    assert named.template_parameters == (
        s.TemplateParameter(
            "T", s.UnionExpression((s.Identifier("string"), s.Identifier("int32"))), s.Identifier("string")
        ),
        s.TemplateParameter("U", None, s.Identifier("T")),
    )
    assert found["Dog"].extends == s.Identifier("Pet")
    assert found["Cat"].is_ == s.Identifier("Pet") and found["Cat"].members == ()
    tiger = found["Tiger"]
    assert tiger.is_ == s.TypeReference(
        s.Identifier("Named"),
        (s.TemplateArgument(s.Identifier("string")), s.TemplateArgument(s.Identifier("int32"))),
    )
    assert list(members(tiger)) == ["stripes"]
    spreads = [member for member in found["WithSpreads"].members if isinstance(member, s.ModelSpread)]
    assert spreads == [
        s.ModelSpread(s.Identifier("Pet")),
        s.ModelSpread(s.TypeReference(s.Identifier("Named"), (s.TemplateArgument(s.Identifier("int32")),))),
    ]
    assert found["Empty"].members == ()
    inner = members(found["Nested"])["inner"].type
    assert isinstance(inner, s.ModelExpression)
    deepest = members(members(inner)["deep"].type)["deepest"]
    assert deepest.optional


def test_unions_and_enums_fixture():
    found = declarations(parse_fixture("unions-enums.tsp"))
    named = found["Named"].variants
    assert [variant.name for variant in named] == ["a", "b", "quoted-name", "record"]
    assert named[2].type == s.Identifier("string")
    unnamed = found["Unnamed"].variants
    assert all(variant.name is None for variant in unnamed)
    assert [type(variant.type).__name__ for variant in unnamed] == [
        "Identifier",
        "Identifier",
        "StringLiteral",
        "NumericLiteral",
        "TupleExpression",
        "ModelExpression",
    ]
    assert found["Templated"].template_parameters == (s.TemplateParameter("T"),)
    assert found["Templated"].variants[1].type == s.Keyword("null")
    assert found["Leading"].value == s.UnionExpression((s.Identifier("A"), s.Identifier("B")))
    assert found["Both"].value == s.UnionExpression(
        (s.IntersectionExpression((s.Identifier("A"), s.Identifier("B"))), s.Identifier("string"))
    )
    color = found["Color"].members
    assert [(member.name, member.value) for member in color] == [
        ("red", None),
        ("green", s.StringLiteral("GREEN")),
        ("blue", s.StringLiteral("BLUE")),
    ]
    level = {member.name: member.value.value for member in found["Level"].members}
    assert level == {"low": 1, "high": 2.5, "negative": -1}
    extended = found["Extended"].members
    assert extended[0] == s.EnumSpread(s.Identifier("Color"))
    assert extended[2].name == "with-dash"


def test_scalars_fixture():
    found = declarations(parse_fixture("scalars.tsp"))
    assert found["Uuid"].extends == s.Identifier("string") and found["Uuid"].constructors == ()
    assert found["Link"].decorators == (s.Decorator(s.Identifier("format"), (s.StringLiteral("uri"),)),)
    assert found["Plain"].extends is None
    stamp = found["Stamp"].constructors
    assert [constructor.name for constructor in stamp] == ["fromParts", "fromYear"]
    assert stamp[0].parameters == (
        s.FunctionParameter("year", s.Identifier("int32")),
        s.FunctionParameter("rest", s.ArrayExpression(s.Identifier("int32")), rest=True),
    )
    assert stamp[1].parameters == (s.FunctionParameter("year", s.Identifier("int32"), optional=True),)
    assert found["Wrapped"].template_parameters == (s.TemplateParameter("T"),)


def test_operations_and_interfaces_fixture():
    found = declarations(parse_fixture("operations-interfaces.tsp"))
    listing = found["list"]
    assert listing.decorators == (s.Decorator(s.Identifier("route"), (s.StringLiteral("/widgets"),)),)
    limit, skip = listing.signature.parameters
    assert (limit.name, limit.optional, limit.default) == ("limit", True, s.NumericLiteral(10, "10"))
    assert skip.decorators == (s.Decorator(s.Identifier("query"), (s.StringLiteral("x-skip"),)),)
    assert listing.signature.return_type == s.UnionExpression(
        (s.ArrayExpression(s.Identifier("Widget")), s.Identifier("Error"))
    )
    create = found["create"].signature
    assert [parameter.name for parameter in create.parameters] == ["widget", "contentType"]
    assert isinstance(create.return_type, s.ModelExpression)
    assert found["update"].signature.parameters == (s.ModelSpread(s.Identifier("Widget")),)
    instance = found["instance"]
    assert instance.signature is None
    assert instance.is_ == s.TypeReference(
        s.Identifier("Template"), (s.TemplateArgument(s.Identifier("Widget")),)
    )
    gadgets = found["Gadgets"]
    assert [operation.name for operation in gadgets.operations] == ["list", "read", "create", "generic"]
    assert gadgets.operations[2].is_ is not None and gadgets.operations[2].decorators[
        0
    ].target == s.Identifier("post")
    assert gadgets.operations[3].template_parameters == (s.TemplateParameter("T"),)
    assert found["Derived"].extends == (
        s.TypeReference(s.Identifier("Base"), (s.TemplateArgument(s.Identifier("Widget")),)),
        s.Identifier("Gadgets"),
    )


def test_block_namespaces_fixture():
    script = parse_fixture("namespaces-block.tsp")
    outer = script.statements[2]
    assert isinstance(outer, s.NamespaceDeclaration) and outer.block
    assert outer.name == ("Outer",) and outer.doc == "The outer namespace."
    assert outer.decorators[0].target == s.Identifier("service")
    inner = outer.statements[1]
    assert inner.name == ("Inner", "Deeper") and inner.block
    assert inner.statements[0] == s.UsingStatement(s.Identifier("Http"))
    deeper_model = inner.statements[1]
    assert members(deeper_model)["x"].type == s.MemberAccess(s.Identifier("Outer"), "InOuter")
    assert script.statements[3] == s.NamespaceDeclaration(("Second",), ())


def test_blockless_namespace_takes_the_rest_of_the_file():
    script = parse_fixture("namespace-blockless.tsp")
    head = script.statements[:-1]
    assert [type(statement).__name__ for statement in head] == [
        "ImportStatement",
        "ImportStatement",
        "UsingStatement",
    ]
    namespace = script.statements[-1]
    assert namespace.name == ("Acme", "Service") and namespace.block is False
    assert namespace.doc == "The service."
    assert [decorator.target.name for decorator in namespace.decorators] == ["service", "info"]
    assert [type(statement).__name__ for statement in namespace.statements] == [
        "UsingStatement",
        "ModelDeclaration",
        "NamespaceDeclaration",
    ]
    assert namespace.statements[2].statements[0].name == "get"


def test_expressions_fixture():
    found = declarations(parse_fixture("expressions.tsp"))
    shapes = members(found["Shapes"])
    a, b, c = s.Identifier("A"), s.Identifier("B"), s.Identifier("C")
    assert shapes["either"].type == s.UnionExpression((a, b, c))
    assert shapes["leadingBar"].type == s.UnionExpression((a, b))
    assert shapes["intersection"].type == s.IntersectionExpression((a, b))
    assert shapes["precedence"].type == s.UnionExpression((s.IntersectionExpression((a, b)), c))
    assert shapes["grouped"].type == s.ArrayExpression(s.UnionExpression((a, b)))
    assert shapes["matrix"].type == s.ArrayExpression(s.ArrayExpression(s.Identifier("int32")))
    assert shapes["tuple"].type == s.TupleExpression(
        (s.Identifier("string"), s.Identifier("int32"), s.TupleExpression((a,)))
    )
    assert shapes["emptyTuple"].type == s.TupleExpression(())
    assert shapes["literalBoolean"].type == s.UnionExpression(
        (s.BooleanLiteral(True), s.BooleanLiteral(False))
    )
    assert shapes["keywords"].type == s.UnionExpression(
        (s.Keyword("void"), s.Keyword("never"), s.Keyword("unknown"), s.Keyword("null"))
    )
    assert shapes["reference"].type == s.MemberAccess(s.Identifier("Expressions"), "A")
    assert shapes["namedArgument"].type == s.TypeReference(
        s.Identifier("Generic"), (s.TemplateArgument(a), s.TemplateArgument(b, name="U"))
    )
    assert len(shapes["trailingComma"].type.arguments) == 2
    assert found["Member"].value == s.MemberAccess(
        s.MemberAccess(s.Identifier("Expressions"), "Shapes"), "either"
    )
    assert found["ReturnOf"].value == s.MemberAccess(s.Identifier("Op"), "returnType", meta=True)
    assert found["TypeOfValue"].value == s.TypeOf(s.Identifier("value"))
    t, u = found["Constrained"].template_parameters
    assert t.constraint == s.ValueOf(s.Identifier("string"))
    assert u.constraint == s.UnionExpression((s.Identifier("string"), s.ValueOf(s.Identifier("int32"))))
    assert u.default == s.NumericLiteral(1, "1")


def test_values_fixture():
    found = declarations(parse_fixture("values.tsp"))
    defaults = {name: prop.default for name, prop in members(found["Example"]).items()}
    numbers = {
        name: (value.value, value.text)
        for name, value in defaults.items()
        if isinstance(value, s.NumericLiteral)
    }
    assert numbers == {
        "count": (10, "10"),
        "ratio": (-0.5, "-0.5"),
        "big": (0x7FFFFFFF, "0x7FFFFFFF"),
        "mask": (10, "0b1010"),
        "exponent": (1500, "1.5e3"),
        "signed": (0.02, "+2e-2"),
    }
    assert defaults["flag"] == s.BooleanLiteral(False)
    assert defaults["list"] == s.ArrayLiteral((s.StringLiteral("a"), s.StringLiteral("b")))
    assert defaults["empty"] == s.ArrayLiteral(())
    settings_value = defaults["settings"]
    assert [entry.name for entry in settings_value.entries] == ["a", "b", "d"]
    assert settings_value.entries[1].value == s.ObjectLiteral(
        (s.ObjectLiteralProperty("c", s.BooleanLiteral(True)),)
    )
    assert settings_value.entries[2].value == s.ArrayLiteral((s.Keyword("null"),))
    assert defaults["when"] == s.CallExpression(
        s.MemberAccess(s.Identifier("utcDateTime"), "fromISO"), (s.StringLiteral("2024-01-01T00:00:00Z"),)
    )
    assert defaults["small"] == s.CallExpression(s.Identifier("int8"), (s.NumericLiteral(3, "3"),))
    assert found["merged"].value == s.ObjectLiteral(
        (s.ObjectLiteralSpread(s.Identifier("base")), s.ObjectLiteralProperty("b", s.NumericLiteral(2, "2")))
    )
    assert found["typed"].type == s.Identifier("string")


def test_strings_fixture():
    found = declarations(parse_fixture("strings.tsp"))
    assert found["Escapes"].value == s.StringLiteral(
        'tab\t newline\n quote" backslash\\ dollar$ at@ backtick` cr\r'
    )
    assert found["Block"].value == s.StringLiteral("first line\n  indented line\n\nlast line")
    interpolated = found["Interpolated"].value
    assert interpolated.parts[0::2] == ("prefix ", " middle ", " suffix")
    assert interpolated.parts[1] == s.Identifier("Escapes")
    assert isinstance(interpolated.parts[3], s.ModelExpression)
    assert found["BlockTemplate"].value == s.StringTemplate(("Hello ", s.Identifier("Escapes"), "!\n  More"))
    assert found["Unicode"].value == s.StringLiteral("héllo wörld ✓ 😀")
    assert found["Empty"].value == s.StringLiteral("")
    assert found["EmptyBlock"].value == s.StringLiteral("")


def test_decorators_and_directives_fixture():
    script = parse_fixture("decorators-directives.tsp")
    namespace = script.statements[-1]
    assert namespace.directives == (
        s.Directive("suppress", (s.StringLiteral("some-code"), s.StringLiteral("a reason"))),
    )
    found = declarations(script)
    model = found["M"]
    assert [decorator.target for decorator in model.decorators] == [
        s.Identifier("doc"),
        s.Identifier("extension"),
        s.MemberAccess(s.MemberAccess(s.Identifier("TypeSpec"), "OpenAPI"), "extension"),
    ]
    identifier = members(model)["id"]
    assert identifier.decorators[1] == s.Decorator(
        s.Identifier("visibility"), (s.MemberAccess(s.Identifier("Lifecycle"), "Read"),)
    )
    name = members(model)["name"]
    assert name.directives[0].name == "suppress" and len(name.decorators) == 2
    assert name.decorators[1].arguments == (s.NumericLiteral(10, "10"),)
    assert found["Old"].directives == (s.Directive("deprecated", (s.StringLiteral("use N instead"),)),)
    assert found["U"].variants[1].directives[0].arguments[0] == s.StringLiteral("x")
    assert found["E"].members[0].decorators[0].target == s.Identifier("doc")
    query = found["f"].signature.parameters[1]
    assert query.directives and query.decorators[0].target == s.Identifier("query")
    augments = [statement for statement in namespace.statements if isinstance(statement, s.AugmentDecorator)]
    assert augments[0] == s.AugmentDecorator(
        s.Identifier("doc"), s.MemberAccess(s.Identifier("M"), "name"), (s.StringLiteral("augmented"),)
    )
    assert augments[1].arguments == (s.StringLiteral("x-augmented"), s.NumericLiteral(1, "1"))
    assert augments[2].target == s.MemberAccess(
        s.MemberAccess(s.Identifier("f"), "parameters", meta=True), "id"
    )


def test_doc_comments_fixture():
    script = parse_fixture("doc-comments.tsp")
    namespace = script.statements[0]
    assert namespace.doc == "The namespace."
    found = declarations(script)
    pet = found["Pet"]
    assert pet.doc == "A pet.\n\nWith a second paragraph.\n@template T the payload"
    docs = {name: prop.doc for name, prop in members(pet).items()}
    assert docs == {
        "id": "The id.",
        "name": "The name (the last doc comment wins).",
        "code": "Between decorators.",
        "payload": "Payload.",
        "undocumented": None,
    }
    read_op = found["read"]
    assert read_op.doc == (
        "Reads a pet.\n@param id the pet id\n@returns the pet\n\n"
        "```tsp\nop read(id: string): Pet<string>;\n```"
    )
    assert read_op.signature.parameters[0].doc == "The id parameter."
    assert [variant.doc for variant in found["Events"].variants] == ["Created.", "Deleted."]
    assert [member.doc for member in found["Kind"].members] == ["Small.", None]
    assert found["Id"].doc == "An alias."
    quirk = found["Quirk"]
    assert quirk.doc is None and members(quirk)["a"].doc is None


def test_declarations_fixture():
    found = declarations(parse_fixture("declarations.tsp"))
    assert found["Pair"].template_parameters[1] == s.TemplateParameter("V", None, s.Identifier("K"))
    assert found["answer"] == s.ConstDeclaration("answer", s.NumericLiteral(42, "42"))
    assert found["Hidden"].directives[0].arguments == (s.StringLiteral("experimental-feature"),)
    assert [(p.name, p.optional, p.rest) for p in found["tagged"].parameters] == [
        ("target", False, False),
        ("name", False, False),
        ("more", False, True),
    ]
    assert found["tagged"].parameters[1].type == s.ValueOf(s.Identifier("string"))
    assert found["tagged"].parameters[2].type == s.ValueOf(s.ArrayExpression(s.Identifier("string")))
    assert [p.name for p in found["secret"].parameters] == ["target"]
    for name in ("combine", "plain"):  # functions: declared, not used by the checker
        assert found[name] == s.DecoratorDeclaration(name)


def test_identifiers_fixture():
    found = declarations(parse_fixture("identifiers.tsp"))
    model = found["model"]
    assert list(members(model)) == [
        "extern",
        "with space",
        "escaped`tick",
        "string-name",
        "$dollar",
        "_underscore",
        "unicodé",
        "日本語",
        "record",
        "property",
    ]
    assert found["UsesBackticks"].decorators[0].target == s.Identifier("doc")
    assert found["Member"].value == s.MemberAccess(s.Identifier("Identifiers"), "model")
    assert found["NotNull"].value == s.Identifier("null")


def test_sse_stream_fixture():
    found = declarations(parse_fixture("sse-stream.tsp"))
    events = found["ChannelEvents"]
    assert events.doc == "The channel's events."
    assert events.decorators[0].target == s.MemberAccess(
        s.MemberAccess(s.Identifier("TypeSpec"), "Events"), "events"
    )
    names = [variant.name for variant in events.variants]
    assert names == ["userconnect", "usermessage", None]
    assert events.variants[0].doc == "A user joined."
    terminal = events.variants[2]
    assert terminal.type == s.StringLiteral("[done]")
    assert [decorator.target.name for decorator in terminal.decorators] == [
        "contentType",
        "terminalEvent",
        "extension",
    ]
    assert terminal.decorators[2].arguments == (
        s.StringLiteral("x-ms-sse-terminal-event"),
        s.BooleanLiteral(True),
    )
    operation = found["subscribeToChannel"]
    assert operation.signature.return_type == s.TypeReference(
        s.Identifier("SSEStream"), (s.TemplateArgument(s.Identifier("ChannelEvents")),)
    )


def test_petstore_fixture_keeps_declaration_order():
    namespace = parse_fixture("petstore.tsp").statements[-1]
    names = [statement.name for statement in namespace.statements]
    assert names[:4] == ["Pet", "Color", "Level", "Uuid"] and names[-1] == "Pets"
    assert members(namespace.statements[0])["id"].doc == "The id"


def test_only_comments_fixture_is_an_empty_script():
    assert parse_fixture("only-comments.tsp") == s.Script("only-comments.tsp", ())


# ---------------------------------------------------------------------- invalid fixtures


@pytest.mark.parametrize("path", INVALID, ids=[path.name for path in INVALID])
def test_invalid_fixture_reports_the_expected_diagnostics(path: Path):
    text = read(path)
    expected = [(m["code"], int(m["line"]), int(m["column"])) for m in EXPECT.finditer(text)]
    assert expected, f"{path.name} has no '// expect:' header"
    with pytest.raises(InputError) as caught:
        parse(text, str(path))
    diagnostics = caught.value.diagnostics
    got = [(d.code, d.location.line, d.location.column) for d in diagnostics[: len(expected)]]
    assert got == expected, [str(d) for d in diagnostics]
    assert all(d.location.path == str(path) for d in diagnostics)
    assert all(d.level.value == "error" for d in diagnostics)


# ---------------------------------------------------------------------- positions and messages


def test_positions_point_at_names_and_first_tokens():
    script = parse('@doc("x")\nmodel Pet {\n  @key id: int32 | string;\n}\n', "p.tsp")
    model = script.statements[0]
    assert model.pos == s.Pos(2, 7)
    assert model.decorators[0].pos == s.Pos(1, 1)
    prop = model.members[0]
    assert prop.pos == s.Pos(3, 8)
    assert prop.type.pos == s.Pos(3, 12)
    assert prop.type.options[1].pos == s.Pos(3, 20)


def test_positions_count_code_points_and_every_line_break_style():
    script = parse('alias A = "é😀";\r\nalias B = C;\ralias D = E;\n', "p.tsp")
    assert [statement.pos for statement in script.statements] == [s.Pos(1, 7), s.Pos(2, 7), s.Pos(3, 7)]
    assert parse('alias X = "😀" | Y;').statements[0].value.options[1].pos == s.Pos(1, 17)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("model A { a: string b: int32 }", "expected one of ',', ';', '}' but found identifier 'b'", 1, 20),
        ("model A { a string }", "expected one of ':', '?' but found identifier 'string'", 1, 12),
        ("alias X = ;", "expected an expression but found ';'", 1, 11),
        ("model A {}\nfoo;", "expected a statement but found identifier 'foo'", 2, 1),
        ("op f(): void\nop g(): void;", "expected ';' but found 'op'", 1, 13),
        ("model model {}", "expected an identifier but found 'model'", 1, 7),
        ("alias X = record;", "expected an expression but found reserved word 'record'", 1, 11),
        ("model A {\n  a: string;\n", "expected one of '}', a member but found end of file", 2, 13),
        ("import a;", "expected a string literal but found identifier 'a'", 1, 8),
    ],
)
def test_syntax_error_messages_use_human_readable_token_names(text, message, line, column):
    assert errors_of(text)[0] == ("syntax-error", line, column, message)


def test_several_syntax_errors_are_reported_in_one_run():
    text = "model A {\n  a: string\n  b: int32;\n}\nmodel B { c: ; }\nalias C = ;\nmodel D { ok: string }\n"
    assert [(code, line) for code, line, _, _ in errors_of(text)] == [
        ("syntax-error", 2),
        ("syntax-error", 5),
        ("syntax-error", 6),
    ]


def test_diagnostics_are_capped():
    text = "".join(f"model M{number} {{ a: }}\n" for number in range(50))
    found = errors_of(text)
    assert len(found) == MAX_DIAGNOSTICS
    assert [line for _, line, _, _ in found] == list(range(1, MAX_DIAGNOSTICS + 1))


def test_lexical_and_syntax_errors_come_together_in_source_order():
    found = errors_of('alias A = "\\q";\nmodel B { b: }\nalias C = %;\n')
    assert [(code, line) for code, line, _, _ in found] == [
        ("invalid-escape", 1),
        ("syntax-error", 2),
        ("invalid-character", 3),
        ("syntax-error", 3),  # then the ';' where an expression should be
    ]


# ---------------------------------------------------------------------- lexical details


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("+3", 3),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000),
        ("2.0", 2),
        ("1.5e-3", 0.0015),
        ("0x1F", 31),
        ("0b101", 5),
        ("12345678901234567890", 12345678901234567890),
        ("1e400", float("inf")),
    ],
)
def test_numeric_literal_values(text, value):
    literal = parse(f"const x = {text};").statements[0].value
    assert literal == s.NumericLiteral(value, text)
    assert type(literal.value) is type(value)


def test_string_escapes_and_triple_quoted_strings():
    value = parse('alias X = "\\r\\n\\t\\"\\\\\\$\\@\\`";').statements[0].value
    assert value == s.StringLiteral('\r\n\t"\\$@`')
    crlf = parse('alias X = """\r\n  a\r\n    b\r\n  """;').statements[0].value
    assert crlf == s.StringLiteral("a\n  b")
    tabs = parse('alias X = """\n\t\tx\n\t\t""";').statements[0].value
    assert tabs == s.StringLiteral("x")
    short_blank_line = parse('alias X = """\n    a\n\n    b\n    """;').statements[0].value
    assert short_blank_line == s.StringLiteral("a\n\nb")


def test_string_templates_alternate_text_and_expressions():
    template = parse('alias X = "${A}${B}";').statements[0].value
    assert template == s.StringTemplate(("", s.Identifier("A"), "", s.Identifier("B"), ""))
    nested = parse('alias X = "a ${ "b ${C} d" } e";').statements[0].value
    assert nested.parts[1] == s.StringTemplate(("b ", s.Identifier("C"), " d"))
    escaped = parse('alias X = "\\${not} a template";').statements[0].value
    assert escaped == s.StringLiteral("${not} a template")


def test_identifiers_in_backticks_escapes_and_unicode():
    statement = parse("model `a\\`b` { `x y`: string; café: string; ｆｕｌｌ: string }").statements[0]
    assert statement.name == "a`b"
    assert list(members(statement)) == ["x y", "café", "ｆｕｌｌ"]
    decomposed = parse("model Cafe\u0301 {}").statements[0]
    assert decomposed.name == "Café"  # NFC, as the compiler normalizes


def test_null_is_a_keyword_unless_backticked_or_qualified():
    assert parse("alias X = null;").statements[0].value == s.Keyword("null")
    assert parse("alias X = `null`;").statements[0].value == s.Identifier("null")
    assert parse("alias X = A.null;").statements[0].value == s.MemberAccess(s.Identifier("A"), "null")


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (" simple ", "simple"),
        ("\n * one\n *   two\n *\n * three\n ", "one\ntwo\n\nthree"),
        ("\n * ```\n *   code\n *  x\n * ```\n ", "```\n  code\n x\n```"),
        ("\n   no star keeps indentation\n", "no star keeps indentation"),
        ("\n * a\n   b\n", "a\n   b"),
        ("\r\n * crlf\r\n ", "crlf"),
        (" text @param x the x \\@escaped ", "text @param x the x \\@escaped"),
        ("   ", None),
    ],
)
def test_doc_comment_text(raw, text):
    assert doc_comment_text(raw) == text


def test_doc_comments_before_and_between_annotations_last_one_wins():
    script = parse(
        '/** one */\n/** two */\n@a\n/** three */\n#suppress "x"\n/** four */\nmodel M {}\n'
        "/** lost */ // a line comment between\n/* a block comment */ model N {}\n"
    )
    assert [statement.doc for statement in script.statements] == ["four", "lost"]


def test_a_doc_comment_anywhere_is_never_an_error():
    text = "/** a */ model /** b */ M /** c */ < /** d */ T /** e */ > { /** f */ }\n/** g */"
    assert parse(text).statements[0].doc == "a"


def test_directives_end_at_the_line_break():
    script = parse('#suppress "a" b // comment\nmodel M {}\n')
    assert script.statements[0].directives == (
        s.Directive("suppress", (s.StringLiteral("a"), s.Identifier("b"))),
    )
    assert errors_of('#suppress "a" 1\nmodel M {}')[0][:3] == ("syntax-error", 1, 15)
    assert errors_of("#suppress\nmodel M {}")[0][:3] == ("syntax-error", 1, 1)


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("model A {\x00}", "invalid-character", 1, 10),
        ("model A {}\n\x00\x00\x00", "invalid-character", 2, 1),
        ("model \ue000 {}", "invalid-character", 1, 7),
        ("alias X = A\x1f;", "invalid-character", 1, 12),
        ("model A { a: string; }\ufffd", "invalid-character", 1, 23),
        ("/* open", "unterminated-comment", 1, 1),
        ('alias X = "open', "unterminated-string", 1, 11),
        ('alias X = """\n  open', "unterminated-string", 1, 11),
        ('alias X = "a ${B} open', "unterminated-string", 1, 11),
        ("model `open", "unterminated-string", 1, 7),
        ('alias X = "\\u0041";', "invalid-escape", 1, 12),
        ("alias X = `a\\qb`;", "invalid-escape", 1, 13),
    ],
)
def test_lexical_errors_are_located(text, code, line, column):
    found = errors_of(text)
    assert (code, line, column) in [(c, li, co) for c, li, co, _ in found]


def test_messages_escape_unprintable_characters():
    found = errors_of("alias X = A `b\ud800\x07`;")
    assert found[0][3] == "expected ';' but found identifier 'b\\ud800\\u0007'"
    found[0][3].encode("utf-8")  # printable on any stream


def test_unicode_whitespace_byte_order_mark_and_lone_surrogates():
    assert (
        parse("\ufeffmodel\u2028A\u00a0B {}").statements[0].name == "A\u00a0B"
    )  # NBSP is an identifier char
    assert parse("model\u200eA\u2029{}").statements[0].name == "A"
    with pytest.raises(InputError):
        parse("model \ud800 {}")


# ---------------------------------------------------------------------- constructs the compiler rejects


@pytest.mark.parametrize(
    "text",
    [
        'import "a";\nmodel A {}\nimport "b";',
        "model A {}\nnamespace N;",
        "namespace N;\nnamespace M;",
        "namespace N { namespace M; }",
        '@doc("x") alias X = string;',
        '@doc("x") const x = 1;',
        'model A { @doc("x") ...B }',
        "enum E { a: B }",
        "model M<T = string, U> {}",
        '@@doc("x");',
        "extern model M {}",
        "internal namespace N {}",
        "dec d(target: unknown);",
        "extern dec d();",
        "extern dec d(target: unknown, a?: string, b: string);",
        "extern dec d(target: unknown, ...a: string, b: string);",
        "alias X = valueof string;",
        "alias X = (valueof string);",
        "model M<T extends (valueof string)[]> {}",
        "model A { a: fn(): void }",
    ],
)
def test_constructs_the_compiler_rejects(text):
    assert errors_of(text)


def test_parenthesized_valueof_is_an_option_of_a_constraint():
    parameter = parse("model M<T extends (valueof string) | int32> {}").statements[0].template_parameters[0]
    string_value = s.ValueOf(s.Identifier("string"))
    assert parameter.constraint == s.UnionExpression((string_value, s.Identifier("int32")))


# ---------------------------------------------------------------------- nesting and size


DEPTH = 30_000


@pytest.mark.parametrize(
    "text",
    [
        "model A { a: " + "(" * DEPTH + "string" + ")" * DEPTH + " }",
        "alias X = " + "[" * DEPTH + "]" * DEPTH + ";",
        "model A { a: " + "{a: " * DEPTH + "string" + "}" * DEPTH + " }",
        "const x = " + "#{a: " * DEPTH + "1" + "}" * DEPTH + ";",
        "const x = " + "#[" * DEPTH + "]" * DEPTH + ";",
        "alias X = " + "A<" * DEPTH + "B" + ">" * DEPTH + ";",
        "alias X = " + '"${' * DEPTH + "1" + '}"' * DEPTH + ";",
        "alias X = A" + "[]" * DEPTH + ";",
        "alias X = A" + ".b" * DEPTH + ";",
        "const x = " + "typeof " * DEPTH + "a;",
        "namespace A { " * DEPTH,
        "model A { a: " + "(" * DEPTH,
    ],
    ids=[
        "parens",
        "tuples",
        "models",
        "objects",
        "arrays",
        "templates",
        "string-templates",
        "array-suffixes",
        "member-chain",
        "typeof",
        "namespaces",
        "unclosed",
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(text):
    found = errors_of(text)
    assert found[0][0] == "nesting-too-deep"
    assert len(found) == 1


def test_nesting_up_to_the_limit_parses():
    depth = MAX_NESTING - 2
    script = parse("alias X = " + "(" * depth + "A" + ")" * depth + ";")
    assert script.statements[0].value == s.Identifier("A")


@pytest.mark.parametrize(
    "text",
    [
        "alias X = " + " | ".join(["A"] * DEPTH) + ";",
        "model M<T extends " + " | ".join(["A"] * DEPTH) + "> {}",
        "@a " * DEPTH + "model M {}",
        ";" * DEPTH,
    ],
    ids=["union", "constraint", "decorators", "empty-statements"],
)
def test_long_flat_constructs_parse(text):
    assert isinstance(parse(text), s.Script)


# ---------------------------------------------------------------------- robustness


def valid_texts() -> list[str]:
    return [read(path) for path in VALID]


_WORDS = """
    \x00 \ufeff é 😀 \ue000 \"\"\" ${ /** */ /* // #{ #[ ... :: @@ 0x 1.5e3 -1 model op union enum
    scalar alias const namespace interface extends is extern internal dec fn valueof typeof init import
    using record null A b string #suppress @doc
"""
TOKENS = [*"{}()[]<>;:,.@#$\"`\\/*|&?=+-!%~^' \n\t", "\r\n", "\u2028", *_WORDS.split()]


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=60).map("".join))
def test_random_text_gives_a_script_or_located_errors(text):
    check_total(text)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(valid_texts()),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3), st.integers(1, 40), st.sampled_from(TOKENS)), max_size=6
    ),
)
def test_mutated_fixtures_give_a_script_or_located_errors(text, edits):
    for where, operation, length, token in edits:
        at = int(where * len(text))
        if operation == 0:
            text = text[:at] + token + text[at:]
        elif operation == 1:
            text = text[:at] + text[at + length :]
        elif operation == 2:
            text = text[:at] + text[at : at + length] + text[at:]
        else:
            text = text[:at] + text[at + length :] + text[at : at + length]
    check_total(text)


def check_total(text: str) -> None:
    try:
        script = parse(text, "fuzz.tsp")
    except InputError as error:
        assert 1 <= len(error.diagnostics) <= MAX_DIAGNOSTICS
        lines = text.count("\n") + text.count("\r") + 1
        for diagnostic in error.diagnostics:
            assert diagnostic.location.path == "fuzz.tsp"
            assert 1 <= diagnostic.location.line <= lines and diagnostic.location.column >= 1
            str(diagnostic).encode("utf-8")  # any output stream can show it
    else:
        assert_plain_tree(script)


def test_parsing_from_several_threads_gives_the_same_trees():
    texts = valid_texts()
    expected = [parse(text) for text in texts]
    results: list[list[s.Script]] = []

    def worker():
        results.append([parse(text) for text in texts])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


# ---------------------------------------------------------------------- grammar loading and cache


def test_grammar_is_read_from_the_package_or_the_source_tree():
    repository_grammar = Path(__file__).resolve().parent.parent / "grammar" / "typespec.lark"
    assert parse_module._grammar_text() == repository_grammar.read_text(encoding="utf-8")


def test_cache_entry_follows_the_grammar_and_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    first, _ = parse_module._tables_cache_entry("start: A")
    assert first.parent == tmp_path
    assert parse_module._tables_cache_entry("start: A")[0] == first
    assert parse_module._tables_cache_entry("start: B")[0] != first  # a changed grammar: another entry
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", "")
    assert parse_module._tables_cache_entry("start: A") is None


def test_cache_is_written_once_then_reused(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path / "cache"))
    grammar = parse_module._grammar_text()
    built = parse_module._load_tables(grammar)
    files = list((tmp_path / "cache").iterdir())
    assert [file.suffix for file in files] == [".tables"]
    written = files[0].stat().st_mtime_ns
    reloaded = parse_module._load_tables(grammar)
    assert files[0].stat().st_mtime_ns == written
    assert reloaded[:6] == built[:6]
    assert len(reloaded[2]) > 100


def test_reductions_share_one_rule_list_after_loading(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    grammar = parse_module._grammar_text()
    parse_module._load_tables(grammar)
    _, rows, rules, *_ = parse_module._load_tables(grammar)  # from the cache
    reductions = {id(action) for row in rows for action in row.values() if type(action) is list}
    assert reductions <= {id(rule) for rule in rules}


def test_corrupt_or_foreign_cache_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    grammar = parse_module._grammar_text()
    cache_file, _ = parse_module._tables_cache_entry(grammar)
    cache_file.write_bytes(b"not a pickle")
    assert len(parse_module._load_tables(grammar)[2]) > 100
    data = bytearray(cache_file.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a damaged byte: the checksum no longer matches
    cache_file.write_bytes(bytes(data))
    assert _cache.load(parse_module._tables_cache_entry(grammar)) is None
    assert parse_module._load_tables(grammar)[0] == _tables.FORMAT
    assert _cache.load(parse_module._tables_cache_entry(grammar)) is not None
    # an entry stored under the same file name for another fingerprint is never used
    _cache.store((cache_file, b"another grammar"), b"other tables")
    assert _cache.load(parse_module._tables_cache_entry(grammar)) is None
    assert _cache.load((cache_file, b"another grammar")) == b"other tables"
    assert len(parse_module._load_tables(grammar)[2]) > 100


def test_unwritable_cache_folder_still_builds(monkeypatch, tmp_path):
    """A cache folder that cannot be made (its parent is a file: refused even to root)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(blocker / "sub"))
    assert len(parse_module._load_tables(parse_module._grammar_text())[2]) > 100
    assert not (blocker / "sub").exists()


def test_failing_cache_write_still_builds(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert len(parse_module._load_tables(parse_module._grammar_text())[2]) > 100
    assert parse_module.parse_library("model A {}", "<library>").statements[0].name == "A"
    assert list(tmp_path.iterdir()) == []


def test_cache_path_that_is_a_file_still_builds(monkeypatch, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(blocker / "sub"))
    assert len(parse_module._load_tables(parse_module._grammar_text())[2]) > 100
    assert parse_module.parse_library("model A {}", "<library>").statements[0].name == "A"


def test_disabled_cache_writes_nothing(monkeypatch):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", "")
    assert parse_module._tables_cache_entry("start: A") is None
    assert parse_module._library_cache_entry("model A {}", "<library>") is None
    assert parse_module.parse_library("model A {}", "<library>").statements[0].name == "A"


def _run_python(code: str, cache: Path) -> str:
    environment = {**os.environ, "SSE_BRIDGE_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_parsing_from_a_warm_cache_does_not_import_lark(tmp_path):
    code = (
        "import sys\n"
        "from sse_bridge.tsp.parse import parse\n"
        "assert parse('model A { b: string }').statements[0].name == 'A'\n"
        "print('lark' in sys.modules)\n"
    )
    assert _run_python(code, tmp_path).split() == ["True"]  # the first run builds the tables with Lark
    assert _run_python(code, tmp_path).split() == ["False"]


def test_library_trees_are_cached_and_follow_the_text(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    text = '/** A doc. */\nnamespace Lib { @doc("x") model A { b?: string = "c"; } }\n'
    first = parse_module.parse_library(text, "<library>")
    assert first == parse(text, "<library>")
    entry = parse_module._library_cache_entry(text, "<library>")
    cache_file = entry[0]
    assert cache_file.suffix == ".pickle" and cache_file.exists()
    assert pickle.loads(_cache.load(entry)) == first
    again = parse_module.parse_library(text, "<library>")
    assert again == first and again is not first
    assert again.statements[0].statements[0].pos == first.statements[0].statements[0].pos
    changed = parse_module._library_cache_entry(text + " ", "<library>")
    assert changed[0] == cache_file and changed[1] != entry[1]  # replaces the tree of the older text
    assert _cache.load(changed) is None
    assert parse_module._library_cache_entry(text, "<other>")[0] != cache_file
    cache_file.write_bytes(b"damaged")
    assert parse_module.parse_library(text, "<library>") == first
    with pytest.raises(InputError):
        parse_module.parse_library("model {", "<library>")


def test_library_trees_follow_the_parser_code(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "fake_parser_module.py"
    source.write_text("# version 1\n")
    module = type(sys)("fake_parser_module")
    module.__file__ = str(source)
    monkeypatch.setitem(sys.modules, "fake_parser_module", module)
    monkeypatch.setattr(
        parse_module, "_PARSER_MODULES", (*parse_module._PARSER_MODULES, "fake_parser_module")
    )
    before = parse_module._library_cache_entry("model A {}", "<library>")
    source.write_text("# version 2, longer\n")
    assert parse_module._library_cache_entry("model A {}", "<library>")[1] != before[1]
    del module.__file__  # a module that is not a file: no caching
    assert parse_module._library_cache_entry("model A {}", "<library>") is None


# ---------------------------------------------------------------------- tables and records


def test_rules_without_a_builder_method_are_spliced_or_pass_their_child():
    """A rule whose callback name the builder does not implement yields the list of its kept
    children (Lark's Tree), which only an ``_inlined`` rule may do (its parent splices the
    list into its own children); any other such rule must be a ``?rule`` with one child."""
    _, _, rules, _, _, _, code = _tables.build(parse_module._grammar_text())
    namespace: dict = {}
    exec(code, namespace)
    builder = SyntaxBuilder()
    for (size, origin, name, _), factory in zip(rules, namespace["FACTORIES"], strict=True):
        if rule_callback(builder, name) is not None:
            continue
        children = [[object()] for _ in range(size)]  # lists: an inlined rule's children are spliced
        value = factory(None)(children)
        if origin.startswith("_"):
            assert type(value) is list, origin
        else:
            assert any(value is child for child in children), (origin, name)


def test_records_compare_by_value_without_positions():
    a = s.ModelProperty("a", s.Identifier("b", pos=s.Pos(1, 2)), pos=s.Pos(1, 1))
    b = s.ModelProperty("a", s.Identifier("b"))
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert a != s.ModelProperty("a", s.Identifier("c"))
    assert s.Identifier("x") != s.Keyword("x")
    assert repr(a) == (
        "ModelProperty(name='a', type=Identifier(name='b'), optional=False, default=None, "
        "decorators=(), directives=(), doc=None)"
    )
    assert s.Decorator(s.Identifier("doc"), (), s.Pos(1, 1)).pos == s.Pos(1, 1)
    assert s.ModelProperty.__match_args__[:2] == ("name", "type")
    with pytest.raises(TypeError):
        s.Identifier()


def test_cached_tables_that_do_not_fit_are_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("SSE_BRIDGE_CACHE_DIR", str(tmp_path))
    grammar = parse_module._grammar_text()
    tables = parse_module._load_tables(grammar)
    wrong = (*tables[:2], tables[2][:-1], *tables[3:])  # one rule short of the callbacks
    _cache.store(parse_module._tables_cache_entry(grammar), marshal.dumps(wrong))
    parse_module._parser.cache_clear()
    try:
        assert parse("model A {}").statements[0].name == "A"
        assert len(marshal.loads(_cache.load(parse_module._tables_cache_entry(grammar)))[2]) == len(tables[2])
    finally:
        parse_module._parser.cache_clear()
