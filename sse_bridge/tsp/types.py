"""The checker's view of a TypeSpec program: declared and instantiated types (TypeSpec's language docs).

These are the checker's working objects (mutable while the program is checked, compared by
identity, like the compiler's own type graph), records of ``tsp/_records.py`` (dataclass-
like, cheaper to define); only the values at the end compare by value. ``tsp/lower.py`` and
``tsp/http.py`` turn them into the frozen IR; nothing outside the ``tsp`` package sees them.
"""

from __future__ import annotations

from . import syntax
from ._records import field, record


@record(eq=False)
class Applied:
    """A decorator applied to a type, with its evaluated arguments."""

    name: str  # fully qualified, e.g. "TypeSpec.Http.route"
    args: list
    node: object = None  # the syntax node, for locations


@record(eq=False)
class Type:
    decorators: list[Applied] = field(default_factory=list, kw_only=True)
    doc: str | None = field(default=None, kw_only=True)
    node: object = field(default=None, kw_only=True)
    deprecated: str | None = field(default=None, kw_only=True)
    file: str | None = field(default=None, kw_only=True)  # the file ``node`` is in

    def decorated(self, name: str) -> list[Applied]:
        return [d for d in self.decorators if d.name == name]

    def has(self, name: str) -> bool:
        # a plain loop: called ~20 times per type, on short lists, where any() and its
        # generator would cost twice as much
        for applied in self.decorators:  # noqa: SIM110
            if applied.name == name:
                return True
        return False

    def first_arg(self, name: str, default=None):
        for applied in reversed(self.decorators):
            if applied.name == name:
                return applied.args[0] if applied.args else default
        return default


@record(eq=False)
class Namespace(Type):
    name: str
    parent: Namespace | None
    members: dict[str, object] = field(default_factory=dict)  # name → declaration symbol
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    usings: list[syntax.Expr] = field(default_factory=list)
    library: bool = False

    # A namespace keeps its name and parent, and the checker asks for its path and full name
    # at every lookup that reaches it: both are worked out once.

    @property
    def path(self) -> tuple[str, ...]:
        try:
            return self._path
        except AttributeError:
            self._path = () if self.parent is None else (*self.parent.path, self.name)
            return self._path

    @property
    def full_name(self) -> str:
        try:
            return self._full_name
        except AttributeError:
            self._full_name = ".".join(self.path)
            return self._full_name


@record(eq=False)
class Intrinsic(Type):
    name: str  # void, never, unknown, null, ErrorType


@record(eq=False)
class Literal(Type):
    value: str | int | float | bool


@record(eq=False)
class Scalar(Type):
    name: str
    namespace: Namespace | None
    base: Scalar | None = None
    std: bool = False  # a TypeSpec standard scalar (string, int32 ...)
    template_args: tuple = ()


@record(eq=False)
class Property(Type):
    name: str
    type: Type
    optional: bool = False
    default: object = None
    has_default: bool = False
    model: Model | None = None
    source: Property | None = None  # the property this one was copied from (spread / is)


@record(eq=False)
class Model(Type):
    name: str | None  # None: an anonymous model expression
    namespace: Namespace | None
    properties: dict[str, Property] = field(default_factory=dict)
    base: Model | None = None
    indexer: tuple[str, Type] | None = None  # ("record", value) or ("array", element)
    template_args: tuple = ()  # for instances: the argument types/values
    template_name: str | None = None  # for instances: the declaration's name (``Page``)
    stream_of: Type | None = None  # ``@streamOf`` (TypeSpec.Streams)
    source_model: Model | None = None  # ``model X is Y``: Y

    @property
    def is_array(self) -> bool:
        return self.indexer is not None and self.indexer[0] == "array"

    @property
    def is_record(self) -> bool:
        return self.indexer is not None and self.indexer[0] == "record"


@record(eq=False)
class Tuple(Type):
    items: list[Type]


@record(eq=False)
class Variant(Type):
    name: str | None
    type: Type
    union: Union | None = None


@record(eq=False)
class Union(Type):
    name: str | None  # None: an expression ``A | B``
    namespace: Namespace | None
    variants: list[Variant] = field(default_factory=list)
    template_args: tuple = ()


@record(eq=False)
class EnumMember(Type):
    name: str
    value: str | int | float
    enum: Enum | None = None


@record(eq=False)
class Enum(Type):
    name: str
    namespace: Namespace | None
    members: dict[str, EnumMember] = field(default_factory=dict)


@record(eq=False)
class Operation(Type):
    name: str
    namespace: Namespace | None
    interface: Interface | None = None
    parameters: Model | None = None
    return_type: Type | None = None
    source: Operation | None = None  # ``op x is y``


@record(eq=False)
class Interface(Type):
    name: str
    namespace: Namespace | None
    operations: dict[str, Operation] = field(default_factory=dict)


@record(eq=False)
class TemplateParameter(Type):
    """An unbound template parameter (only inside template declarations)."""

    name: str


# --- values ------------------------------------------------------------------------------------


@record
class EnumValue:
    member: EnumMember


@record
class ScalarValue:
    scalar: Scalar
    constructor: str
    args: tuple


@record
class TypeValue:
    """A type used where a value was expected (decorator arguments take either)."""

    type: Type


ERROR = Intrinsic("ErrorType")
