"""MutualTlsApiDomain: an API Gateway custom domain that requires client certificates from our CAs.

API Gateway reads the mTLS truststore from S3 at a given object version, the same PEM bundle an Elastic
Load Balancing trust store uses, so both are fed by :class:`~pki_constructs.trust_store.CaBundle`.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from constructs import Construct

from . import _arn
from .acm_certificate import certificate_in
from .certificate_facts import certificate_facts
from .domain_names import domain_name_problems
from .errors import Problem, raise_if_any
from .inputs import typed_props
from .trust_store import CaBundle, sharing_problems


def api_domain_problems(
    *,
    certificate: object,
    endpoint_type: apigw.EndpointType,
    security_policy: apigw.SecurityPolicy,
    region: str | None = None,
) -> list[Problem]:
    """:param region: the domain's region (a literal), where a REGIONAL endpoint needs its certificate."""
    problems = []
    if not isinstance(getattr(certificate, "certificate_arn", None), str):
        problems.append(
            Problem(
                "certificate",
                type(certificate).__name__,
                "is not an acm.ICertificate",
                "pass a PublicCertificate, an acm.Certificate or acm.Certificate.from_certificate_arn(...)",
            )
        )
    elif certificate_facts(certificate).private:  # type: ignore[arg-type]
        problems.append(
            Problem(
                "certificate",
                type(certificate).__name__,
                "an API Gateway custom domain serves a publicly trusted ACM certificate; clients could not "
                "verify a private CA's certificate",
                "pass a PublicCertificate (or acm.Certificate) for the domain; our CA is for the clients",
            )
        )
    elif region is not None and endpoint_type is apigw.EndpointType.REGIONAL:
        # ACM certificates are regional; a REGIONAL domain uses one of its own region (ALB/CloudFront alike).
        certificate_region = certificate_facts(certificate).region  # type: ignore[arg-type]
        if certificate_region is not None and certificate_region != region:
            problems.append(
                Problem(
                    "certificate",
                    f"{certificate.node.path} in {certificate_region}",  # type: ignore[attr-defined]
                    f"a REGIONAL custom domain uses an ACM certificate of its own region ({region})",
                    f"request the certificate in {region} (a PublicCertificate in a {region} stack)",
                )
            )
    if endpoint_type is not apigw.EndpointType.REGIONAL:
        problems.append(
            Problem(
                "endpoint_type",
                str(endpoint_type),
                "API Gateway supports mutual TLS on REGIONAL custom domain names only",
                "use apigw.EndpointType.REGIONAL (put CloudFront in front separately if needed)",
            )
        )
    if security_policy is not apigw.SecurityPolicy.TLS_1_2:
        # TLS_1_0 is too weak; the enhanced (2025) policies cannot carry mTLS (aws-cdk-lib refuses them too,
        # citing apigateway-custom-domain-tls-version.html).
        problems.append(
            Problem(
                "security_policy",
                security_policy.value,
                "API Gateway mutual TLS needs the TLS_1_2 policy: TLS_1_0 is too weak and the enhanced "
                "security policies do not support mutual TLS",
                "use apigw.SecurityPolicy.TLS_1_2 (the default)",
            )
        )
    return problems


class MutualTlsApiDomain(Construct):
    """A regional API Gateway custom domain with a public certificate and mutual TLS trusting our CAs.

    Clients must present a certificate issued by one of ``trusted_cas`` (or their chains). The truststore
    is the PEM bundle published by :class:`CaBundle`, referenced with its S3 object version, so a CA
    certificate change reaches API Gateway on the next deploy. Disable the API's default
    ``execute-api`` endpoint (``disable_execute_api_endpoint=True``), or clients can bypass mutual TLS.

    :resource: AWS::ApiGateway::DomainName

    :param domain_name: the custom domain (lower case).
    :param certificate: a public ACM certificate for ``domain_name`` in the stack's region: any
        ``acm.ICertificate`` (a ``PublicCertificate``, ``acm.Certificate``, or an import by ARN). Private
        certificates (``ServiceCertificate``, ``acm.PrivateCertificate``) are refused. One of another stack is
        read weakly (``certificate_in``: an SSM parameter, no export).
    :param trusted_cas: the CAs whose clients are accepted. Ignored when ``bundle`` is given.
    :param bundle: share a bundle with other trust stores; one of another stack (same account and region) is
        read weakly (:meth:`CaBundle.location_in`), another account or region is refused. Default: - a new
        :class:`CaBundle`
    :param mapping: the REST API to map at the root. Default: - none; call ``domain.add_base_path_mapping``
    :param security_policy: only ``TLS_1_2`` carries mutual TLS. Default: - ``SecurityPolicy.TLS_1_2``
    :param endpoint_type: Default: - ``EndpointType.REGIONAL`` (the only type with mutual TLS)
    """

    _own_type_checks = frozenset(
        {"certificate"}
    )  # api_domain_problems says which certificates API Gateway takes

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_name: str,
        certificate: acm.ICertificate,
        trusted_cas: Sequence[acmpca.ICertificateAuthority] = (),
        bundle: CaBundle | None = None,
        mapping: apigw.IRestApi | None = None,
        security_policy: apigw.SecurityPolicy = apigw.SecurityPolicy.TLS_1_2,
        endpoint_type: apigw.EndpointType = apigw.EndpointType.REGIONAL,
    ) -> None:
        super().__init__(scope, id)
        stack_region = Stack.of(self).region
        problems = [
            *domain_name_problems(domain_name, field="domain_name"),
            *api_domain_problems(
                certificate=certificate,
                endpoint_type=endpoint_type,
                security_policy=security_policy,
                region=stack_region if _arn.is_literal(stack_region) else None,
            ),
        ]
        if domain_name != domain_name.lower():
            problems.append(
                Problem(
                    "domain_name",
                    domain_name,
                    "API Gateway custom domain names are lower case",
                    f"use {domain_name.lower()!r}",
                )
            )
        if bundle is not None:
            problems += sharing_problems(bundle, self, field="bundle")
        raise_if_any(self, problems)
        self.bundle = bundle or CaBundle(self, "Bundle", trusted_cas=trusted_cas)
        # A bundle of another stack is read weakly (bucket name and object version through SSM): no export.
        location = self.bundle.location_in(self)
        self.domain = apigw.DomainName(
            self,
            "Resource",
            domain_name=domain_name,
            # A certificate of another stack is read through an SSM parameter, never exported (which would lock it).
            certificate=certificate_in(certificate, self, "Certificate"),
            endpoint_type=endpoint_type,
            security_policy=security_policy,
            mtls=apigw.MTLSConfig(
                bucket=location.bucket,
                key=location.key,
                version=location.object_version,
            ),
            mapping=mapping,
        )
        if mapping is not None:
            self._warn_if_default_endpoint_open(mapping)

    @property
    def domain_name_alias_domain_name(self) -> str:
        """The regional host name to point a DNS alias at."""
        return self.domain.domain_name_alias_domain_name

    @property
    def domain_name_alias_hosted_zone_id(self) -> str:
        return self.domain.domain_name_alias_hosted_zone_id

    def _warn_if_default_endpoint_open(self, api: apigw.IRestApi) -> None:
        child = api.node.default_child
        if isinstance(child, apigw.CfnRestApi) and not child.disable_execute_api_endpoint:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:executeApiEndpointOpen",
                "The API's default execute-api endpoint is enabled: clients can reach it without a client "
                "certificate. Set disable_execute_api_endpoint=True on the RestApi.",
            )
