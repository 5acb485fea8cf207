"""PrivateServiceTier: the private half of the hybrid architecture in one construct.

An internal Application Load Balancer serves a certificate from our private CA and requires client
certificates from it (mutual TLS, verify mode); each named service gets a role and an exported client
certificate in Secrets Manager that only its role can read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._compliance import INLINE_POLICY, exempt
from .certified_alb import CertifiedAlb
from .errors import Problem, raise_if_any
from .inputs import typed_props
from .service_certificate import ServiceCertificate
from .trust_store import MutualTls

_SERVICE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _id_part(name: str) -> str:
    """The construct-id part of a service name: 'order-service' -> 'OrderService'."""
    return "".join(p.title() for p in name.split("-"))


def service_names_problems(names: Sequence[str]) -> list[Problem]:
    """Each service name becomes a DNS label of its client certificate and part of construct ids."""
    if isinstance(names, str):  # a str is a Sequence[str] of its characters
        return [
            Problem("services", names, "services is a list of names, not one string", f"services=[{names!r}]")
        ]
    problems = []
    if not names:
        problems.append(
            Problem("services", [], "a service tier needs at least one service", "name them, e.g. ['orders']")
        )
    bad = [n for n in names if not isinstance(n, str) or not _SERVICE_NAME.match(n)]
    if bad:
        problems.append(
            Problem(
                "services",
                bad,
                "service names are DNS labels: 1-63 lower-case letters, digits or inner hyphens",
                "rename them, e.g. 'order-service'",
            )
        )
    duplicates = sorted({n for n in names if list(names).count(n) > 1})
    if duplicates:
        problems.append(
            Problem("services", duplicates, "service names must be unique", "drop the duplicates")
        )
    good = sorted({n for n in names if n not in bad and n not in duplicates})
    clashing = [n for n in good if [_id_part(m) for m in good].count(_id_part(n)) > 1]
    if clashing:
        problems.append(
            Problem(
                "services",
                clashing,
                "these names map to the same construct id (hyphens are dropped, digits start a new word)",
                "rename one of them",
            )
        )
    return problems


@dataclass(frozen=True)
class PrivateService:
    """One service of the tier: its role and its exported client certificate."""

    name: str
    role: iam.IRole
    client_certificate: ServiceCertificate

    @property
    def secret_arn_pattern(self) -> str:
        """The client certificate secret's ARN (random suffix as ``??????``), for the service's configuration."""
        return self.client_certificate.secret_arn_pattern


class PrivateServiceTier(Construct):
    """An internal mTLS load balancer and the services that call it, all certified by one of our CAs.

    - ``server_certificate``: an ACM private certificate for ``domain_name`` on the ALB (the key stays in ACM).
    - ``load_balancer``: a :class:`CertifiedAlb`, internal (reachable from the VPC's CIDR only), TLS 1.3
      policy, HTTPS listener in mutual TLS verify mode trusting ``trusted_cas``.
    - ``services[name]``: a role (assumed by ``service_principal``) and a client certificate for
      ``<name>.<client_domain>``, exported to a Secrets Manager secret (CMK-encrypted, re-exported on
      renewal) that only that role can read. ACM private certificates are issued with the serverAuth and
      clientAuth extended key usages, so they serve as mTLS client certificates (ACM dropped clientAuth
      from *public* certificates in 2025; this library cannot check private ones offline — inspect one
      exported certificate, ``openssl x509 -noout -ext extendedKeyUsage``, before relying on it).

    Route traffic with ``tier.load_balancer.https_listener.add_targets(...)``.

    :param vpc: the VPC of the load balancer and its clients.
    :param certificate_authority: the issuing CA (general-purpose; ACM cannot use a short-lived CA).
    :param domain_name: the load balancer's DNS name, e.g. ``api.internal.example``.
    :param services: names of the calling services, each a DNS label.
    :param client_domain: Default: - ``clients.<domain_name>``; each service's certificate is for
        ``<name>.<client_domain>``
    :param trusted_cas: CAs whose client certificates the load balancer accepts; the trust store holds their
        chains up to the root, so clients of every CA under those roots are accepted too.
        Default: - ``[certificate_authority]``
    :param revocation: check client certificates against the trusted CAs' CRLs (converted to PEM).
        Default: - False
    :param service_principal: who assumes the service roles. Default: - ``ecs-tasks.amazonaws.com``
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        certificate_authority: acmpca.ICertificateAuthority,
        domain_name: str,
        services: Sequence[str],
        client_domain: str | None = None,
        trusted_cas: Sequence[acmpca.ICertificateAuthority] | None = None,
        revocation: bool = False,
        service_principal: iam.IPrincipal | None = None,
    ) -> None:
        super().__init__(scope, id)
        raise_if_any(self, service_names_problems(list(services)))
        self.server_certificate = ServiceCertificate(
            self, "ServerCertificate", certificate_authority=certificate_authority, domain_name=domain_name
        )
        self.mutual_tls = MutualTls(
            trusted_cas=list(trusted_cas or [certificate_authority]), revocation=revocation
        )
        self.load_balancer = CertifiedAlb(
            self,
            "LoadBalancer",
            vpc=vpc,
            certificates=[self.server_certificate],
            internet_facing=False,
            mutual_tls=self.mutual_tls,
        )
        principal = service_principal or iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        suffix = client_domain or f"clients.{domain_name}"
        self.services: dict[str, PrivateService] = {}
        for name in services:
            part = _id_part(name)
            certificate = ServiceCertificate(
                self,
                f"{part}ClientCertificate",
                certificate_authority=certificate_authority,
                domain_name=f"{name}.{suffix}",
                export=True,
            )
            role = iam.Role(
                self,
                f"{part}Role",
                assumed_by=principal,
                description=f"{name}: calls {domain_name} with its client certificate from Secrets Manager",
            )
            certificate.grant_read(role)
            exempt(role, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])
            self.services[name] = PrivateService(name=name, role=role, client_certificate=certificate)
