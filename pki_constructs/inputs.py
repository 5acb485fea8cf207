"""The input layer: every construct's props are checked for type first, and every literal rule knows tokens.

DESIGN.md §3.5 promises three layers; this module holds the first two:

- **Types first.** :func:`typed_props` wraps a construct's ``__init__`` and checks each keyword prop against
  its annotation before any library code touches it. A wrong type is a :class:`PkiValidationError` naming
  the expected type and an example — never an ``AttributeError`` from deep inside, nor jsii's
  ``TypeError``/``RuntimeError``.
- **Tokens are unknown, not wrong.** :func:`whole_days`, :func:`literal` and the region helpers return
  ``None`` for a token and add a ``cdk synth`` info line naming the rule that was skipped, so a
  ``CfnParameter`` value is never formatted as a number (``-1.888e+289 days``) nor refused as a bad literal.

Pure rules about plain values (subjects, dates, regions) live here too: they need no scope and return
:class:`Problem` lists.
"""

from __future__ import annotations

import builtins
import collections.abc
import dataclasses
import enum
import functools
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from aws_cdk import Annotations, Duration, Stack, Token
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from constructs import Construct, IConstruct
from jsii._reference_map import InterfaceDynamicProxy

from . import _arn
from .app_checks import claim
from .app_checks import install as install_app_checks
from .errors import PkiValidationError, Problem
from .prop_rules import claim_offline_certificate, duplicate_id_problems, prop_problems

__all__ = [
    "collect",
    "conforms",
    "construct_id_problems",
    "field_problems",
    "implements",
    "is_token",
    "literal",
    "skipped",
    "stack_scope_problems",
    "token_days",
    "token_days_problem",
    "type_problems",
    "typed_props",
    "whole_days",
]

_F = TypeVar("_F", bound=Callable[..., None])

# Types first --------------------------------------------------------------------------------------------

# What to show a user who passed the wrong type, by expected type name. Anything else gets "an instance of X".
_EXAMPLES: dict[str, str] = {
    "str": "'example'",
    "int": "1",
    "float": "1.5",
    "bool": "True",
    "Duration": "Duration.days(30)",
    "DistinguishedName": "DistinguishedName(common_name='Example Root CA G1')",
    "CrlConfiguration": "CrlConfiguration(expiration=Duration.days(7))",
    "OcspConfiguration": "OcspConfiguration()",
    "RemovalPolicy": "RemovalPolicy.RETAIN",
    "MutualTls": "MutualTls(trusted_cas=[issuing_ca])",
    "ICertificate": "a PublicCertificate, a ServiceCertificate or acm.Certificate.from_certificate_arn(...)",
    "ICertificateAuthority": "a RootCa, a SubordinateCa or acmpca.CertificateAuthority.from_certificate_authority_arn(...)",
    "IHostedZone": "route53.HostedZone.from_hosted_zone_attributes(...)",
    "IVpc": "ec2.Vpc(...) or ec2.Vpc.from_lookup(...)",
    "ITopic": "sns.Topic(...) or ExpiryTopic(...).topic",
    "IBucket": "s3.Bucket(...)",
    "IKey": "kms.Key(...)",
    "IGrantable": "an iam.Role",
}


def is_token(value: object) -> bool:
    """Whether ``value`` is (or contains) a CDK token: unknown at synth, so literal rules don't apply."""
    if isinstance(value, Duration):
        return bool(value.is_unresolved())
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return Token.is_unresolved(value)
    return False


def implements(value: object, interface: type) -> bool:
    """Whether a jsii object implements a jsii interface (``typing.Protocol``s can't be checked with isinstance).

    Covers classes declared with ``@jsii.implements`` (ours and aws-cdk-lib's, inherited interfaces included)
    and the dynamic proxies jsii returns for imported resources (``Certificate.from_certificate_arn``).
    """
    if isinstance(value, InterfaceDynamicProxy):
        return any(implements(delegate, interface) for delegate in value._delegates)
    proxy_class = getattr(interface, "__jsii_proxy_class__", None)
    if proxy_class is not None and isinstance(value, proxy_class()):
        return True
    for cls in type(value).__mro__:
        for declared in cls.__dict__.get("__jsii_ifaces__", ()):
            if interface in getattr(declared, "__mro__", (declared,)):
                return True
    return False


