"""The TypeSpec checker: syntax trees → the type graph of ``tsp/types.py`` (TypeSpec's language docs).

Binds every declaration of the program (the user's files and the library prelude) into its
namespace, then evaluates them on demand: name resolution through namespaces, ``using`` and
template parameters; template instantiation (``Page<Pet>``, memoized per arguments); aliases,
spreads, ``extends`` and ``is``; decorators, augment decorators and directives; values.
Errors carry the official compiler's codes (``invalid-ref``, ``duplicate-symbol``,
``invalid-template-args`` ...) and source locations.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..decoding import read_file
from ..diagnostics import DiagnosticBag, InputError, Location
from . import syntax as s
from . import types as t
from .parse import parse

CORE = "TypeSpec"
# Which import makes which library namespace visible (and what each import pulls in).
LIBRARIES = {
    "@typespec/http": ("TypeSpec.Http",),
    "@typespec/http/streams": ("TypeSpec.Http", "TypeSpec.Http.Streams", "TypeSpec.Streams"),
    "@typespec/streams": ("TypeSpec.Streams",),
    "@typespec/events": ("TypeSpec.Events",),
    "@typespec/sse": ("TypeSpec.SSE", "TypeSpec.Http", "TypeSpec.Http.Streams", "TypeSpec.Streams"),
    "@typespec/openapi": ("TypeSpec.OpenAPI",),
    "@typespec/openapi3": ("TypeSpec.OpenAPI",),
    "@typespec/rest": ("TypeSpec.Rest", "TypeSpec.Http"),
    "@typespec/versioning": (),
}
LIBRARY_NAMESPACES = frozenset(ns for namespaces in LIBRARIES.values() for ns in namespaces)
MAX_DEPTH = 64  # nested instantiations / alias chains, before reporting a cycle


@functools.cache
def _prelude() -> s.Script:
    """The library prelude's tree: parsed once, then cached on disk (``parse_library``)."""
    from .parse import parse_library

    try:
        text = Path(__file__).with_name("prelude.tsp").read_text(encoding="utf-8")
    except OSError:  # a package that is not plain files (a zip)
        import importlib.resources

        text = importlib.resources.files("sse_bridge.tsp").joinpath("prelude.tsp").read_text(encoding="utf-8")
    return parse_library(text, "<typespec-prelude>")


@dataclass(eq=False)
class Symbol:
    """A declaration bound in a namespace, evaluated on first use."""

    kind: str  # model union enum scalar alias op interface const decorator
    node: object
    namespace: t.Namespace
    scope: Scope
    path: str
    type: object = None
    evaluating: bool = False
    instances: dict = field(default_factory=dict)
    reported: bool = False  # a duplicate of it was reported

    @property
    def template_parameters(self) -> tuple[s.TemplateParameter, ...]:
        return getattr(self.node, "template_parameters", ())


@dataclass(eq=False)
class Scope:
    """Where a name is looked up: template bindings, then the namespace chain, then the
    ``using``s in effect, then the TypeSpec namespace."""

    namespace: t.Namespace
    usings: tuple[tuple[s.Expr, t.Namespace], ...] = ()  # (target, the namespace it is written in)
    bindings: dict | None = None
    parent: Scope | None = None
    path: str = ""

    def bind(self, bindings: dict) -> Scope:
        return Scope(self.namespace, self.usings, bindings, self, self.path)


class Program:
    """The checked program: its namespaces, the user's declarations, and their types."""

    def __init__(self) -> None:
        self.root = t.Namespace("", None)
        self.symbols: list[Symbol] = []  # user declarations, in source order
        self.namespace_nodes: list[tuple[t.Namespace, s.NamespaceDeclaration, Scope]] = []
        self.imports: set[str] = set()
        self.files: list[str] = []
        self.sites: dict[int, Location] = {}  # template instance → where it was first instantiated


