"""A Mermaid diagram of the CA hierarchies in a construct tree, generated so it cannot drift from code."""

from __future__ import annotations

import re

from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from constructs import IConstruct

from .private_ca import CertificateAuthorityBase, SubordinateCa


def _node_id(construct: IConstruct) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", construct.node.path)


def _label(text: str) -> str:
    return text.replace('"', "'")


def hierarchy_mermaid(scope: IConstruct) -> str:
    """Mermaid ``graph TD`` of every RootCa/SubordinateCa under ``scope`` and the ACM certificates they
    issue: each CA with its subject, key, usage mode, validity, path length and region; an edge from
    each issuer to what it signs."""
    cas = [c for c in scope.node.find_all() if isinstance(c, CertificateAuthorityBase)]
    by_arn = {ca.certificate_authority_arn: ca for ca in cas}
    lines = ["graph TD"]
    for ca in cas:
        stack = Stack.of(ca)
        path_length = "none" if ca.path_length is None else str(ca.path_length)
        kind = "Root CA" if not isinstance(ca, SubordinateCa) else "Subordinate CA"
        details = (
            f"{kind}: {ca.subject.common_name or ca.subject}<br/>{ca.key_algorithm.value}, "
            f"{int(ca.validity.to_days())} days, pathLen {path_length}<br/>{ca.usage_mode.value}, {stack.region}"
        )
        lines.append(f'    {_node_id(ca)}["{_label(details)}"]')
    for ca in cas:
        parent = getattr(ca, "parent", None)
        if isinstance(parent, CertificateAuthorityBase):
            lines.append(f"    {_node_id(parent)} --> {_node_id(ca)}")
    for certificate in scope.node.find_all():
        if not isinstance(certificate, acm.CfnCertificate):
            continue
        issuer = by_arn.get(certificate.certificate_authority_arn or "")
        if issuer is None:
            continue
        owner = certificate.node.scope or certificate
        while owner.node.id == "Resource" and owner.node.scope is not None:  # name the wrapper, not the L2
            owner = owner.node.scope
        lines.append(f'    {_node_id(owner)}(["{_label(certificate.domain_name)}"])')
        lines.append(f"    {_node_id(issuer)} --> {_node_id(owner)}")
    return "\n".join(lines) + "\n"