# Transitional (issue 10 makes our CAs and certificates *be* the aws-cdk-lib types): a construct of this
# library that exposes the interface as ``.certificate``/``.certificate_authority`` is accepted where the
# interface is, as the constructs' own duck typing accepts it.
_WRAPPED = ("certificate", "certificate_authority")


def _wraps(value: object, interface: type) -> bool:
    if not type(value).__module__.startswith("pki_constructs."):
        return False
    return any(implements(getattr(value, name, None), interface) for name in _WRAPPED)


def _is_jsii_interface(hint: object) -> bool:
    return (
        isinstance(hint, type) and hasattr(hint, "__jsii_proxy_class__") and typing.Protocol in hint.__mro__
    )


def conforms(value: object, hint: object) -> bool:
    """Whether ``value`` is acceptable for the annotation ``hint`` (a resolved type hint)."""
    if isinstance(hint, typing.ForwardRef):
        try:
            hint = eval(hint.__forward_arg__, {}, _library_names())
        except Exception:
            return True
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar | str):
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(conforms(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple, collections.abc.Sequence, collections.abc.Iterable, set, frozenset):
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
            return False
        if origin is tuple and args and args[-1] is not Ellipsis:
            return len(value) == len(args) and all(conforms(v, a) for v, a in zip(value, args, strict=True))
        return not args or all(conforms(item, args[0]) for item in value)
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping):
            return False
        key_hint, value_hint = args or (Any, Any)
        return all(conforms(k, key_hint) and conforms(v, value_hint) for k, v in value.items())
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and Token.is_unresolved(value)
        )
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if _is_jsii_interface(hint):
        return implements(value, typing.cast(type, hint)) or _wraps(value, typing.cast(type, hint))
    if isinstance(hint, type) and typing.Protocol in hint.__mro__:
        return implements(value, hint) or isinstance(value, Construct)  # constructs' own IConstruct & co.
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # a hint we can't interpret is not a reason to refuse


def _describe(hint: object) -> str:
    if isinstance(hint, typing.ForwardRef):
        return hint.__forward_arg__
    if hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(_describe(arg) for arg in args)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join('...' if a is Ellipsis else _describe(a) for a in args)}]"
    return getattr(hint, "__name__", str(hint))


def _example(hint: object) -> str:
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _example(args[0]) if args else "None"
    if origin in (list, tuple, collections.abc.Sequence, collections.abc.Iterable, set, frozenset):
        return f"[{_example(args[0]) if args else '...'}]"
    if origin in (dict, collections.abc.Mapping):
        return "{'name': ...}"
    name = getattr(hint, "__name__", str(hint))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        first = next(iter(hint))
        return f"{name}.{first.name}"
    return _EXAMPLES.get(name, f"an instance of {name}")


class _Shown(str):
    """A description of a value that is printed as is (``Problem.describe`` uses ``repr``)."""

    def __repr__(self) -> str:
        return str(self)


def _shown(value: object) -> object:
    if isinstance(value, str | int | float | bool | type(None)):
        return value if not isinstance(value, str) else value[:120]
    text = type(value).__name__
    if isinstance(value, list | tuple):
        basic = all(isinstance(v, str | int | float | bool | type(None)) for v in value)
        text = (
            repr(list(value))[:120]
            if basic and len(value) <= 5
            else f"{type(value).__name__} of {len(value)}"
        )
    if isinstance(value, Duration):
        text = "Duration (token)" if value.is_unresolved() else f"Duration of {value.to_human_string()}"
    if isinstance(value, Construct):
        text = f"{type(value).__name__} at {value.node.path}"
    if isinstance(value, InterfaceDynamicProxy):  # what jsii returns for imported resources
        kinds = [type(d).__name__.strip("_").removesuffix("Proxy") for d in value._delegates]
        text = f"an imported {' & '.join(k for k in kinds if k.startswith('I')) or 'resource'}"
    return _Shown(text[:120])


class _NotLoaded:
    """Stands for a class named in an annotation whose module is not loaded: nothing can be an instance of it."""


class _Names(dict[str, object]):
    def __missing__(self, name: str) -> object:
        return getattr(builtins, name, _NotLoaded)


