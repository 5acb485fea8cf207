"""Records what the change review (``pki-review``) needs in template metadata: hierarchy edges, usage mode,
monthly cost, which resources bear trust, what each trust store holds.

Constructs call one function each (``record_ca(self)``, ``record_certificate(self)``, ``record_trust_store(self)``)
anywhere in their constructor: the record is written at synth by an aspect, when the parent, the activation
and the resources exist, so the call does not depend on the constructor's order. The format is documented in
:mod:`pki_constructs.review.record_format`; the review reads templates alone, without aws-cdk-lib.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsii
from aws_cdk import Aspects, CfnResource, IAspect, Token
from constructs import Construct, IConstruct

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
            "parent": _issuer_id(getattr(ca, "parent", None), root=fmt.ROOT_PARENT),
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
                getattr(certificate, "certificate_authority", None), root=fmt.ISSUER_PUBLIC_ACM
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
                "cas": [ca.node.path for ca in bundle.trusted_cas],
            },
        )


# ----------------------------------------------------------------------------------------------- helpers


def _issuer_id(issuer: object, *, root: str | None) -> str | None:
    """A CA of this app by construct path; one known by ARN by its literal ARN; otherwise what it is."""
    if issuer is None:
        return root
    if isinstance(issuer, Construct) and hasattr(issuer, "monthly_cost_usd"):  # a RootCa / SubordinateCa
        return issuer.node.path
    arn = getattr(issuer, "certificate_authority_arn", None)
    if isinstance(arn, str):
        return fmt.EXTERNAL if Token.is_unresolved(arn) else arn
    return fmt.OFFLINE


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
