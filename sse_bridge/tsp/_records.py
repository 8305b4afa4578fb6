"""A light stand-in for ``@dataclass``, for the syntax tree and the checker's types.

``@dataclass`` compiles several methods per class (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``...) with one ``exec`` each, which made importing
``tsp/syntax.py`` and ``tsp/types.py`` cost ~50 ms, on every run. :func:`record` gives a
class what those modules use of a dataclass, at a fraction of that cost:

- ``__init__`` with the dataclass signature (fields in order, inherited ones first;
  defaults; :func:`field` with ``default_factory`` and ``kw_only``). The ``__init__`` of
  every class declared so far is compiled in one go, the first time any record is made,
  and the compiled code is kept in the cache folder (``_cache.py``) for the next runs;
- ``__repr__`` as a dataclass writes it (fields with ``repr=True``, recursion shown ``...``);
- with ``eq=True``: ``__eq__`` and ``__hash__`` over the fields with ``compare=True``, as a
  frozen dataclass has them (same class, equal field tuples); with ``eq=False``: identity;
- ``__match_args__``.

Records are immutable by convention, not enforced (a frozen dataclass's ``__setattr__``
guard made every construction slower). They are not dataclasses (``dataclasses.fields``
and ``dataclasses.replace`` do not apply): :func:`fields` lists a record's fields.
"""

from __future__ import annotations

import _thread
import inspect
import marshal
import sys
from operator import attrgetter

__all__ = ["Field", "field", "fields", "record"]


class _Sentinel:
    def __init__(self, shown: str):
        self.shown = shown

    def __repr__(self) -> str:
        return self.shown


MISSING = _Sentinel("MISSING")  # no default
FACTORY = _Sentinel("<factory>")  # the default of a field with a default_factory, in __init__


class Field:
    """One field of a record; ``name`` is set when the class is processed."""

    __slots__ = ("compare", "default", "default_factory", "kw_only", "name", "repr")

    def __init__(self, default, default_factory, compare: bool, repr: bool, kw_only: bool):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.kw_only = kw_only

    def copy(self, name: str) -> Field:
        copied = Field(self.default, self.default_factory, self.compare, self.repr, self.kw_only)
        copied.name = name
        return copied

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(
    *,
    default=MISSING,
    default_factory=MISSING,
    compare: bool = True,
    repr: bool = True,
    kw_only: bool = False,
):
    """As ``dataclasses.field`` (the options records support)."""
    return Field(default, default_factory, compare, repr, kw_only)


def fields(record_or_class) -> tuple[Field, ...]:
    """The fields of a record (or record class), in declaration order."""
    return record_or_class.__record_fields__


def record(cls=None, /, *, eq: bool = True):
    """Make ``cls`` a record (see the module docstring); ``@record`` or ``@record(eq=False)``."""

    def wrap(cls):
        return _process(cls, eq)

    return wrap if cls is None else wrap(cls)


# ---------------------------------------------------------------------- class processing


def _process(cls, eq: bool):
    collected: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for inherited in base.__dict__.get("__record_fields__", ()):
            collected[inherited.name] = inherited
    for name, annotation in inspect.get_annotations(cls).items():
        if _is_class_var(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            declared = value.copy(name)
            if declared.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, declared.default)
        else:
            declared = Field(value, MISSING, True, True, False)
            declared.name = name
        collected[name] = declared
    record_fields = tuple(collected.values())
    positional = [each for each in record_fields if not each.kw_only]
    seen_default = False
    for each in positional:
        if each.default is not MISSING or each.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {each.name!r} follows default argument")
    cls.__record_fields__ = record_fields
    cls.__match_args__ = tuple(each.name for each in positional)
    cls.__repr__ = _record_repr
    cls.__record_repr__ = tuple(each.name for each in record_fields if each.repr)
    if eq:
        compared = tuple(each.name for each in record_fields if each.compare)
        cls.__record_key__ = staticmethod(_key_function(compared))
        cls.__eq__ = _record_eq
        cls.__hash__ = _record_hash
    cls.__init__ = _first_init
    _PENDING.append(cls)
    return cls