class Checker:
    def __init__(self, diagnostics: DiagnosticBag) -> None:
        self.diagnostics = diagnostics
        self.program = Program()
        self._visible: set[str] = {CORE, f"{CORE}.Reflection"}
        self._depth = 0
        # Declarations whose heritage (``is``, ``extends``, spreads) is being resolved, innermost
        # last; None marks a member's type being evaluated, where a reference back is fine
        # (``model Node { next: Node }``). See declarations.derives_from_itself.
        self.deriving: list[object] = []
        self._augments: list[tuple[s.AugmentDecorator, Scope]] = []
        self._usings: dict[tuple[int, int], t.Namespace | None] = {}
        self._user_usings: list[tuple[s.Expr, t.Namespace, str]] = []

    # --- loading --------------------------------------------------------------------------------

    def check_files(self, main: Path | None, text: str, name: str) -> Program:
        """Bind the prelude and the user's files (main plus its relative imports), then
        evaluate every user declaration."""
        self._bind_script(_prelude(), library=True)
        self._load_user(text, name, main)
        for symbol in list(self.program.symbols):
            if not symbol.template_parameters:  # templates are checked where instantiated
                self.symbol_type(symbol)
        for namespace, node, scope in self.program.namespace_nodes:
            self.apply_decorators(namespace, node.decorators, node.directives, scope)
            if node.doc and namespace.doc is None:
                namespace.doc = node.doc
        for node, scope in self._augments:
            self._augment(node, scope)
        for target, written_in, path in self._user_usings:  # reports those naming no namespace
            self._used_namespace(target, written_in, path)
        return self.program

    def _load_user(self, text: str, name: str, main: Path | None) -> None:
        pending: list[tuple[str, str, Path | None]] = [(text, name, main)]
        # main itself counts as seen: an import cycle back to it is no second copy of its names
        seen: set[str] = {str(main.resolve())} if main is not None else set()
        folder = main.parent.resolve() if main is not None else None
        while pending:
            source, label, path = pending.pop(0)
            script = parse(source, label)
            self.program.files.append(label)
            for statement in _imports(script):
                target = statement.path
                if target in LIBRARIES:
                    self.program.imports.add(target)
                    self._visible.update(LIBRARIES[target])
                    continue
                if target.startswith("@") or (not target.endswith(".tsp") and "/" not in target):
                    self.error("import-not-found", f'Couldn\'t resolve import "{target}"', statement, label)
                    continue
                if path is None or folder is None:
                    self.error(
                        "import-not-found",
                        f'Couldn\'t resolve import "{target}": input from stdin cannot import files',
                        statement,
                        label,
                    )
                    continue
                resolved = (path.parent / target).resolve()
                if resolved.is_dir():
                    resolved = resolved / "main.tsp"
                if folder not in resolved.parents and resolved.parent != folder:
                    self.error(
                        "import-not-found",
                        f'the import "{target}" leaves the input\'s folder; it is not followed',
                        statement,
                        label,
                    )
                    continue
                key = str(resolved)
                if key in seen or resolved == path.resolve():
                    continue
                seen.add(key)
                try:
                    pending.append((read_file(resolved).decode("utf-8"), str(resolved), resolved))
                except (OSError, UnicodeDecodeError) as exc:
                    self.error(
                        "import-not-found", f'Couldn\'t read import "{target}": {exc}', statement, label
                    )
            self._bind_script(script, library=False)

    # --- binding -----------------------------------------------------------------------------------

    def _bind_script(self, script: s.Script, library: bool) -> None:
        scope = Scope(self.program.root, (), path=script.path)
        self._bind_statements(script.statements, scope, library)

    def _bind_statements(self, statements, scope: Scope, library: bool) -> None:
        usings = list(scope.usings)
        for statement in statements:
            if isinstance(statement, s.UsingStatement):
                usings.append((statement.target, scope.namespace))
                if not library:
                    self._user_usings.append((statement.target, scope.namespace, scope.path))
        scope = Scope(scope.namespace, tuple(usings), path=scope.path)
        for statement in statements:
            if isinstance(statement, s.NamespaceDeclaration):
                namespace = self._namespace(scope.namespace, statement.name, library)
                inner = Scope(namespace, scope.usings, path=scope.path)
                if not library:
                    self.program.namespace_nodes.append((namespace, statement, inner))
                self._bind_statements(statement.statements, inner, library)
            elif isinstance(statement, s.AugmentDecorator):
                self._augments.append((statement, scope))
            elif isinstance(statement, (s.ImportStatement, s.UsingStatement)):
                continue
            elif isinstance(statement, s.DecoratorDeclaration):
                scope.namespace.members.setdefault(
                    "@" + statement.name, Symbol("decorator", statement, scope.namespace, scope, scope.path)
                )
            else:
                self._bind_declaration(statement, scope, library)

    def _namespace(self, parent: t.Namespace, names: tuple[str, ...], library: bool) -> t.Namespace:
        namespace = parent
        for name in names:
            child = namespace.namespaces.get(name)
            if child is None:
                child = t.Namespace(name, namespace, library=library)
                namespace.namespaces[name] = child
            namespace = child
        return namespace

    _KINDS: ClassVar[dict[type, str]] = {
        s.ModelDeclaration: "model",
        s.UnionDeclaration: "union",
        s.EnumDeclaration: "enum",
        s.ScalarDeclaration: "scalar",
        s.AliasDeclaration: "alias",
        s.OperationDeclaration: "op",
        s.InterfaceDeclaration: "interface",
        s.ConstDeclaration: "const",
    }

    def _bind_declaration(self, node, scope: Scope, library: bool) -> None:
        kind = self._KINDS.get(type(node))
        if kind is None:
            return
        symbol = Symbol(kind, node, scope.namespace, scope, scope.path)
        if not library:
            self._check_template_parameters(node, scope.path)
        members = scope.namespace.members
        if node.name in members or node.name in scope.namespace.namespaces:
            first = members.get(node.name)
            if isinstance(first, Symbol) and not getattr(first, "reported", False):
                first.reported = True
                self.error("duplicate-symbol", f'Duplicate name: "{node.name}"', first.node, first.path)
            self.error("duplicate-symbol", f'Duplicate name: "{node.name}"', node, scope.path)
            return
        members[node.name] = symbol
        if not library:
            self.program.symbols.append(symbol)

    def _check_template_parameters(self, node, path: str) -> None:
        """``model F<T, T>``: each parameter of a repeated name is a duplicate, as the
        compiler reports them (templates are otherwise checked only where instantiated)."""
        parameters = getattr(node, "template_parameters", ())
        names = [parameter.name for parameter in parameters]
        for parameter in parameters:
            if names.count(parameter.name) > 1:
                self.error("duplicate-symbol", f'Duplicate name: "{parameter.name}"', parameter, path)

    # --- diagnostics ---------------------------------------------------------------------------------

    def location(self, node, path: str) -> Location:
        pos = getattr(node, "pos", None)
        return Location(path, pos.line, pos.column) if pos else Location(path, 1, 1)

    def error(self, code: str, message: str, node, path: str) -> None:
        self.diagnostics.error(code, message, self.location(node, path))

    def warning(self, code: str, message: str, node, path: str) -> None:
        self.diagnostics.warning(code, message, self.location(node, path))

    # --- name resolution -------------------------------------------------------------------------------

    def visible(self, namespace: t.Namespace) -> bool:
        return not namespace.library or namespace.full_name in self._visible or namespace.full_name == CORE

    def lookup(self, name: str, scope: Scope, decorator: bool = False):
        """The symbol, namespace or bound template argument ``name`` denotes, or None."""
        key = "@" + name if decorator else name
        current: Scope | None = scope
        while current is not None:
            if current.bindings is not None and not decorator and name in current.bindings:
                return current.bindings[name]
            current = current.parent
        namespace: t.Namespace | None = scope.namespace
        while namespace is not None:
            found = namespace.members.get(key)
            if found is not None:
                return found
            if not decorator and name in namespace.namespaces and self.visible(namespace.namespaces[name]):
                return namespace.namespaces[name]
            namespace = namespace.parent
        candidates = []
        for using, written_in in scope.usings:
            used = self._used_namespace(using, written_in, scope.path)
            if used is None:
                continue
            found = used.members.get(key)
            if found is None and not decorator and name in used.namespaces:
                found = used.namespaces[name]
            if found is not None and found not in candidates:
                candidates.append(found)
        if len(candidates) > 1:
            self.diagnostics.error(
                "ambiguous-symbol",
                f'"{name}" is an ambiguous name between several used namespaces',
                Location(scope.path, 1, 1),
            )
        if candidates:
            return candidates[0]
        core = self.program.root.namespaces.get(CORE)
        if core is None:
            return None
        found = core.members.get(key)
        if (
            found is None
            and not decorator
            and name in core.namespaces
            and self.visible(core.namespaces[name])
        ):
            found = core.namespaces[name]
        return found

    def _used_namespace(self, expr: s.Expr, written_in: t.Namespace, path: str) -> t.Namespace | None:
        """The namespace a ``using`` names, looked up from where it is written (memoized)."""
        key = (id(expr), id(written_in))
        if key not in self._usings:
            self._usings[key] = None  # a using cannot see through itself
            self._usings[key] = self.resolve_namespace(expr, Scope(written_in, (), path=path))
        return self._usings[key]

    def resolve_namespace(self, expr: s.Expr, scope: Scope) -> t.Namespace | None:
        target = self.resolve_reference(expr, scope, report=True)
        if isinstance(target, t.Namespace):
            return target
        if target is not None:
            self.error("using-invalid-ref", "Using must refer to a namespace", expr, scope.path)
        return None

    def resolve_reference(self, expr: s.Expr, scope: Scope, report: bool = True, decorator: bool = False):
        """An identifier or member access → symbol, namespace, member type, or bound argument."""
        if isinstance(expr, s.Identifier):
            found = self.lookup(expr.name, scope, decorator)
            if found is None and report:
                what = "decorator @" if decorator else "identifier "
                self.error("invalid-ref", f"Unknown {what}{expr.name}", expr, scope.path)
            return found
        if isinstance(expr, s.MemberAccess):
            base = self.resolve_reference(expr.base, scope, report)
            if base is None:
                return None
            found = self.member(base, expr.name, decorator)
            if found is None and report:
                self.error(  # at the member's name, as the compiler reports it
                    "invalid-ref",
                    f"{_describe(base)} doesn't have member {expr.name}",
                    s.Identifier(expr.name, expr.name_pos) if expr.name_pos is not None else expr,
                    scope.path,
                )
            return found
        if isinstance(expr, s.TypeReference):
            return self.resolve_reference(expr.target, scope, report, decorator)
        if report:
            self.error("invalid-ref", "expected a name", expr, scope.path)
        return None

    def member(self, base, name: str, decorator: bool = False):
        if isinstance(base, t.Namespace):
            if decorator:
                return base.members.get("@" + name)
            child = base.namespaces.get(name)
            if child is not None and self.visible(child):
                return child
            return base.members.get(name)
        if isinstance(base, Symbol):
            base = self.symbol_type(base)
        if isinstance(base, t.Enum):
            return base.members.get(name)
        if isinstance(base, t.Model):
            return base.properties.get(name)
        if isinstance(base, t.Interface):
            return base.operations.get(name)
        if isinstance(base, t.Union):
            return next((v for v in base.variants if v.name == name), None)
        if isinstance(base, t.Scalar):
            return ("constructor", base, name)
        return None

    # --- symbols and templates -------------------------------------------------------------------------

    def symbol_type(self, symbol: Symbol, arguments: tuple = (), node=None, scope: Scope | None = None):
        """The type (or value, for ``const``) a symbol denotes, instantiated with ``arguments``."""
        if symbol.kind == "decorator":
            return t.ERROR
        parameters = symbol.template_parameters
        if not parameters:
            if arguments:
                self.error(
                    "invalid-template-args",
                    "Can't pass template arguments to non-templated type",
                    node or symbol.node,
                    scope.path if scope else symbol.path,
                )
            if symbol.type is not None:
                return symbol.type
            if symbol.evaluating:
                if symbol.kind in ("alias", "const"):
                    self.error(
                        "circular-alias-type",
                        f'Alias type "{symbol.node.name}" recursively references itself',
                        symbol.node,
                        symbol.path,
                    )
                    return t.ERROR
                return symbol.type or t.ERROR
            symbol.evaluating = True
            try:
                result = self._evaluate(symbol, symbol.scope)
            finally:
                symbol.evaluating = False
            symbol.type = result
            return result
        bindings = self._bind_arguments(symbol, arguments, node, scope)
        if bindings is None:
            return t.ERROR
        key = tuple(_argument_key(bindings[p.name]) for p in parameters)
        if key in symbol.instances:
            return symbol.instances[key]
        if self._depth > MAX_DEPTH:
            self.error(
                "instantiation-too-deep",
                f"instantiating {symbol.node.name} nests too deeply",
                node or symbol.node,
                symbol.path,
            )
            return t.ERROR
        self._depth += 1
        try:
            result = self._evaluate(symbol, symbol.scope.bind(bindings), key, bindings)
        finally:
            self._depth -= 1
        symbol.instances[key] = result
        if node is not None and id(result) not in self.program.sites:
            self.program.sites[id(result)] = self.location(node, scope.path if scope else symbol.path)
        return result

    def _bind_arguments(self, symbol: Symbol, arguments: tuple, node, scope: Scope | None) -> dict | None:
        parameters = symbol.template_parameters
        positional = [a for a in arguments if a[0] is None]
        named = {a[0]: a[1] for a in arguments if a[0] is not None}
        nodes = {a[0]: a[2] for a in arguments if a[0] is not None and len(a) > 2}
        if len(positional) > len(parameters):
            self.error(
                "invalid-template-args",
                f"Too many template arguments for {symbol.node.name}",
                node or symbol.node,
                scope.path if scope else symbol.path,
            )
            return None
        bindings: dict = {}
        definition_scope = symbol.scope.bind(bindings)
        for index, parameter in enumerate(parameters):
            if index < len(positional):
                bindings[parameter.name] = positional[index][1]
                where = positional[index][2] if len(positional[index]) > 2 else node
                self._check_constraint(symbol, parameter, bindings[parameter.name], where, scope)
            elif parameter.name in named:
                bindings[parameter.name] = named.pop(parameter.name)
                self._check_constraint(
                    symbol, parameter, bindings[parameter.name], nodes.get(parameter.name), scope
                )
            elif parameter.default is not None:
                bindings[parameter.name] = self.argument(parameter.default, definition_scope)
            else:
                self.error(
                    "invalid-template-args",
                    f"Template argument '{parameter.name}' is required and not specified.",
                    node or symbol.node,
                    scope.path if scope else symbol.path,
                )
                return None
        for name in named:
            self.error(
                "invalid-template-args",
                f"No parameter named '{name}' exists on {symbol.node.name}",
                node or symbol.node,
                scope.path if scope else symbol.path,
            )
        return bindings

    _REFLECTION: ClassVar[dict[str, type]] = {
        "Union": t.Union,
        "Model": t.Model,
        "Enum": t.Enum,
        "Scalar": t.Scalar,
        "Operation": t.Operation,
        "Interface": t.Interface,
        "Namespace": t.Namespace,
        "ModelProperty": t.Property,
        "UnionVariant": t.Variant,
        "EnumMember": t.EnumMember,
    }

    def _check_constraint(self, symbol: Symbol, parameter: s.TemplateParameter, value, node, scope) -> None:
        """``T extends TypeSpec.Reflection.Union`` and its kin: the argument's kind (the
        constraints on values and on ordinary types are the compiler's business)."""
        constraint = parameter.constraint
        if constraint is None or node is None or not isinstance(value, t.Type):
            return
        target = (
            self.resolve_reference(constraint, symbol.scope, report=False)
            if isinstance(constraint, (s.Identifier, s.MemberAccess))
            else None
        )
        if not isinstance(target, Symbol) or target.namespace.full_name != f"{CORE}.Reflection":
            return
        expected = self._REFLECTION.get(target.node.name)
        if expected is None or isinstance(value, expected) or value is t.ERROR:
            return
        name = getattr(value, "name", None) or type(value).__name__
        owner = getattr(getattr(value, "namespace", None), "full_name", "")
        shown = f"{owner}.{name}" if owner else name
        self.error(
            "invalid-argument",
            f"Argument of type '{shown}' is not assignable to parameter of type '{target.node.name}'",
            node,
            scope.path if scope else symbol.path,
        )

    def argument(self, expr: s.Expr, scope: Scope):
        """A template argument: a value for value syntax (``#{}``, ``#[]``, calls), else a type."""
        if isinstance(expr, (s.ObjectLiteral, s.ArrayLiteral, s.CallExpression)):
            return self.value(expr, scope)
        return self.type(expr, scope)

    def _evaluate(self, symbol: Symbol, scope: Scope, key: tuple = (), bindings: dict | None = None):
        from . import declarations

        return declarations.evaluate(self, symbol, scope, key, bindings or {})

    # --- type expressions ----------------------------------------------------------------------------------

    def type(self, expr: s.Expr, scope: Scope) -> t.Type:
        from . import expressions

        return expressions.type_of(self, expr, scope)

    def value(self, expr: s.Expr, scope: Scope):
        from . import expressions

        return expressions.value_of(self, expr, scope)

    # --- decorators ------------------------------------------------------------------------------------------

    def apply_decorators(self, target: t.Type, decorators, directives, scope: Scope) -> None:
        from . import decorators as decorator_rules

        for directive in directives or ():
            if directive.name == "deprecated":
                message = self.value(directive.arguments[0], scope) if directive.arguments else ""
                target.deprecated = message if isinstance(message, str) else ""
        for node in decorators or ():
            resolved = self.resolve_reference(node.target, scope, report=True, decorator=True)
            if not isinstance(resolved, Symbol):
                continue
            name = ".".join((*resolved.namespace.path, resolved.node.name))
            args = [self.decorator_argument(arg, scope) for arg in node.arguments]
            if not decorator_rules.arguments_fit(self, resolved.node, node, args, scope):
                continue  # reported; the decorator is not applied, as the compiler does
            applied = t.Applied(name, args, node)
            target.decorators.append(applied)
            decorator_rules.on_apply(self, target, applied, scope)

    def decorator_argument(self, expr: s.Expr, scope: Scope):
        from . import expressions

        return expressions.argument_of(self, expr, scope)

    def _augment(self, node: s.AugmentDecorator, scope: Scope) -> None:
        target = self.resolve_reference(node.target, scope)
        if isinstance(target, Symbol):
            target = self.symbol_type(target)
        if target is None or not isinstance(target, t.Type):
            return
        decorator = s.Decorator(node.decorator, node.arguments, node.pos)
        self.apply_decorators(target, [decorator], (), scope)


def _imports(script: s.Script):
    for statement in script.statements:
        if isinstance(statement, s.ImportStatement):
            yield statement


def _describe(base) -> str:
    if isinstance(base, t.Namespace):
        return f"Namespace {base.full_name}"
    if isinstance(base, Symbol):
        return f"{base.kind.capitalize()} {base.node.name}"
    name = getattr(base, "name", None)
    return f"{type(base).__name__} {name}" if name else type(base).__name__


def _argument_key(value) -> object:
    if isinstance(value, t.Literal):
        return ("literal", type(value.value).__name__, value.value)
    if isinstance(value, (t.Type, t.EnumValue, t.ScalarValue)):
        return ("id", id(value))
    if isinstance(value, (dict, list)):
        return ("json", repr(value))
    return ("value", type(value).__name__, value)


def check(
    text: str, name: str, path: Path | None = None, diagnostics: DiagnosticBag | None = None
) -> Program:
    """Check a TypeSpec program; raise InputError if it has errors."""
    bag = diagnostics if diagnostics is not None else DiagnosticBag()
    checker = Checker(bag)
    try:
        program = checker.check_files(path, text, name)
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            bag.add(diagnostic)
        raise InputError(bag.sorted()) from None
    bag.raise_if_errors()
    return program