def _library_names() -> _Names:
    namespace = _Names()
    for name, loaded in list(sys.modules.items()):
        if name.startswith("pki_constructs.") and loaded is not None:
            namespace.update({k: v for k, v in vars(loaded).items() if isinstance(v, type)})
    return namespace


def _resolve_hints(function: Callable[..., Any] | type) -> dict[str, object]:
    """The annotations of ``function``, resolved. A name only imported for type checking is looked up in the
    library's loaded modules; one whose module is not loaded yet has no instances, so it matches nothing."""
    namespace = _library_names()
    namespace.update(vars(sys.modules[function.__module__]))
    hints: dict[str, object] = {}
    for name, annotation in inspect.get_annotations(function).items():
        try:
            hints[name] = eval(annotation, {}, namespace) if isinstance(annotation, str) else annotation
        except Exception:  # an annotation the running program can't evaluate: skip its check
            hints[name] = str(annotation)
    return hints


def type_problems(
    function: Callable[..., Any], kwargs: dict[str, object], *, own_checks: Iterable[str] = ()
) -> list[Problem]:
    """A problem for every keyword argument whose value does not match ``function``'s annotation, except the
    props in ``own_checks``, whose constructor checks them itself with a message about their purpose."""
    hints = _resolve_hints(function)
    problems = []
    for name, value in kwargs.items():
        if name in own_checks:
            continue
        hint = hints.get(name)
        if hint is None or conforms(value, hint):
            continue
        rule = (
            f"is required (expected {_describe(hint)})"
            if value is None
            else f"expected {_describe(hint)}, got {_shown(value)}"
        )
        problems.append(
            Problem(name, _shown(value), rule, _mix_up(hint, value) or f"pass e.g. {_example(hint)}")
        )
    return problems


def field_problems(instance: object, prefix: str) -> list[Problem]:
    """Type problems of a props dataclass's fields (e.g. ``DistinguishedName(common_name=5)``), named
    ``prefix.field``, so a value object fails with the construct that received it."""
    if not dataclasses.is_dataclass(instance):
        return []
    hints = _resolve_hints(type(instance))
    problems = []
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        hint = hints.get(field.name)
        if hint is not None and not conforms(value, hint):
            problems.append(
                Problem(
                    f"{prefix}.{field.name}",
                    _shown(value),
                    f"expected {_describe(hint)}, got {type(value).__name__}",
                    _mix_up(hint, value) or f"pass e.g. {_example(hint)}",
                )
            )
    return problems


def _mix_up(hint: object, value: object) -> str | None:
    """The fix for the usual mix-up of a certificate and a CA, which the plain example would not explain."""
    expected = _describe(hint)
    values = list(value) if isinstance(value, list | tuple) else [value]
    if "ICertificateAuthority" in expected and any(
        _arn.parse_acm_arn(v) for v in values if isinstance(v, str)
    ):
        return (
            "this is an ACM certificate ARN, not a CA: watch its expiry with "
            "ExpiryAlarm(certificate=acm.Certificate.from_certificate_arn(...))"
        )
    if "ICertificateAuthority" in expected and any(isinstance(v, str) for v in values):
        return (
            "a CA is named one way, as an aws_acmpca.ICertificateAuthority: import it by ARN with "
            "SubordinateCa.from_certificate_authority_attributes(scope, 'Ca', certificate_authority_arn=...) "
            "(or aws-cdk-lib's acmpca.CertificateAuthority.from_certificate_authority_arn(scope, 'Ca', arn)) "
            "and pass that"
        )
    if "ICertificateAuthority" in expected and implements(value, acm.ICertificate):
        return "this is an ACM certificate, not a CA: watch its expiry with ExpiryAlarm(certificate=...)"
    if "ICertificate" in expected.replace("ICertificateAuthority", "") and implements(
        value, acmpca.ICertificateAuthority
    ):
        return "this is a CA, not an ACM certificate: watch its expiry with CaExpiryAlarm(certificate_authority=...)"
    return None