def _is_class_var(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text == "ClassVar" or text.startswith(("ClassVar[", "typing.ClassVar"))


def _key_function(names: tuple[str, ...]):
    if len(names) > 1:
        return attrgetter(*names)  # a tuple of the values
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda value: (get(value),)
    return lambda value: ()


def _record_eq(self, other):
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) == key(other)
    return NotImplemented


def _record_hash(self):
    return hash(self.__record_key__(self))


_REPR_RUNNING: set[tuple[int, int]] = set()


def _record_repr(self) -> str:
    running = (id(self), _thread.get_ident())
    if running in _REPR_RUNNING:
        return "..."
    _REPR_RUNNING.add(running)
    try:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    finally:
        _REPR_RUNNING.discard(running)
    return f"{self.__class__.__qualname__}({shown})"


# ---------------------------------------------------------------------- __init__, compiled in batches

_PENDING: list[type] = []
_LOCK = _thread.allocate_lock()


def _first_init(self, *args, **kwargs):
    """The ``__init__`` of a record class until its real one is compiled (with the others')."""
    _compile_pending()
    init = self.__class__.__init__
    if init is _first_init:  # pragma: no cover - _compile_pending always replaces it
        raise RuntimeError(f"{self.__class__.__qualname__} has no __init__")
    init(self, *args, **kwargs)


def _compile_pending() -> None:
    with _LOCK:
        classes = [cls for cls in _PENDING if cls.__dict__.get("__init__") is _first_init]
        _PENDING.clear()
        if not classes:
            return
        namespace: dict[str, object] = {"FACTORY": FACTORY}
        sources = [_init_source(number, cls, namespace) for number, cls in enumerate(classes)]
        batch = " ".join(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
        exec(_compiled("\n".join(sources), batch), namespace)
        for number, cls in enumerate(classes):
            init = namespace[f"__init_{number}"]
            init.__qualname__ = f"{cls.__qualname__}.__init__"
            init.__module__ = cls.__module__
            cls.__init__ = init


def _compiled(source: str, batch: str):
    """``compile(source)``, kept in the cache folder (``_cache.py``) as ``marshal`` data:
    compiling the ``__init__`` of the syntax tree and the types costs ~5 ms, loading ~0.2.
    One entry per batch of classes (``batch`` names them), Python and copy of sse-bridge:
    a changed class replaces the code compiled before."""
    from sse_bridge.tsp import _cache

    name = f"{sys.version}\0{__file__}\0{batch}"
    found = _cache.entry("records", f"{sys.version}\0{source}", ".code", name=name)
    data = _cache.load(found)
    if data is not None:
        try:
            code = marshal.loads(data)
        except Exception:  # written by another Python: compile again
            code = None
        if type(code) is type(_compiled.__code__):
            return code
    code = compile(source, "<records>", "exec")
    _cache.store(found, marshal.dumps(code))
    return code


def _init_source(number: int, cls: type, namespace: dict) -> str:
    parameters = ["self"]
    keyword_only = []
    body = []
    for each in cls.__record_fields__:
        name = each.name
        if each.default_factory is not MISSING:
            factory = f"_factory_{number}_{name}"
            namespace[factory] = each.default_factory
            parameter = f"{name}=FACTORY"
            body.append(f"    self.{name} = {factory}() if {name} is FACTORY else {name}")
        else:
            if each.default is not MISSING:
                default = f"_default_{number}_{name}"
                namespace[default] = each.default
                parameter = f"{name}={default}"
            else:
                parameter = name
            body.append(f"    self.{name} = {name}")
        (keyword_only if each.kw_only else parameters).append(parameter)
    if keyword_only:
        parameters += ["*", *keyword_only]
    if not body:
        body.append("    pass")
    return f"def __init_{number}({', '.join(parameters)}):\n" + "\n".join(body) + "\n"
