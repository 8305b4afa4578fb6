"""The TypeSpec syntax tree (TypeSpec's language docs): what ``tsp/parse.py`` produces from source text.

Plain records (``tsp/_records.py``: dataclass-like, compared by value, immutable by
convention), one per construct of the TypeSpec subset; only these, tuples and plain values
ever leave the parse module. Positions (``pos``) never take part in equality.
Names are kept as written (backticks removed); resolution happens in ``tsp/check.py``.
"""

from __future__ import annotations

from sse_bridge.tsp._records import field, record


@record
class Pos:
    line: int
    column: int


def _pos() -> Pos | None:
    return field(default=None, compare=False, repr=False)


# --- expressions: types and values share one syntax in TypeSpec -------------------------


@record
class Expr:
    pass


@record
class Identifier(Expr):
    name: str
    pos: Pos | None = _pos()


@record
class MemberAccess(Expr):
    """``base.name`` (namespace / enum member / model property path) or ``base::name``."""

    base: Expr
    name: str
    meta: bool = False  # True for ``::`` (meta-member access)
    pos: Pos | None = _pos()  # where the whole path starts
    name_pos: Pos | None = _pos()  # where ``name`` is: "doesn't have member" points there


@record
class TemplateArgument:
    value: Expr
    name: str | None = None  # named template argument ``T = string``
    pos: Pos | None = _pos()


@record
class TypeReference(Expr):
    """A reference with template arguments: ``Page<Pet>``, ``Record<string>``."""

    target: Expr  # Identifier or MemberAccess
    arguments: tuple[TemplateArgument, ...]
    pos: Pos | None = _pos()


@record
class StringLiteral(Expr):
    value: str
    pos: Pos | None = _pos()


@record
class StringTemplate(Expr):
    """``"a ${b} c"``: parts alternate between ``str`` and ``Expr``."""

    parts: tuple[str | Expr, ...]
    pos: Pos | None = _pos()


@record
class NumericLiteral(Expr):
    value: int | float
    text: str  # as written, e.g. ``0x1F`` or ``1e3``
    pos: Pos | None = _pos()


@record
class BooleanLiteral(Expr):
    value: bool
    pos: Pos | None = _pos()


@record
class Keyword(Expr):
    """``void``, ``never``, ``unknown``, ``null``."""

    name: str
    pos: Pos | None = _pos()


@record
class UnionExpression(Expr):
    options: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class IntersectionExpression(Expr):
    options: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class ArrayExpression(Expr):
    element: Expr
    pos: Pos | None = _pos()


@record
class TupleExpression(Expr):
    items: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class ModelExpression(Expr):
    """An anonymous model ``{ a: string; ...B }``."""

    members: tuple[ModelMember, ...]
    pos: Pos | None = _pos()


@record
class ValueOf(Expr):
    """``valueof T`` (template parameter constraints)."""

    target: Expr
    pos: Pos | None = _pos()


@record
class TypeOf(Expr):
    """``typeof x``."""

    target: Expr
    pos: Pos | None = _pos()


@record
class ObjectLiteral(Expr):
    """``#{ a: 1, ...other }``: entries are ``ObjectLiteralProperty`` or ``ObjectLiteralSpread``."""

    entries: tuple[ObjectLiteralProperty | ObjectLiteralSpread, ...]
    pos: Pos | None = _pos()


@record
class ObjectLiteralProperty:
    name: str
    value: Expr
    pos: Pos | None = _pos()


@record
class ObjectLiteralSpread:
    target: Expr
    pos: Pos | None = _pos()


@record
class ArrayLiteral(Expr):
    """``#[1, 2]``."""

    items: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class CallExpression(Expr):
    """``utcDateTime.fromISO("...")`` (scalar constructors) or ``int8(3)``."""

    target: Expr
    arguments: tuple[Expr, ...]
    pos: Pos | None = _pos()


# --- decorators and directives -----------------------------------------------------------


@record
class Decorator:
    """``@name(args)`` applied to the declaration or member it precedes."""

    target: Expr  # Identifier or MemberAccess: ``doc`` or ``TypeSpec.Events.events``
    arguments: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class Directive:
    """``#suppress "code" "message"`` or ``#deprecated "message"``."""

    name: str
    arguments: tuple[Expr, ...]
    pos: Pos | None = _pos()