def stack_scope_problems(field: str, scope: object) -> list[Problem]:
    """A construct scope must sit in a Stack: an App or Stage holds stacks, not resources (jsii would raise a raw
    ``ShouldBeCreatedInStackScope``; aws-cdk-lib's own constructs do, we name the argument instead)."""
    if not isinstance(scope, Construct) or any(Stack.is_stack(s) for s in scope.node.scopes):
        return []
    return [
        Problem(
            field,
            _Shown(f"{type(scope).__name__} at '{scope.node.path}'"),
            "is not inside a Stack: an App or Stage holds stacks, not resources",
            "create a stack and pass it, e.g. cdk.Stack(app, 'Pki', env=...)",
        )
    ]


def construct_id_problems(field: str, value: object, example: str) -> list[Problem]:
    """A construct id: a non-empty literal string (CDK refuses a token in an id: paths are known at synth)."""
    if not isinstance(value, str) or not value:
        return [Problem(field, _shown(value), "expected a non-empty str", f"pass e.g. {example!r}")]
    if Token.is_unresolved(value):
        return [
            Problem(
                field,
                _Shown("a token"),
                "a construct id is part of the construct path, known at synth: it cannot be a token",
                f"pass a literal id, e.g. {example!r}",
            )
        ]
    return []


def typed_props(init: _F) -> _F:
    """Decorate a construct's ``__init__(self, scope, id, *, ...)``: props of the wrong type raise one
    :class:`PkiValidationError` (path ``scope/id``) before the constructor runs."""

    @functools.wraps(init)
    def checked(self: object, scope: object, id: object, *args: object, **kwargs: object) -> None:
        problems = []
        if not isinstance(scope, Construct):
            problems.append(
                Problem("scope", _shown(scope), "expected a Construct", "pass a Stack or construct")
            )
        problems += stack_scope_problems("scope", scope)
        problems += construct_id_problems("id", id, "Root")
        problems += type_problems(init, kwargs, own_checks=getattr(type(self), "_own_type_checks", ()))
        for name, value in kwargs.items():  # value objects (DistinguishedName, CrlConfiguration, ...) too
            if type(value).__module__.startswith("pki_constructs."):
                problems += field_problems(value, name)
        if isinstance(scope, Construct) and isinstance(id, str):
            problems += duplicate_id_problems(scope, id)
        if not problems:  # the value rules assume the types are right
            problems += prop_problems(type(self), kwargs, typing.cast(Construct, scope))
        if problems:
            where = f"{scope.node.path}/{id}" if isinstance(scope, Construct) else str(id)
            raise PkiValidationError(where, problems)
        install_app_checks(typing.cast(Construct, scope))
        init(self, scope, id, *args, **kwargs)
        _claim_sibling_subject(self, kwargs)
        if isinstance(self, Construct) and "parent" in kwargs:
            claim_offline_certificate(self, kwargs["parent"])
        if isinstance(self, Construct):
            for name, value in kwargs.items():
                for field in _token_fields(name, value):
                    skipped(self, field, _TOKEN_RULES.get(field.rpartition(".")[2], "its literal rules"))
                if name in _CA_PROPS and _has_token_arn(value):
                    skipped(
                        self,
                        f"{name} (its certificate_authority_arn)",
                        _TOKEN_RULES["certificate_authority_arn"],
                    )

    return typing.cast(_F, checked)


def _claim_sibling_subject(ca: object, kwargs: dict[str, object]) -> None:
    """Two CAs with one parent (or two roots) and one subject look like one CA to path building (RFC 5280
    §7.1 compares names): the app check fails the synth when two claim the same (parent, subject)."""
    subject = kwargs.get("subject")
    same_name_key = getattr(subject, "_normalised", None)
    if (
        not isinstance(ca, Construct)
        or same_name_key is None
        or any(is_token(v) for v in vars(subject).values())
    ):
        return
    parent = kwargs.get("parent")
    if parent is None:  # roots have no siblings
        return
    parent_key = parent.node.path if isinstance(parent, Construct) else repr(parent)
    claim(ca, "sibling CA subject", (parent_key, same_name_key()), field="subject", shown=str(subject))


