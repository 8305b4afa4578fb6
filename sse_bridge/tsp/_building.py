"""Grammar callbacks that build the syntax tree of ``tsp/syntax.py`` (TypeSpec's language docs).

:class:`SyntaxBuilder` is an inline transformer: its methods are named after the rules
(or rule aliases) of ``grammar/typespec.lark``, take the rule's kept children as arguments
and run as the LALR parser reduces (:func:`rule_callback`), so no parse tree is ever built
(only transient lists for ``_inlined`` helper rules, spliced into their parent's
arguments). The parser driver (``tsp/parse.py``) keeps the first token of every symbol of
its stack in :attr:`start_stack`, and sets :attr:`base` before every call: the first
tokens of the rule's right-hand side are ``start_stack[base:]`` (an empty rule's is the
token that follows it); positions and doc comments come from those.

Positions (``pos``): a declaration or member is located at its name; a nameless member
(an unnamed variant, a spread) at its first token after the decorators; an expression,
decorator or directive at its first token.

Doc comments: a node's doc is the last ``/** */`` written before its first decorator or
directive, between them, or right before the node itself (what the compiler's
parseAnnotations collects), as cleaned by :func:`_text.doc_comment_text`.
"""

from __future__ import annotations

from sse_bridge.tsp import syntax as s
from sse_bridge.tsp._lexing import DIRECTIVE, Token
from sse_bridge.tsp._text import doc_comment_text


class _Empty:
    """The value of an empty statement ``;``, dropped from statement lists."""


EMPTY = _Empty()


class _Pending:
    """A declaration or member built once its decorators, directives and doc are known."""

    __slots__ = ("fields", "label", "node_class")

    def __init__(self, node_class: type, fields: dict, label: str):
        self.node_class = node_class
        self.fields = fields
        self.label = label


class _Annotations:
    __slots__ = ("decorators", "directives")

    def __init__(self, decorators: tuple[s.Decorator, ...], directives: tuple[s.Directive, ...]):
        self.decorators = decorators
        self.directives = directives


class _OperationIs:
    __slots__ = ("target",)

    def __init__(self, target: s.Expr):
        self.target = target


_NO_ANNOTATIONS = _Annotations((), ())

# which annotations a statement or member takes: decorators, directives, doc
_TAKES_ALL = (True, True, True)
_ANNOTATIONS_TAKEN = {
    s.AliasDeclaration: (False, True, True),
    s.ConstDeclaration: (False, True, True),
    s.DecoratorDeclaration: (None, False, False),  # None: ignored without an error, as the compiler does
    s.ScalarConstructor: (False, False, False),
}


def number_value(text: str) -> int | float:
    """The value of a numeric literal: an int whenever the number is integral (``1e3``,
    ``2.0``, ``0x1F``), as TypeSpec numerics are exact; a float otherwise."""
    if text.startswith(("0x", "0b")):
        return int(text, 16 if text[1] == "x" else 2) if len(text) > 2 else 0
    if len(text) < 19 and text.isascii() and text.isdigit():  # a plain integer (the usual case)
        return int(text)
    whole, dot, fraction = text.partition(".")
    digits = whole.lstrip("+-")
    if (  # a plain decimal such as ``0.5`` or ``-2.0``: exact without Decimal (and its import)
        dot
        and fraction.isascii()
        and fraction.isdigit()
        and digits.isascii()
        and digits.isdigit()
        and len(whole) - len(digits) <= 1
        and len(digits) < 400
    ):
        return int(whole) if fraction.strip("0") == "" else float(text)
    from decimal import Decimal, InvalidOperation  # only for exponents (and invalid numbers)

    try:
        exact = Decimal(text)
    except InvalidOperation:  # an invalid number, already reported by the lexer
        return 0
    if exact == exact.to_integral_value() and exact.adjusted() < 400:
        return int(exact)
    return float(exact)