# --- members -------------------------------------------------------------------------------


@record
class ModelProperty:
    name: str
    type: Expr
    optional: bool = False
    default: Expr | None = None
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class ModelSpread:
    target: Expr
    pos: Pos | None = _pos()


ModelMember = ModelProperty | ModelSpread


@record
class UnionVariant:
    type: Expr
    name: str | None = None
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class EnumMember:
    name: str
    value: Expr | None = None  # StringLiteral or NumericLiteral
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class EnumSpread:
    target: Expr
    pos: Pos | None = _pos()


@record
class TemplateParameter:
    name: str
    constraint: Expr | None = None
    default: Expr | None = None
    pos: Pos | None = _pos()


@record
class FunctionParameter:
    """A parameter of a scalar constructor ``init fromISO(value: string)``."""

    name: str
    type: Expr | None
    optional: bool = False
    rest: bool = False
    pos: Pos | None = _pos()


@record
class ScalarConstructor:
    name: str
    parameters: tuple[FunctionParameter, ...]
    pos: Pos | None = _pos()


# --- statements ------------------------------------------------------------------------------


@record
class Statement:
    pass


@record
class Declaration(Statement):
    """Base for everything that declares a name; subclasses add their own fields."""


@record
class ImportStatement(Statement):
    path: str
    pos: Pos | None = _pos()


@record
class UsingStatement(Statement):
    target: Expr  # Identifier or MemberAccess
    pos: Pos | None = _pos()


@record
class NamespaceDeclaration(Declaration):
    """``namespace A.B { ... }``, or the file-level ``namespace A.B;`` (``block=False``),
    whose statements are the rest of the file."""

    name: tuple[str, ...]
    statements: tuple[Statement, ...]
    block: bool = True
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class ModelDeclaration(Declaration):
    name: str
    members: tuple[ModelMember, ...] = ()
    template_parameters: tuple[TemplateParameter, ...] = ()
    extends: Expr | None = None
    is_: Expr | None = None
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class UnionDeclaration(Declaration):
    name: str
    variants: tuple[UnionVariant, ...] = ()
    template_parameters: tuple[TemplateParameter, ...] = ()
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class EnumDeclaration(Declaration):
    name: str
    members: tuple[EnumMember | EnumSpread, ...] = ()
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class ScalarDeclaration(Declaration):
    name: str
    extends: Expr | None = None
    template_parameters: tuple[TemplateParameter, ...] = ()
    constructors: tuple[ScalarConstructor, ...] = ()
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class AliasDeclaration(Declaration):
    name: str
    value: Expr
    template_parameters: tuple[TemplateParameter, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class ConstDeclaration(Declaration):
    name: str
    value: Expr
    type: Expr | None = None
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class OperationSignature:
    """``(params): ReturnType``; ``parameters`` is a model expression's member list."""

    parameters: tuple[ModelMember, ...]
    return_type: Expr
    pos: Pos | None = _pos()


@record
class OperationDeclaration(Declaration):
    name: str
    signature: OperationSignature | None = None  # exactly one of signature / is_
    is_: Expr | None = None  # ``op x is Y<...>``
    template_parameters: tuple[TemplateParameter, ...] = ()
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class InterfaceDeclaration(Declaration):
    name: str
    operations: tuple[OperationDeclaration, ...] = ()
    extends: tuple[Expr, ...] = ()
    template_parameters: tuple[TemplateParameter, ...] = ()
    decorators: tuple[Decorator, ...] = ()
    directives: tuple[Directive, ...] = ()
    doc: str | None = None
    pos: Pos | None = _pos()


@record
class AugmentDecorator(Statement):
    """``@@doc(Target.member, "text")``: the first argument is the target."""

    decorator: Expr  # the decorator's name
    target: Expr
    arguments: tuple[Expr, ...]
    pos: Pos | None = _pos()


@record
class DecoratorDeclaration(Statement):
    """``extern dec name(target, ...)``: the checker implements the decorator itself, and
    checks the arguments of each use against ``parameters`` (the target first)."""

    name: str
    parameters: tuple[FunctionParameter, ...] = ()
    pos: Pos | None = _pos()


@record
class Script:
    path: str
    statements: tuple[Statement, ...]