# What a token skips, by prop name, for the info line (tokens are never refused for being tokens).
_TOKEN_RULES = {
    "validity": "whole days, shorter than the parent's, ending by 9999-12-31",
    "expiration": "whole days from 1 to 5000",
    "threshold": "whole days, at least 1, below the certificate's lifetime",
    "domain_name": "ACM's name syntax, length and wildcard rules, and the hosted zone containing it",
    "subject_alternative_names": "ACM's name syntax, length and wildcard rules",
    "domain_names": "alias syntax, the certificate covering each alias, uniqueness across distributions",
    "secret_name": "Secrets Manager's name syntax and uniqueness in the account and region",
    "name": "the SSM parameter name's syntax and uniqueness in the account and region",
    "region": "a well-formed region code and its partition",
    "path_length": "0 to 3, below the parent's",
    "certificate_authority_arn": "a Private CA ARN of a real region and its partition; the CA's region is "
    "the region it is used in (ACM issues from a CA of its own region, a shared CA is used in its region); the CA's "
    "account against the using stack's (a trust bundle or issuer role of another account, a cross-account "
    "info line)",
    "country": "exactly two letters",
    "not_after": "a date; the children's validity against the CA's end; an expired CA refused as issuer or "
    "trusted CA",
    "common_name": "at most 64 characters, no control characters or edge spaces, differs from the parent's",
}


_CA_PROPS = frozenset({"parent", "certificate_authority", "trusted_cas"})


def _has_token_arn(value: object) -> bool:
    """A CA given that only knows a token ARN (aws-cdk-lib's ``from_certificate_authority_arn(token)``): our
    CAs know their region and account from their stack, and our importer says what it skips where it is made."""
    cas = value if isinstance(value, list | tuple) else [value]
    return any(
        not hasattr(ca, "facts") and is_token(getattr(ca, "certificate_authority_arn", None)) for ca in cas
    )


def _token_fields(name: str, value: object) -> list[str]:
    if is_token(value):
        return [name]
    if isinstance(value, list | tuple) and any(is_token(item) for item in value):
        return [name]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            field
            for item in dataclasses.fields(value)
            for field in _token_fields(f"{name}.{item.name}", getattr(value, item.name))
        ]
    return []


# Tokens are unknown, not wrong ------------------------------------------------------------------------


def skipped(scope: IConstruct, field: str, rule: str) -> None:
    """Say in ``cdk synth`` that a literal rule was not applied because ``field`` is a token."""
    Annotations.of(scope).add_info(
        f"[pki-constructs:tokenSkipped] {field} is a token, unknown until deploy, so these synth-time "
        f"rules were skipped: {rule}"
    )


def literal(scope: IConstruct | None, field: str, value: Any, rule: str) -> Any:
    """``value`` when it is a literal; ``None`` (with an info line naming ``rule``) when it is a token."""
    if value is None:
        return None
    if is_token(value):
        if scope is not None:
            skipped(scope, field, rule)
        return None
    return value


def whole_days(
    scope: IConstruct | None, field: str, duration: Duration | None, rule: str
) -> tuple[float | None, list[Problem]]:
    """The number of days of a literal ``duration``, or ``None`` for a token (info line) or ``None`` input.

    The second item is a problem when the literal is not a whole number of days, or not at least one day.
    """
    if duration is None or literal(scope, field, duration, rule) is None:
        return None, []
    days = float(duration.to_hours(integral=False)) / 24
    if days < 1 or days != int(days):
        return days, [
            Problem(
                field,
                duration.to_human_string(),
                "must be a whole number of days, at least 1",
                "use Duration.days(n)",
            )
        ]
    return days, []


def token_days(duration: Duration) -> int | None:
    """The day count of a token duration made with ``Duration.days(token)`` (a token number CloudFormation
    resolves), or None when the token is in another unit: CDK cannot convert a token between units."""
    try:
        return int(duration.to_days())  # int() keeps the token's encoded value exact
    except RuntimeError:  # jsii: "Duration must be specified as 'Duration.days()' here"
        return None


def token_days_problem(field: str) -> Problem:
    return Problem(
        field,
        _Shown("Duration (token)"),
        "a token can only be used in the unit of this prop, days: CDK cannot convert a token between units",
        "use Duration.days(parameter.value_as_number)",
    )


def collect(*groups: Iterable[Problem]) -> list[Problem]:
    """Flatten problem lists (a convenience for one-line constructor hunks)."""
    return [problem for group in groups for problem in group]
