"""The input layer of public methods: what :func:`pki_constructs.inputs.typed_props` does for constructors.

A method of a construct (``grant_issue``, ``on_*``, ``add_*``, ``share``, ...) checks its arguments against
its annotations before it runs, so ``ca.grant_issue(role, "EndEntityCertificate/V1")`` or
``ca.on_ca_certificate_issued("Issued", topic="arn:aws:sns:...")`` is a :class:`PkiValidationError` naming the
argument, the expected type and an example — never an ``AttributeError`` from deep inside. A method that
creates a child construct named by its ``id`` argument also refuses an id its scope already has (the second
``on_expiry_event("E")``), which jsii would refuse with a raw ``RuntimeError``. A ``scope`` argument outside
any Stack (an App or Stage) and an empty or token id are refused the same way, before jsii's
``ShouldBeCreatedInStackScope`` or "Only root constructs may have an empty ID". Static and class methods
(``CertificateTemplate.subordinate_ca``, ``IssuerRole.for_parent``) and enum members' methods
(``CertificateTemplate.X.arn``) are decorated alike; their error path is the method's qualified name.

A misspelt or missing argument stays Python's own ``TypeError`` at the call, as for constructors: the
signatures are real keyword-only signatures, so mypy reports the same mistake before anything runs.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from constructs import Construct

from .errors import PkiValidationError, Problem
from .inputs import construct_id_problems, field_problems, stack_scope_problems, type_problems
from .prop_rules import duplicate_id_problems

__all__ = ["typed_method"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _argument_problems(method: Callable[..., Any], bound: inspect.BoundArguments) -> list[Problem]:
    """Type problems of every bound argument but ``self`` (``*args`` item by item, named ``name[i]``)."""
    plain: dict[str, object] = {}
    problems: list[Problem] = []
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            for index, item in enumerate(value):
                problems += [
                    Problem(f"{name}[{index}]", p.value, p.rule, p.fix)
                    for p in type_problems(method, {name: item})
                ]
        elif kind is inspect.Parameter.VAR_KEYWORD:
            plain.update(value)
        elif name not in ("self", "cls"):
            plain[name] = value
            if type(value).__module__.startswith("pki_constructs."):
                problems += field_problems(value, name)
    return type_problems(method, plain) + problems


def typed_method(*, creates_child: bool) -> Callable[[_F], _F]:
    """Decorate a public method of a construct: arguments of the wrong type raise one
    :class:`PkiValidationError` (path: the construct's) before the method runs.

    :param creates_child: the method creates a construct named by its ``id`` argument under ``self`` (or under
        its ``scope`` argument when it has one): an id already taken there is refused too.

    Whatever ``creates_child`` says, a ``scope`` argument must sit inside a Stack (not an App or Stage), and the
    ``id`` that goes with it must be a non-empty literal string (never a token).
    """

    def decorate(method: _F) -> _F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:  # misspelt, missing or extra arguments: Python's own message, naming the method
                return method(*args, **kwargs)
            bound.apply_defaults()
            owner = bound.arguments.get("self")
            problems = _argument_problems(method, bound)
            if not problems:
                problems += stack_scope_problems("scope", bound.arguments.get("scope"))
            if not problems and (creates_child or {"scope", "id"} <= bound.arguments.keys()):
                # ``(scope, id)`` names a child construct even where it is created on the first call only;
                # ``id`` alone may be something else (``MetricOptions.id``).
                problems += construct_id_problems("id", bound.arguments.get("id"), "Events")
            if creates_child and not problems:
                scope = bound.arguments.get("scope", owner)
                child_id = bound.arguments.get("id")
                if isinstance(scope, Construct) and isinstance(child_id, str):
                    problems += duplicate_id_problems(scope, child_id)
            if problems:
                where = owner.node.path if isinstance(owner, Construct) else method.__qualname__
                raise PkiValidationError(where, problems)
            return method(*args, **kwargs)

        return typing.cast(_F, checked)

    return decorate
