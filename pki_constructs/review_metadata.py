"""Records what the change review (``pki-review``) needs in template metadata: hierarchy edges, usage mode,
monthly cost, which resources bear trust, what each trust store holds.

Constructs call one function each (``record_ca(self)``, ``record_certificate(self)``, ``record_trust_store(self)``)
anywhere in their constructor: the record is written at synth by an aspect, when the parent, the activation
and the resources exist, so the call does not depend on the constructor's order. The format is documented in
:mod:`pki_constructs.review.record_format`; the review reads templates alone, without aws-cdk-lib.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import jsii
from aws_cdk import Aspects, CfnParameter, CfnResource, IAspect, Stack, Token
from constructs import Construct, IConstruct

from .cross_region import RegionalExport, RegionalImport
from .review import record_format as fmt


def record_ca(ca: Construct) -> None:
    """Mark a ``RootCa``/``SubordinateCa``: its CA resource (id, name, parent, usage mode, cost), its own
    certificate and its activation."""
    _at_synth(ca, _write_ca)


def record_certificate(certificate: Construct) -> None:
    """Mark the ``AWS::CertificateManager::Certificate`` of a ``PublicCertificate``/``ServiceCertificate``
    with its id, domain name and issuing CA."""
    _at_synth(certificate, _write_certificate)


def record_trust_store(bundle: Construct) -> None:
    """Mark a ``CaBundle``'s custom resource with the CAs it holds (trust stores and API domains read it)."""
    _at_synth(bundle, _write_trust_store)


# ----------------------------------------------------------------------------------------------- writers


def _write_ca(ca: Any) -> None:
    path = ca.node.path
    _put(
        ca.resource,
        {
            "kind": fmt.CA,
            "id": path,
            "name": _literal(ca.subject.common_name or str(ca.subject)),
            "parent": _issuer_id(getattr(ca, "parent", None), ca, root=fmt.ROOT_PARENT),
            "usageMode": ca.usage_mode.value,
            "monthlyUsd": ca.monthly_cost_usd,
        },
    )
    certificate = _cfn_resource(getattr(ca, "certificate", None))
    if certificate is not None:
        _put(certificate, {"kind": fmt.CA_CERTIFICATE, "ca": path})
    activation = _cfn_resource(getattr(ca, "activation", None))
    if activation is not None and activation is not ca.resource:  # a CA waiting for an offline signature
        _put(activation, {"kind": fmt.CA_ACTIVATION, "ca": path})


def _write_certificate(certificate: Any) -> None:
    resource = _cfn_resource(certificate)
    if resource is None:
        return
    names = getattr(certificate, "domain_names", None) or [getattr(certificate, "domain_name", "")]
    _put(
        resource,
        {
            "kind": fmt.CERTIFICATE,
            "id": certificate.node.path,
            "name": _literal(names[0]),
            "issuer": _issuer_id(
                getattr(certificate, "certificate_authority", None), certificate, root=fmt.ISSUER_PUBLIC_ACM
            ),
        },
    )


def _write_trust_store(bundle: Any) -> None:
    resource = _cfn_resource(bundle.resource)
    if resource is not None:
        _put(
            resource,
            {
                "kind": fmt.TRUST_STORE,
                "id": bundle.node.path,
                "cas": [_issuer_id(ca, bundle, root=fmt.EXTERNAL) for ca in bundle.trusted_cas],
            },
        )


# ----------------------------------------------------------------------------------------------- helpers


def _issuer_id(issuer: object, user: Construct, *, root: str | None) -> str | None:
    """A CA of this app by construct path, also when ``user`` reads its ARN through a weak reference
    (:class:`~pki_constructs.cross_region.RegionalExport`, across stacks, regions and accounts); one known by
    a literal ARN by that ARN; one read from an SSM parameter of another app by ``ssm:<name>``; otherwise
    what it is."""
    if issuer is None:
        return root
    if _is_our_ca(issuer):
        path: str = issuer.node.path  # type: ignore[attr-defined]
        return path
    arn = getattr(issuer, "certificate_authority_arn", None)
    if isinstance(arn, str):
        if not Token.is_unresolved(arn):
            return arn
        return _producer_of(arn, user) or fmt.EXTERNAL
    return fmt.OFFLINE


def _is_our_ca(construct: object) -> bool:
    return isinstance(construct, Construct) and hasattr(construct, "monthly_cost_usd")  # RootCa/SubordinateCa


def _producer_of(arn: str, user: Construct) -> str | None:
    """The CA whose ARN ``arn`` reads back in ``user``'s stack: the SSM parameter it reads (a
    ``RegionalImport`` or an SSM-typed stack parameter), then the ``RegionalExport`` that writes that
    parameter, then the CA whose ARN the export publishes."""
    consumer = Stack.of(user)
    wanted = consumer.resolve(arn)
    name: str | None = None
    for construct in consumer.node.find_all():
        if isinstance(construct, RegionalImport) and consumer.resolve(construct.value) == wanted:
            name = construct.parameter_name
        elif (
            isinstance(construct, CfnParameter)
            and str(construct.type).startswith("AWS::SSM::Parameter::Value")
            and consumer.resolve(construct.value_as_string) == wanted
        ):
            name = str(construct.default)
        if name is not None:
            break
    if name is None:
        return None
    root = user.node.root
    for export in (c for c in root.node.find_all() if isinstance(c, RegionalExport)):
        if export.parameter_name != name:
            continue
        producer = export.stack
        published = producer.resolve(export.value)
        for ca in root.node.find_all():
            if _is_our_ca(ca) and Stack.of(ca) is producer and published in _arn_forms(ca, producer):
                return ca.node.path
    return f"{fmt.SSM_PREFIX}{name}"


def _arn_forms(ca: Any, stack: Stack) -> list[Any]:
    """The CA's ARN as its resource and as its activation give it (an export may publish either)."""
    forms = [stack.resolve(ca.resource.attr_arn)]
    with contextlib.suppress(RuntimeError):  # not activated (yet): only the resource's ARN exists
        forms.append(stack.resolve(ca.certificate_authority_arn))
    return forms


def _literal(value: str) -> str:
    return "(resolved at deploy)" if Token.is_unresolved(value) else value


def _cfn_resource(construct: object) -> CfnResource | None:
    """The resource itself, or the CfnResource found through default children (L3 -> L2 -> L1)."""
    while isinstance(construct, Construct) and not isinstance(construct, CfnResource):
        construct = construct.node.default_child
    return construct if isinstance(construct, CfnResource) else None


def _put(resource: CfnResource, record: dict[str, Any]) -> None:
    resource.add_metadata(fmt.KEY, {"v": fmt.VERSION, **record})


def _at_synth(target: Construct, writer: Callable[[Any], None]) -> None:
    Aspects.of(target).add(_Recorder(target.node.path, writer))


@jsii.implements(IAspect)
class _Recorder:
    """Writes one construct's record when the aspect pass reaches it (once the app is complete)."""

    def __init__(self, path: str, writer: Callable[[Any], None]) -> None:
        self._path = path
        self._writer = writer

    def visit(self, node: IConstruct) -> None:
        if node.node.path == self._path:
            self._writer(node)