class SyntaxBuilder:
    """Rule callbacks, called with the rule's kept children as positional arguments (see
    :func:`rule_callback`); per-parse state lives in the attributes set by :meth:`begin`."""

    def __init__(self) -> None:
        self.begin("", [])

    def begin(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.errors: list[tuple[str, str, Token | s.Pos | None]] = []
        self.start_stack: list[Token] = []  # the driver's (see the module docstring)
        self.base = 0
        # parenthesized `valueof` not (yet) known to be an option of a constraint: id -> pos
        self.loose_valueof: dict[int, s.Pos] = {}

    # ------------------------------------------------------------------ helpers

    def error(self, message: str, where: Token | s.Pos | None) -> None:
        self.errors.append(("syntax-error", message, where))

    def _pos(self) -> s.Pos:
        """The position of the rule's first token."""
        start = self.start_stack[self.base]
        return s.Pos(start.line, start.column)

    def _second_pos(self) -> s.Pos:
        """The position of the first token of the rule's second symbol."""
        start = self.start_stack[self.base + 1]
        return s.Pos(start.line, start.column)

    def _doc(self) -> str | None:
        """The doc comment of an annotated rule ``annotations core``: see the module docstring."""
        first = self.start_stack[self.base]
        core = self.start_stack[self.base + 1]
        if first is core:  # no annotations (the usual case): the core's own doc comments
            return doc_comment_text(core.docs[-1]) if core.docs is not None else None
        tokens = self.tokens
        raw = None
        for index in range(first.index, core.index + 1):
            token = tokens[index]
            if token.docs is not None and (
                index == core.index or token.kind == DIRECTIVE or token.value == "@"
            ):
                raw = token.docs[-1]
        return doc_comment_text(raw) if raw is not None else None

    def _finish(self, annotations: _Annotations, pending: _Pending, doc: str | None):
        fields = pending.fields
        if doc is None and annotations is _NO_ANNOTATIONS:  # nothing to add (the usual case)
            return pending.node_class(**fields)
        takes_decorators, takes_directives, takes_doc = _ANNOTATIONS_TAKEN.get(pending.node_class, _TAKES_ALL)
        if annotations.decorators:
            if takes_decorators:
                fields["decorators"] = annotations.decorators
            elif takes_decorators is False:
                self.error(f"decorators are not allowed on {pending.label}", annotations.decorators[0].pos)
        if takes_directives and annotations.directives:
            fields["directives"] = annotations.directives
        if takes_doc and doc is not None:
            fields["doc"] = doc
        return pending.node_class(**fields)

    def _refuse_decorators(self, annotations: _Annotations, label: str) -> None:
        if annotations.decorators:
            self.error(f"decorators are not allowed on {label}", annotations.decorators[0].pos)

    # ------------------------------------------------------------------ statements

    def script(self, *statements):
        """The file: a blockless ``namespace A.B;`` takes every statement after it (TypeSpec's language docs)."""
        result: list[s.Statement] = []
        blockless: s.NamespaceDeclaration | None = None
        seen_declaration = seen_using = False
        for statement in statements:
            if statement is EMPTY:
                continue
            if isinstance(statement, s.ImportStatement):
                if seen_declaration or seen_using or blockless is not None:
                    self.error("imports must come before every other statement", statement.pos)
            elif isinstance(statement, s.UsingStatement):
                seen_using = True
            elif isinstance(statement, s.NamespaceDeclaration) and not statement.block:
                if blockless is not None:
                    self.error("a file can have only one blockless namespace", statement.pos)
                elif seen_declaration:
                    self.error("a blockless namespace must come before every declaration", statement.pos)
                else:
                    blockless = statement
                    result.append(statement)
                    continue
            else:
                seen_declaration = True
            result.append(statement)
        for pos in self.loose_valueof.values():
            self.error("'valueof' is only allowed in template parameter constraints and parameter types", pos)
        if blockless is not None:
            where = result.index(blockless)
            inside = tuple(result[where + 1 :])
            namespace = s.NamespaceDeclaration(
                name=blockless.name,
                statements=inside,
                block=False,
                decorators=blockless.decorators,
                directives=blockless.directives,
                doc=blockless.doc,
                pos=blockless.pos,
            )
            result[where:] = [namespace]
        return tuple(result)

    def statement(self, annotations: _Annotations, modifiers: tuple[Token, ...], body):
        if isinstance(body, _Pending):
            if modifiers or body.node_class is s.DecoratorDeclaration:
                self._check_modifiers(modifiers, body)
            return self._finish(annotations, body, self._doc())
        if modifiers:
            self.error(f"'{modifiers[0].value}' is not allowed here", modifiers[0])
        if body is EMPTY:
            label = "an empty statement"
        elif isinstance(body, s.ImportStatement):
            label = "an import statement"
        elif isinstance(body, s.UsingStatement):
            label = "a using statement"
        else:
            label = "an augment decorator"
        self._refuse_decorators(annotations, label)
        return body

    def _check_modifiers(self, modifiers: tuple[Token, ...], body: _Pending) -> None:
        """As the compiler's checker: ``extern`` exactly on ``dec`` (optional on ``fn``),
        ``internal`` on any declaration but a namespace."""
        words = [modifier.value for modifier in modifiers]
        is_function = body.node_class is s.DecoratorDeclaration
        for modifier, word in zip(modifiers, words, strict=True):
            if word == "extern" and not is_function:
                self.error(f"'extern' cannot be used on {body.label}", modifier)
            elif word == "internal" and body.node_class is s.NamespaceDeclaration:
                self.error("'internal' cannot be used on a namespace", modifier)
        if body.label == "a decorator declaration" and "extern" not in words:
            self.error("a decorator declaration needs the 'extern' modifier", body.fields["pos"])

    def modifiers(self, *words: Token):
        return words

    def annotations(self, *items):
        if not items:
            return _NO_ANNOTATIONS
        decorators = []
        directives = []
        for item in items:
            if isinstance(item, s.Decorator):
                decorators.append(item)
            else:
                directives.append(item.value)
        return _Annotations(tuple(decorators), tuple(directives))

    def decorator(self, target, arguments):
        return s.Decorator(target, arguments or (), self._pos())

    def decorator_arguments(self, *arguments):
        return arguments

    def import_statement(self, path: Token):
        return s.ImportStatement(path.value, pos=self._pos())

    def using_statement(self, target):
        return s.UsingStatement(target, pos=self._pos())

    def empty_statement(self):
        return EMPTY

    def augment_decorator(self, decorator, target, *arguments):
        if not isinstance(target, s.Identifier | s.MemberAccess | s.TypeReference):
            self.error("the first argument of an augment decorator must be a reference to a type", target.pos)
        return s.AugmentDecorator(decorator, target, arguments, pos=self._pos())

    # --- namespaces

    def namespace_name(self, *names: Token):
        return names

    def blockless_namespace(self, names):
        fields = {
            "name": tuple(name.value for name in names),
            "statements": (),
            "block": False,
            "pos": names[0].pos,
        }
        return _Pending(s.NamespaceDeclaration, fields, "a namespace")

    def block_namespace(self, names, *statements):
        kept = []
        for statement in statements:
            if statement is EMPTY:
                continue
            if isinstance(statement, s.ImportStatement):
                self.error("imports must be at the top level of a file", statement.pos)
            elif isinstance(statement, s.NamespaceDeclaration) and not statement.block:
                self.error("a blockless namespace must be at the top level of a file", statement.pos)
            kept.append(statement)
        fields = {"name": tuple(name.value for name in names), "statements": tuple(kept), "pos": names[0].pos}
        return _Pending(s.NamespaceDeclaration, fields, "a namespace")

    # --- models

    def model_statement(self, name: Token, template_parameters, heritage, members):
        fields = {"name": name.value, "members": members, "template_parameters": template_parameters or ()}
        if heritage is not None:
            fields[heritage[0]] = heritage[1]
        fields["pos"] = name.pos
        return _Pending(s.ModelDeclaration, fields, "a model")

    def model_is_statement(self, name: Token, template_parameters, target):
        fields = {"name": name.value, "template_parameters": template_parameters or (), "is_": target}
        fields["pos"] = name.pos
        return _Pending(s.ModelDeclaration, fields, "a model")

    def model_extends(self, target):
        return ("extends", target)

    def model_is(self, target):
        return ("is_", target)

    def model_body(self, *members):
        return members

    def model_member(self, annotations: _Annotations, member):
        if isinstance(member, s.ModelSpread):
            self._refuse_decorators(annotations, "a spread property")
            return member
        doc = self._doc()
        if doc is None and annotations is _NO_ANNOTATIONS:  # the property as it was built
            return member
        fields = {
            "name": member.name,
            "type": member.type,
            "optional": member.optional,
            "default": member.default,
            "pos": member.pos,
        }
        return self._finish(annotations, _Pending(s.ModelProperty, fields, "a property"), doc)

    # properties are built whole at once (the commonest members), and again by model_member
    # in the rarer case that they have annotations or a doc comment
    def required_property(self, name: Token, type_, default):
        return s.ModelProperty(name.value, type_, False, default, (), (), None, s.Pos(name.line, name.column))

    def optional_property(self, name: Token, type_, default):
        return s.ModelProperty(name.value, type_, True, default, (), (), None, s.Pos(name.line, name.column))

    def model_spread(self, target):
        return s.ModelSpread(target, pos=self._pos())

    # --- scalars

    def scalar_statement(self, name: Token, template_parameters, extends, *constructors):
        fields = {
            "name": name.value,
            "extends": extends,
            "template_parameters": template_parameters or (),
            "constructors": constructors,
            "pos": name.pos,
        }
        return _Pending(s.ScalarDeclaration, fields, "a scalar")

    def scalar_member(self, annotations: _Annotations, name: Token, *parameters):
        self._check_parameters(parameters)
        pending = _Pending(
            s.ScalarConstructor, {"name": name.value, "parameters": parameters, "pos": name.pos}, ""
        )
        self._refuse_decorators(annotations, "a scalar constructor")
        return self._finish(_Annotations((), ()), pending, None)

    # --- interfaces and operations

    def interface_statement(self, name: Token, template_parameters, extends, *operations):
        fields = {
            "name": name.value,
            "operations": operations,
            "extends": extends or (),
            "template_parameters": template_parameters or (),
            "pos": name.pos,
        }
        return _Pending(s.InterfaceDeclaration, fields, "an interface")

    def interface_heritage(self, *targets):
        return targets

    def interface_member(self, annotations: _Annotations, name: Token, template_parameters, body):
        return self._finish(annotations, self._operation(name, template_parameters, body), self._doc())

    def operation_statement(self, name: Token, template_parameters, body):
        return self._operation(name, template_parameters, body)

    def _operation(self, name: Token, template_parameters, body) -> _Pending:
        fields = {"name": name.value, "template_parameters": template_parameters or (), "pos": name.pos}
        if isinstance(body, _OperationIs):
            fields["is_"] = body.target
        else:
            fields["signature"] = body
        return _Pending(s.OperationDeclaration, fields, "an operation")

    def operation_signature(self, *parameters_and_return_type):
        *parameters, return_type = parameters_and_return_type
        return s.OperationSignature(tuple(parameters), return_type, pos=self._pos())

    def operation_is(self, target):
        return _OperationIs(target)

    # --- unions and enums

    def union_statement(self, name: Token, template_parameters, *variants):
        fields = {
            "name": name.value,
            "variants": variants,
            "template_parameters": template_parameters or (),
            "pos": name.pos,
        }
        return _Pending(s.UnionDeclaration, fields, "a union")

    def named_variant(self, annotations: _Annotations, name: Token, type_):
        pending = _Pending(s.UnionVariant, {"type": type_, "name": name.value, "pos": name.pos}, "a variant")
        return self._finish(annotations, pending, self._doc())

    def unnamed_variant(self, annotations: _Annotations, type_):
        pending = _Pending(s.UnionVariant, {"type": type_, "pos": self._second_pos()}, "a variant")
        return self._finish(annotations, pending, self._doc())

    def enum_statement(self, name: Token, *members):
        return _Pending(
            s.EnumDeclaration, {"name": name.value, "members": members, "pos": name.pos}, "an enum"
        )

    def enum_value(self, annotations: _Annotations, name: Token, value):
        if value is not None and not isinstance(value, s.StringLiteral | s.NumericLiteral):
            self.error("the value of an enum member must be a string or numeric literal", value.pos)
        pending = _Pending(
            s.EnumMember, {"name": name.value, "value": value, "pos": name.pos}, "an enum member"
        )
        return self._finish(annotations, pending, self._doc())

    def enum_spread(self, annotations: _Annotations, target):
        self._refuse_decorators(annotations, "an enum spread")
        return s.EnumSpread(target, pos=self._second_pos())

    # --- alias, const, declarations of decorators and functions

    def alias_statement(self, name: Token, template_parameters, value):
        fields = {"name": name.value, "value": value, "template_parameters": template_parameters or ()}
        fields["pos"] = name.pos
        return _Pending(s.AliasDeclaration, fields, "an alias statement")

    def const_statement(self, name: Token, type_, value):
        fields = {"name": name.value, "value": value, "type": type_, "pos": name.pos}
        return _Pending(s.ConstDeclaration, fields, "a const statement")

    def decorator_declaration(self, name: Token, *parameters):
        self._check_parameters(parameters)
        if not parameters:
            self.error("a decorator declaration needs a target parameter", name.pos)
        elif parameters[0].optional:
            self.error(
                "the target parameter of a decorator declaration cannot be optional", parameters[0].pos
            )
        return _Pending(
            s.DecoratorDeclaration,
            {"name": name.value, "parameters": tuple(parameters), "pos": name.pos},
            "a decorator declaration",
        )

    def function_declaration(self, name: Token, *parameters_and_return_type):
        *parameters, _return_type = parameters_and_return_type
        self._check_parameters(parameters)
        return _Pending(
            s.DecoratorDeclaration, {"name": name.value, "pos": name.pos}, "a function declaration"
        )

    def _check_parameters(self, parameters) -> None:
        """As the compiler's parseFunctionParameters: optional after required, rest last."""
        seen_optional = False
        for number, parameter in enumerate(parameters):
            if parameter.optional:
                seen_optional = True
            elif seen_optional:
                self.error("a required parameter cannot follow an optional parameter", parameter.pos)
            if parameter.rest and number != len(parameters) - 1:
                self.error("a rest parameter must be the last parameter", parameter.pos)

    def required_parameter(self, name: Token, type_):
        return s.FunctionParameter(name.value, type_, pos=name.pos)

    def optional_parameter(self, name: Token, type_):
        return s.FunctionParameter(name.value, type_, optional=True, pos=name.pos)

    def rest_parameter(self, name: Token, type_):
        return s.FunctionParameter(name.value, type_, rest=True, pos=name.pos)

    # --- template parameters and arguments

    def template_parameters(self, *parameters):
        seen_default = False
        for parameter in parameters:
            if parameter.default is not None:
                seen_default = True
            elif seen_default:
                self.error(
                    "a template parameter without a default cannot follow one with a default", parameter.pos
                )
        return parameters

    def template_parameter(self, name: Token, constraint, default):
        return s.TemplateParameter(name.value, constraint, default, pos=name.pos)

    def template_arguments(self, *arguments):
        return arguments

    def positional_template_argument(self, value):
        return s.TemplateArgument(value, pos=self._pos())

    def named_template_argument(self, name: Token, value):
        return s.TemplateArgument(value, name.value, pos=name.pos)

    # ------------------------------------------------------------------ expressions

    def union_expression(self, *options):
        return s.UnionExpression(options, pos=self._pos())

    def intersection_expression(self, *options):
        return s.IntersectionExpression(options, pos=self._pos())

    def array_expression(self, element):
        return s.ArrayExpression(element, pos=self._pos())

    def constraint(self, *options):
        for option in options:
            self.loose_valueof.pop(id(option), None)
        if len(options) == 1:
            return options[0]
        return s.UnionExpression(options, pos=self._pos())

    def parenthesized(self, inner):
        """``(X)``: X itself. A ``valueof`` inside is only valid if the parentheses are an
        option of a constraint (parseValueOfExpressionOrIntersectionOrHigher); the script
        callback reports those that never were."""
        options = inner.options if isinstance(inner, s.UnionExpression) else (inner,)
        if any(isinstance(option, s.ValueOf) for option in options):
            self.loose_valueof[id(inner)] = inner.pos
        return inner

    def valueof_expression(self, target):
        return s.ValueOf(target, pos=self._pos())

    def typeof_expression(self, target):
        return s.TypeOf(target, pos=self._pos())

    def void_keyword(self):
        return s.Keyword("void", pos=self._pos())

    def never_keyword(self):
        return s.Keyword("never", pos=self._pos())

    def unknown_keyword(self):
        return s.Keyword("unknown", pos=self._pos())

    def string_literal(self, token: Token):
        return s.StringLiteral(token.value, s.Pos(token.line, token.column))

    def numeric_literal(self, token: Token):
        return s.NumericLiteral(number_value(token.value), token.value, pos=token.pos)

    def true_literal(self):
        return s.BooleanLiteral(True, pos=self._pos())

    def false_literal(self):
        return s.BooleanLiteral(False, pos=self._pos())

    def string_template(self, *parts):
        values = tuple(part.value if isinstance(part, Token) else part for part in parts)
        return s.StringTemplate(values, pos=self._pos())

    def reference(self, target, arguments):
        if arguments is not None:
            return s.TypeReference(target, arguments, pos=self._pos())
        if (
            type(target) is s.Identifier
            and target.name == "null"
            and self.text[self.start_stack[self.base].offset] != "`"
        ):
            return s.Keyword("null", pos=target.pos)
        return target

    def call_expression(self, target, *arguments):
        return s.CallExpression(target, arguments, pos=self._pos())

    def path(self, first: Token, *segments):
        if not segments:  # a plain name, the commonest path
            return s.Identifier(first.value, s.Pos(first.line, first.column))
        return self._member_chain(first, segments)

    def decorator_path(self, first: Token, *segments):
        if not segments:
            return s.Identifier(first.value, s.Pos(first.line, first.column))
        return self._member_chain(first, segments)

    def _member_chain(self, first: Token, segments) -> s.Expr:
        pos = s.Pos(first.line, first.column)
        expression: s.Expr = s.Identifier(first.value, pos)
        for name, meta in segments:
            expression = s.MemberAccess(expression, name.value, meta, pos, s.Pos(name.line, name.column))
        return expression

    def dot_segment(self, name: Token):
        return (name, False)

    def meta_segment(self, name: Token):
        return (name, True)

    def model_expression(self, *members):
        return s.ModelExpression(members, pos=self._pos())

    def tuple_expression(self, *items):
        return s.TupleExpression(items, pos=self._pos())

    def array_literal(self, *items):
        return s.ArrayLiteral(items, pos=self._pos())

    def object_literal(self, *entries):
        return s.ObjectLiteral(entries, pos=self._pos())

    def object_literal_property(self, name: Token, value):
        return s.ObjectLiteralProperty(name.value, value, pos=name.pos)

    def object_literal_spread(self, target):
        return s.ObjectLiteralSpread(target, pos=self._pos())


_NOT_RULE_CALLBACKS = frozenset(
    ("base", "begin", "error", "errors", "loose_valueof", "start_stack", "text", "tokens")
)


def rule_callback(builder: SyntaxBuilder, name: str):
    """The method of ``builder`` for a rule (or alias) name, called with the rule's kept
    children as arguments; None for ``_inlined`` and helper rules and for any other name
    the builder does not implement (their children are kept as a list, see ``_tables.py``)."""
    if name.startswith("_") or name in _NOT_RULE_CALLBACKS:
        return None
    method = getattr(builder, name, None)
    return method if callable(method) else None
