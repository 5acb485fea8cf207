"""Mutual TLS trust stores fed by our own CAs: the PEM CA bundle, its S3 object versions, and the CRLs.

An Elastic Load Balancing trust store (and an API Gateway mTLS truststore) reads a PEM bundle of CA
certificates from S3; AWS Private CA offers no such file, and publishes CRLs in DER while trust stores want
PEM. :class:`CaBundle` runs a custom resource that writes both into a private, versioned bucket and returns
the object versions, so the trust store follows a CA certificate change on the next deploy.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import jsii
from aws_cdk import (
    Acknowledgment,
    Annotations,
    Aspects,
    CustomResource,
    Duration,
    Fn,
    IAspect,
    Names,
    RemovalPolicy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from . import _arn
from ._accessors import earlier_import, remember_import
from ._buckets import private_bucket
from ._provider import HandlerProvider
from .ca_facts import ca_environment, ca_facts, describe_ca, note_skipped_rules
from .cross_region import environment_problems, weak_ca_arn, weak_value
from .errors import Problem, raise_if_any
from .inputs import typed_props
from .method_inputs import typed_method
from .private_ca import CertificateAuthorityBase
from .review_metadata import record_trust_store
from .revocation import CrlType

MAX_CA_CERTIFICATES = 25
"""Elastic Load Balancing quota: CA certificates per trust store."""
MAX_CHAIN_DEPTH = 4
"""Elastic Load Balancing quota: depth of a certificate chain in a trust store."""
MAX_VERIFY_LISTENERS = 2
"""Elastic Load Balancing quota: listeners in mTLS verify mode per Application Load Balancer."""
REVOCATION_QUERY_INTERVAL = Duration.minutes(1)
"""Between polls for the trusted CAs' CRLs: each poll costs one s3:GetObject per CA."""
REVOCATION_WAIT = Duration.minutes(55)
"""How long a bundle with revocation waits for every CA's CRL (the Provider framework's ``total_timeout``).
AWS Private CA writes a CA's first CRL asynchronously once the CA has issued a certificate, typically about 30
minutes later, and retries a failed CRL update every 15 minutes (AWS Private CA API reference,
``CrlConfiguration`` and ``RevokeCertificate``): 30 + 15 = 45 minutes with one failed attempt, plus 10 minutes
for the issuance the bundle depends on and the last polls. CloudFormation waits at most one hour for a custom
resource, so the wait stays below it."""
REFRESH_CONTEXT_KEY = "pki-constructs:trustBundleRefresh"
"""Context key whose value, when it changes, makes every CaBundle re-read its CAs and CRLs on that deploy."""


class MutualTlsMode(enum.Enum):
    """How a listener treats client certificates (``MutualAuthentication.Mode``)."""

    VERIFY = "verify"
    """The load balancer verifies the client certificate against the trust store and refuses others."""
    PASSTHROUGH = "passthrough"
    """The load balancer forwards the client certificate chain to the targets in headers; they verify."""


# Pure rules -------------------------------------------------------------------------------------------


def chain_of(ca: acmpca.ICertificateAuthority) -> list[acmpca.ICertificateAuthority]:
    """The CA and the ancestors known at synth (a parent known only by ARN ends the walk)."""
    chain: list[acmpca.ICertificateAuthority] = [ca]
    parent = getattr(ca, "parent", None)
    while isinstance(parent, CertificateAuthorityBase):
        chain.append(parent)
        parent = getattr(parent, "parent", None)
    return chain


def bundle_problems(trusted_cas: Sequence[acmpca.ICertificateAuthority]) -> list[Problem]:
    """The bundle quotas, as far as they are known at synth (the handler checks the fetched bundle again)."""
    if not trusted_cas:
        return [
            Problem(
                "trusted_cas",
                [],
                "a trust store needs at least one CA",
                "pass the CAs whose certificates clients present, e.g. trusted_cas=[issuing_ca]",
            )
        ]
    problems = []
    known = {id(member) for ca in trusted_cas for member in chain_of(ca)}
    if len(known) > MAX_CA_CERTIFICATES:
        problems.append(
            Problem(
                "trusted_cas",
                f"<{len(known)} CA certificates with their chains>",
                f"a trust store holds at most {MAX_CA_CERTIFICATES} CA certificates",
                "trust fewer CAs (a common parent covers its children's clients), or use several trust stores",
            )
        )
    depths = [(ca, ca_facts(ca).depth) for ca in trusted_cas]
    too_deep = [
        f"{ca.node.path} (depth {depth})" for ca, depth in depths if depth and depth > MAX_CHAIN_DEPTH
    ]
    if too_deep:
        problems.append(
            Problem(
                "trusted_cas",
                too_deep,
                f"trust-store certificate chains are at most {MAX_CHAIN_DEPTH} deep",
                "trust a CA closer to the root",
            )
        )
    return problems


def account_problems(trusted_cas: Sequence[acmpca.ICertificateAuthority], account: str) -> list[Problem]:
    """The bundle handler reads each CA (``GetCertificateAuthorityCertificate``) and its CRL bucket with its own
    role, granted in its own account: trusted CAs live in the bundle's account, or are shared with it through
    AWS RAM (an import with ``shared_permissions``; the RAM permissions include that read)."""
    if not _arn.is_literal(account):
        return []
    elsewhere = [
        f"{describe_ca(ca)} (account {ca_account})"
        for ca in trusted_cas
        for ca_account in [ca_environment(ca)[0]]
        if ca_account is not None and ca_account != account and ca_facts(ca).shared_permissions is None
    ]
    if not elsewhere:
        return []
    return [
        Problem(
            "trusted_cas",
            elsewhere,
            f"the bundle handler reads CAs of its own account ({account}) only",
            "build the bundle in a stack of the CAs' account, trust an issuing CA of this account, or import a "
            "CA shared with this account through AWS RAM with shared_permissions=...",
        )
    ]


def revocation_problems(trusted_cas: Sequence[acmpca.ICertificateAuthority]) -> list[Problem]:
    problems = []
    imported = [ca.node.path for ca in trusted_cas if not isinstance(ca, CertificateAuthorityBase)]
    if imported:
        problems.append(
            Problem(
                "revocation",
                imported,
                "revocation publishes each CA's CRL from its CRL bucket, known only for CAs created in this app",
                "trust only RootCa/SubordinateCa of this app with revocation=True, or set revocation=False",
            )
        )
    ours = [ca for ca in trusted_cas if isinstance(ca, CertificateAuthorityBase)]
    without_crl = [ca.node.path for ca in ours if not ca.crl.enabled or ca.crl_distribution is None]
    if without_crl:
        problems.append(
            Problem(
                "revocation",
                without_crl,
                "revocation checking needs each trusted CA to publish a CRL",
                "enable the CRL on those CAs (the default), or set revocation=False",
            )
        )
    partitioned = [ca.node.path for ca in ours if ca.crl.enabled and ca.crl.crl_type is CrlType.PARTITIONED]
    if partitioned:
        problems.append(
            Problem(
                "revocation",
                partitioned,
                "partitioned CRLs are many files per CA; the trust store is fed one complete CRL per CA",
                "use CrlType.COMPLETE on those CAs, or set revocation=False",
            )
        )
    return problems


def mode_problems(
    mode: MutualTlsMode, trusted_cas: Sequence[acmpca.ICertificateAuthority], revocation: bool
) -> list[Problem]:
    if mode is MutualTlsMode.PASSTHROUGH and (trusted_cas or revocation):
        return [
            Problem(
                "mode",
                mode.value,
                "in passthrough mode the load balancer verifies nothing: trusted_cas and revocation would be "
                "silently unused",
                "use MutualTlsMode.VERIFY, or verify in the targets and drop trusted_cas/revocation",
            )
        ]
    return []


def shared_store_problems(
    mode: MutualTlsMode,
    trusted_cas: Sequence[acmpca.ICertificateAuthority],
    revocation: bool,
    trust_store: MutualTlsTrustStore,
) -> list[Problem]:
    """A shared trust store decides the CAs and CRLs; settings that disagree with it would be silently unused."""
    if mode is MutualTlsMode.PASSTHROUGH:
        return [
            Problem(
                "trust_store",
                trust_store.node.path,
                "in passthrough mode the load balancer uses no trust store",
                "use MutualTlsMode.VERIFY, or drop trust_store",
            )
        ]
    problems = []
    if trusted_cas and list(trusted_cas) != list(trust_store.bundle.trusted_cas):
        problems.append(
            Problem(
                "trusted_cas",
                [ca.node.path for ca in trusted_cas],
                f"the shared trust store {trust_store.node.path} trusts its own bundle's CAs; these would be "
                "silently unused",
                "drop trusted_cas, or create a MutualTlsTrustStore for them",
            )
        )
    if revocation and trust_store.revocation is None:
        problems.append(
            Problem(
                "revocation",
                True,
                f"the shared trust store {trust_store.node.path} has no revocation list: client certificates "
                "would not be checked against any CRL",
                "create the MutualTlsTrustStore with revocation=True",
            )
        )
    return problems


def verify_listener_problems(verify_listeners: int) -> list[Problem]:
    if verify_listeners > MAX_VERIFY_LISTENERS:
        return [
            Problem(
                "mutual_tls",
                f"<{verify_listeners} verify-mode listeners>",
                f"an Application Load Balancer allows at most {MAX_VERIFY_LISTENERS} listeners in mTLS verify mode",
                "use passthrough on the others, or put them on another load balancer",
            )
        ]
    return []


def certificate_versions(trusted_cas: Sequence[acmpca.ICertificateAuthority], scope: IConstruct) -> list[str]:
    """What changes when a trusted CA (or one above it) gets a new CA certificate, so the bundle is rebuilt.

    A CA certificate this stack issues (``AWS::ACMPCA::Certificate``) is named by its ARN (a re-issued one gets
    a new ARN). Any other CA of the app — activated by the custom resource, signed offline, or issued in another
    stack, or an import told its owner's ``certificate_generation`` — is named by a literal
    ``<path>#certificate-generation=<n>`` once renewed (``n`` >= 2): an ARN from
    another stack would be a strong reference (an export in the same region, aws-cdk-lib's export writer across
    regions) that blocks the producer from renewing its CA.
    """
    versions: list[str] = []
    seen: set[int] = set()
    for ca in trusted_cas:
        for member in chain_of(ca):
            if id(member) in seen:
                continue
            seen.add(id(member))
            certificate = getattr(member, "certificate", None)
            if isinstance(certificate, acmpca.CfnCertificate) and Stack.of(certificate) is Stack.of(scope):
                versions.append(certificate.attr_arn)
            elif (
                isinstance(generation := getattr(member, "certificate_generation", None), int)
                and generation > 1
            ):
                versions.append(f"{member.node.path}#certificate-generation={generation}")
    return versions


def sharing_problems(producer: IConstruct, consumer: IConstruct, *, field: str) -> list[Problem]:
    """A bundle or trust store of another stack is used only in its own account and region.

    The consumer reads its values (bucket name, object version, trust store ARN) weakly, through SSM parameters
    of the producer's region; but what those values name is regional: a listener attaches a trust store of its
    own region only (an ELB trust store ARN names one region), and AWS documents the truststore object of a
    trust store or of an API Gateway custom domain only as an S3 object read in the deploying account, with no
    cross-Region or cross-account form (``AWS::ElasticLoadBalancingV2::TrustStore``,
    ``MutualTlsAuthentication.TruststoreUri``). The bundle bucket is private to its account too. So another
    region or account is refused here rather than 20 minutes into a deploy."""
    producer_stack, consumer_stack = Stack.of(producer), Stack.of(consumer)
    if producer_stack is consumer_stack:
        return []
    problems = environment_problems(producer_stack, consumer_stack, field=field, shown=producer.node.path)
    if problems:
        return problems
    known = all(
        _arn.is_literal(v)
        for v in (
            producer_stack.region,
            consumer_stack.region,
            producer_stack.account,
            consumer_stack.account,
        )
    )
    if known and (
        producer_stack.region != consumer_stack.region or producer_stack.account != consumer_stack.account
    ):
        return [
            Problem(
                field,
                f"{producer.node.path} ({producer_stack.account}/{producer_stack.region})",
                f"a shared bundle or trust store serves its own account and region only; this one is used in "
                f"{consumer_stack.account}/{consumer_stack.region} (trust stores and their S3 truststore objects "
                "are regional, the bundle bucket private to its account)",
                "create a CaBundle/MutualTlsTrustStore of the same trusted_cas in a stack of the consumer's "
                "account and region (CAs of other stacks and regions are read weakly there)",
            )
        ]
    return []


@dataclass(frozen=True)
class BundleLocation:
    """Where a :class:`CaBundle` is, as values valid in one stack (see :meth:`CaBundle.location_in`)."""

    bucket: s3.IBucket
    """The bundle's bucket (an import by name in another stack)."""
    key: str
    """The PEM bundle's object key (a literal)."""
    object_version: str
    """The bundle object's S3 version id."""
    revocation_keys: list[str]
    """The PEM CRLs' object keys, one per trusted CA (empty without revocation)."""


# Constructs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevocationObject:
    """A PEM CRL published next to the bundle. ``key`` names the CRL's content (a token of the bundle's
    ``RevocationGeneration`` attribute), so the object is referenced without an S3 version id
    (``S3ObjectVersion`` is optional in ``AWS::ElasticLoadBalancingV2::TrustStoreRevocation``)."""

    certificate_authority: acmpca.ICertificateAuthority
    key: str


def revocation_provider(scope: Construct) -> HandlerProvider:
    """The stack's asynchronous trust-bundle provider: it waits for the CRLs (see :data:`REVOCATION_WAIT`)."""
    stack = Stack.of(scope)
    id = "PkiConstructsTrustStoreBundleRevocationProvider"
    existing = stack.node.try_find_child(id)
    if isinstance(existing, HandlerProvider):
        return existing
    return HandlerProvider(
        stack,
        id,
        handler_name="trust_store_bundle",
        description="pki-constructs: publish CA bundles and wait for and publish PEM CRLs for trust stores",
        asynchronous=True,
        total_timeout=REVOCATION_WAIT,
        query_interval=REVOCATION_QUERY_INTERVAL,
    )


def issued_certificates(ca_arns: Sequence[str], stack: Stack) -> list[CfnElementWithCa]:
    """The certificates ``stack`` issues from the CAs ``ca_arns`` (as this stack references them; ACM private
    certificates, Private CA certificates): a new CA writes its first CRL only after it has issued one."""
    arns = {json_key(stack, arn) for arn in ca_arns}
    found: list[CfnElementWithCa] = []
    for node in stack.node.find_all():
        if isinstance(node, (acm.CfnCertificate, acmpca.CfnCertificate)) and Stack.of(node) is stack:
            arn = node.certificate_authority_arn
            if arn is not None and json_key(stack, arn) in arns:
                found.append(node)
    return found


CfnElementWithCa = acm.CfnCertificate | acmpca.CfnCertificate


def json_key(stack: Stack, value: object) -> str:
    return repr(stack.resolve(value))


@jsii.implements(IAspect)
class _AfterIssuedCertificates:
    """Make the bundle wait for this stack's certificates from its CAs (added last, once the tree is complete)."""

    def __init__(self, bundle: CaBundle) -> None:
        self.bundle = bundle

    def visit(self, node: IConstruct) -> None:
        if node is self.bundle.resource:
            stack = Stack.of(self.bundle)
            # A CA of this stack by its own ARN; one of another stack as this stack reads it (weakly).
            arns = [
                ca.certificate_authority_arn if Stack.of(ca) is stack else self.bundle.ca_arns[ca.node.path]
                for ca in self.bundle.trusted_cas
            ]
            for certificate in issued_certificates(arns, stack):
                self.bundle.resource.node.add_dependency(certificate)


class CaBundle(Construct):
    """A PEM bundle of our CAs' certificates (each with its chain), published to a private versioned bucket.

    The bundle is rewritten by a custom resource (``lambda/trust_store_bundle``) whenever the trusted CAs
    change; ``object_version`` is the object's S3 version, which trust stores and API Gateway truststores
    follow. With ``revocation=True`` each CA's CRL is also published as PEM: the custom resource then waits (up
    to :data:`REVOCATION_WAIT`) until AWS Private CA has written every CA's CRL, and depends on the certificates
    this stack issues from the trusted CAs, since a new CA writes its first CRL only after it has issued one —
    so a first deploy that creates the CAs, issues and checks revocation works without a second step.

    The custom resource runs only when its properties change, and a new CRL changes none of them: a plain
    redeploy after a revocation changes nothing. To publish the current CRLs, deploy with a new value of the
    context key ``pki-constructs:trustBundleRefresh`` (e.g. ``cdk deploy -c
    pki-constructs:trustBundleRefresh=$(date +%s)``); objects whose content did not change keep their
    version, so only a changed CRL replaces the trust store's revocation list.

    :param trusted_cas: the CAs whose (and whose chains') certificates go into the bundle. Every certificate
        in the bundle is trusted, the root included: clients of any CA below that root are accepted when
        they send their issuing CA's certificate, not only clients of ``trusted_cas``.
    :param revocation: also publish each CA's CRL, converted from DER to PEM. Default: - False
    :param bucket: a versioned bucket to write to. Default: - a new private, versioned bucket (SSL only,
        S3-managed encryption, public access blocked)
    :param removal_policy: of the new bucket. Default: - RETAIN (trust stores may still reference versions)
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trusted_cas: Sequence[acmpca.ICertificateAuthority],
        revocation: bool = False,
        bucket: s3.IBucket | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, id)
        cas = list(trusted_cas)
        raise_if_any(
            self,
            [
                *bundle_problems(cas),
                *account_problems(cas, Stack.of(self).account),
                *(revocation_problems(cas) if revocation else []),
            ],
        )
        for ca in cas:
            if ca_facts(ca).depth is None:
                note_skipped_rules(self, ca, {f"trust-store chains at most {MAX_CHAIN_DEPTH} deep": "depth"})
        self.trusted_cas = cas
        self.bucket = bucket or self._private_bucket(removal_policy)
        prefix = Names.unique_id(self)
        self.key = f"{prefix}/ca-bundle.pem"
        revocation_prefix = f"{prefix}/revocation/"
        self._revocation_prefix = revocation_prefix

        # Values of CAs in other stacks travel weakly (SSM), never as exports that would lock those stacks.
        arn_of = {ca.node.path: weak_ca_arn(ca, self) for ca in cas}
        self.ca_arns = arn_of
        provider = (
            revocation_provider(self)
            if revocation
            else HandlerProvider.of(
                self,
                handler_name="trust_store_bundle",
                description="pki-constructs: publish CA bundles and PEM CRLs for mutual TLS trust stores",
                asynchronous=False,
            )
        )
        provider.add_to_handler_policy(
            iam.PolicyStatement(
                actions=["acm-pca:GetCertificateAuthorityCertificate"],
                resources=[arn_of[ca.node.path] for ca in cas],
            )
        )
        own_keys = [self.key, *([f"{revocation_prefix}*"] if revocation else [])]
        provider.add_to_handler_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject"],
                resources=[self.bucket.arn_for_objects(key) for key in own_keys],
            )
        )
        # Without ListBucket, S3 answers 403 instead of 404 for a key that does not exist yet.
        provider.add_to_handler_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike" if revocation else "StringEquals": {"s3:prefix": own_keys}},
            )
        )
        revocation_entries = []
        for ca in cas if revocation else []:
            assert (
                isinstance(ca, CertificateAuthorityBase) and ca.crl_distribution is not None
            )  # checked above
            crl_path = (ca.crl.custom_path or "crl").strip("/")
            ca_id = Fn.select(1, Fn.split("/", arn_of[ca.node.path]))
            crl_bucket = weak_value(
                ca.crl_distribution,
                "BucketName",
                ca.crl_distribution.bucket.bucket_name,
                self,
                suffix="crl-bucket",
            )
            provider.add_to_handler_policy(
                iam.PolicyStatement(
                    actions=["s3:GetObject"],
                    resources=[
                        ca.crl_distribution.bucket.arn_for_objects(
                            Fn.join("", [crl_path, "/", ca_id, ".crl"])
                        )
                        if Stack.of(ca) is Stack.of(self)
                        else Fn.join(
                            "",
                            [
                                "arn:",
                                Stack.of(self).partition,
                                ":s3:::",
                                crl_bucket,
                                "/",
                                crl_path,
                                "/",
                                ca_id,
                                ".crl",
                            ],
                        )
                    ],
                )
            )
            revocation_entries.append(
                {
                    "CertificateAuthorityArn": arn_of[ca.node.path],
                    "CrlBucket": crl_bucket,
                    "CrlPath": crl_path,
                }
            )
        refresh = self.node.try_get_context(REFRESH_CONTEXT_KEY)
        self._warn_unversioned_cas(cas, refresh)
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type="Custom::PkiTrustBundle",
            properties={
                "CertificateAuthorityArns": [arn_of[ca.node.path] for ca in cas],
                # Changes whenever a CA (or a CA above it) gets a new certificate under the same ARN, so
                # CloudFormation sends an Update and the bundle is rebuilt on that deploy.
                "CaCertificateVersions": certificate_versions(cas, self),
                "Bucket": self.bucket.bucket_name,
                "BundleKey": self.key,
                "Revocation": revocation_entries,
                **({"RevocationKeyPrefix": revocation_prefix} if revocation else {}),
                **({"Refresh": str(refresh)} if refresh is not None else {}),
            },
        )
        record_trust_store(self)
        if isinstance(self.bucket, s3.Bucket) and self.bucket.policy is not None:
            self.resource.node.add_dependency(self.bucket.policy)  # SSL-only policy in place before writing
        self.object_version = self.resource.get_att_string("BundleVersionId")
        self.sha256 = self.resource.get_att_string("BundleSha256")
        self.revocation_objects: list[RevocationObject] = []
        if revocation:
            # One attribute however many CAs (issue 12.2): keys are <prefix><generation>/<i>.pem, built here as
            # the handler builds them (trust_store_bundle.revocation_key).
            generation = self.resource.get_att_string("RevocationGeneration")
            self.revocation_objects = [
                RevocationObject(ca, Fn.join("", [revocation_prefix, generation, f"/{index}.pem"]))
                for index, ca in enumerate(cas)
            ]
            Aspects.of(self).add(_AfterIssuedCertificates(self))
            self._acknowledge_generation_wildcard(provider, revocation_prefix)

    @property
    def s3_uri(self) -> str:
        return f"s3://{self.bucket.bucket_name}/{self.key}"

    @typed_method(creates_child=False)
    def location_in(self, scope: Construct, *, field: str = "bundle") -> BundleLocation:
        """The bundle's bucket, key, object version and CRL keys as values valid in ``scope``'s stack.

        Same stack: the bundle's own. Another stack of the same account and region: the bucket name, the object
        version and the CRLs' generation are read through SSM parameters this bundle's stack writes
        (``/pki-constructs/<path>/bundle-bucket`` …), never a CloudFormation export — an export of the object
        version could not change while a consumer imports it, so a changed CA certificate would block the
        bundle's own stack. The consumer's stack depends on this one and resolves the parameters afresh on each of
        its deploys (``AWS::SSM::Parameter::Value<String>``): ``cdk deploy --all`` rebuilds the bundle, then
        points the consumer at the new version (old versions stay in the versioned bucket meanwhile).

        :param scope: where the bundle is used.
        :param field: the prop named when the bundle may not be used there (another account or region).
            Default: - "bundle"
        """
        if Stack.of(scope) is Stack.of(self):
            return BundleLocation(
                self.bucket, self.key, self.object_version, [obj.key for obj in self.revocation_objects]
            )
        prefix = f"{Names.unique_id(scope)}{Names.unique_id(self)}"
        earlier = earlier_import(self, scope, f"{prefix}Bucket")
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]  # a second call for the same scope
        raise_if_any(scope, sharing_problems(self, scope, field=field))
        name = self.bucket.bucket_name
        # A bucket this app creates; a literal name (an import) needs no parameter.
        if Token.is_unresolved(name):
            name = weak_value(self, "BucketNameExport", name, scope, suffix="bundle-bucket")
        bucket = s3.Bucket.from_bucket_name(scope, f"{prefix}Bucket", name)
        version = weak_value(self, "VersionExport", self.object_version, scope, suffix="bundle-version")
        revocation_keys: list[str] = []
        if self.revocation_objects:
            generation = weak_value(
                self,
                "RevocationGenerationExport",
                self.resource.get_att_string("RevocationGeneration"),
                scope,
                suffix="revocation-generation",
            )
            revocation_keys = [
                Fn.join("", [self._revocation_prefix, generation, f"/{index}.pem"])
                for index in range(len(self.revocation_objects))
            ]
        return remember_import(  # type: ignore[no-any-return]
            self, scope, f"{prefix}Bucket", BundleLocation(bucket, self.key, version, revocation_keys)
        )

    def _warn_unversioned_cas(self, cas: list[acmpca.ICertificateAuthority], refresh: object) -> None:
        """A CA this app does not issue (imported, shared through RAM) and whose ``certificate_generation`` it was
        not told has no certificate version in the template: its renewed certificate changes no property, so only
        a new refresh value makes the handler re-read it."""
        unversioned = [
            ca.node.path
            for ca in cas
            if not isinstance(ca, CertificateAuthorityBase)
            and getattr(ca, "certificate_generation", None) is None
        ]
        if unversioned:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:trustBundleUnversionedCa",
                f"{', '.join(unversioned)}: this app does not issue these CA certificates and was not told their "
                "certificate_generation (from_certificate_authority_attributes), so a renewed one reaches "
                "the trust store only on a deploy with a new value of the context key "
                f"{REFRESH_CONTEXT_KEY} (`cdk deploy -c {REFRESH_CONTEXT_KEY}=$(date +%s)`) after the CA's "
                f"owner renews it{'' if refresh is None else f' (current value: {refresh})'}.",
            )

    def _acknowledge_generation_wildcard(self, provider: HandlerProvider, revocation_prefix: str) -> None:
        """The CRL objects' keys name their content, unknown at synth: the handler writes under the prefix."""
        if not isinstance(self.bucket, s3.Bucket):
            return
        stack = Stack.of(self)
        logical_id = stack.resolve(stack.get_logical_id(self.bucket.node.default_child))  # type: ignore[arg-type]
        Validations.of(provider).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{revocation_prefix}*]",
                reason="the PEM CRLs' keys are named by their content (SHA-256), known only when the handler "
                "reads the CRLs; the wildcard is limited to this bundle's revocation prefix",
            )
        )

    def _private_bucket(self, removal_policy: RemovalPolicy) -> s3.Bucket:
        return private_bucket(
            self,
            "Bucket",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            no_access_logs_reason="holds public CA certificates and CRLs written only by the pki-constructs bundle handler",
            versioned=True,
            removal_policy=removal_policy,
        )


class MutualTlsTrustStore(Construct):
    """An Elastic Load Balancing trust store holding our CAs, following the bundle's S3 object version.

    :resource: AWS::ElasticLoadBalancingV2::TrustStore

    :param trusted_cas: the CAs whose clients are accepted, and with them every CA below their roots (see
        :class:`CaBundle`); trust a root's subordinates only when you trust all of them. Only without
        ``bundle`` (a bundle brings its own CAs).
    :param revocation: attach each CA's CRL (as PEM) as a trust-store revocation list. Default: - False
    :param bundle: an existing bundle to use; one of another stack (same account and region) is read weakly
        (:meth:`CaBundle.location_in`). Default: - a new :class:`CaBundle` of ``trusted_cas``
    :param trust_store_name: Default: - generated by CloudFormation/CDK
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trusted_cas: Sequence[acmpca.ICertificateAuthority] = (),
        revocation: bool = False,
        bundle: CaBundle | None = None,
        trust_store_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems = []
        if bundle is not None and revocation and not bundle.revocation_objects:
            problems.append(
                Problem(
                    "revocation",
                    True,
                    "the given bundle publishes no CRLs",
                    "create the CaBundle with revocation=True",
                )
            )
        if bundle is not None and trusted_cas and list(trusted_cas) != bundle.trusted_cas:
            problems.append(
                Problem(
                    "trusted_cas",
                    [ca.node.path for ca in trusted_cas],
                    "the trust store holds the given bundle's CAs; these would be silently unused",
                    "drop trusted_cas, or pass them to the CaBundle",
                )
            )
        if bundle is not None:
            problems += sharing_problems(bundle, self, field="bundle")
        raise_if_any(self, problems)
        self.bundle = bundle or CaBundle(self, "Bundle", trusted_cas=trusted_cas, revocation=revocation)
        # A bundle of another stack is read weakly (CaBundle.location_in): no export to lock it.
        location = self.bundle.location_in(self)
        self.trust_store = elbv2.TrustStore(
            self,
            "Resource",
            bucket=location.bucket,
            key=location.key,
            version=location.object_version,
            trust_store_name=trust_store_name,
        )
        self.revocation: elbv2.TrustStoreRevocation | None = None
        if revocation:
            self.revocation = elbv2.TrustStoreRevocation(
                self,
                "Revocation",
                trust_store=self.trust_store,
                revocation_contents=[
                    elbv2.RevocationContent(
                        bucket=location.bucket,
                        key=key,
                        revocation_type=elbv2.RevocationType.CRL,
                    )
                    for key in location.revocation_keys
                ],
            )

    @property
    def trust_store_arn(self) -> str:
        return self.trust_store.trust_store_arn

    @typed_method(creates_child=False)
    def trust_store_in(self, scope: Construct, id: str = "TrustStore") -> elbv2.ITrustStore:
        """This trust store as an ``elbv2.ITrustStore`` usable in ``scope``'s stack, without a CloudFormation
        export (which would lock it: a replaced trust store could not deploy).

        Same stack: the trust store itself. Another stack of the same account and region:
        ``elbv2.TrustStore.from_trust_store_arn`` in ``scope``, its ARN read through the SSM parameter
        ``/pki-constructs/<path>/trust-store-arn`` (plus a stack dependency). A changed bundle updates the trust
        store in place (same ARN); a replaced one reaches the listener on its stack's next deploy. Another account
        or region is refused (:func:`sharing_problems`). ``MutualTls(trust_store=)`` calls it for you.

        :param scope: where the trust store is used (a listener's scope).
        :param id: the construct id of the import in ``scope``. Default: - "TrustStore"
        """
        if Stack.of(scope) is Stack.of(self):
            return self.trust_store
        earlier = earlier_import(self, scope, id)
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]  # a second call for the same scope and id
        raise_if_any(scope, sharing_problems(self, scope, field="trust_store"))
        arn = weak_value(self, "ArnExport", self.trust_store_arn, scope, suffix="trust-store-arn")
        return remember_import(self, scope, id, elbv2.TrustStore.from_trust_store_arn(scope, id, arn))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class MutualTls:
    """Mutual TLS for an HTTPS listener, trusting our CAs.

    :param trusted_cas: the CAs whose client certificates are accepted (verify mode). Their roots go into the
        trust store too, so clients of sibling CAs under the same root are accepted as well (see
        :class:`CaBundle`).
    :param mode: Default: - ``MutualTlsMode.VERIFY``
    :param revocation: check client certificates against the CAs' CRLs. Default: - False
    :param ignore_client_certificate_expiry: Default: - False (expired client certificates are refused)
    :param advertise_trust_store_ca_names: send the trusted CA names in the TLS handshake. Default: - False
    :param trust_store: share an existing trust store between listeners; one of another stack (same account and
        region) is read weakly (:meth:`MutualTlsTrustStore.trust_store_in`). Default: - a new
        :class:`MutualTlsTrustStore` per listener
    """

    trusted_cas: Sequence[acmpca.ICertificateAuthority] = ()
    mode: MutualTlsMode = MutualTlsMode.VERIFY
    revocation: bool = False
    ignore_client_certificate_expiry: bool = False
    advertise_trust_store_ca_names: bool = False
    trust_store: MutualTlsTrustStore | None = None

    def problems(self) -> list[Problem]:
        problems = mode_problems(self.mode, self.trusted_cas, self.revocation)
        if self.trust_store is not None:
            problems += shared_store_problems(self.mode, self.trusted_cas, self.revocation, self.trust_store)
        elif self.mode is MutualTlsMode.VERIFY:
            problems += bundle_problems(self.trusted_cas)
            if self.revocation:
                problems += revocation_problems(self.trusted_cas)
        return problems

    def bind(self, scope: Construct, id: str = "MutualTls") -> elbv2.MutualAuthentication:
        """The listener's ``mutual_authentication``, creating the trust store in ``scope`` when needed."""
        problems = self.problems()
        if self.trust_store is not None and self.mode is MutualTlsMode.VERIFY:
            problems += sharing_problems(self.trust_store, scope, field="trust_store")
        raise_if_any(scope, problems)
        if self.mode is MutualTlsMode.PASSTHROUGH:
            return elbv2.MutualAuthentication(
                mutual_authentication_mode=elbv2.MutualAuthenticationMode.PASS_THROUGH
            )
        trust_store = (
            # A shared trust store of another stack is read weakly (trust_store_in): no export to lock it.
            self.trust_store.trust_store_in(scope, f"{id}TrustStore")
            if self.trust_store is not None
            else MutualTlsTrustStore(
                scope, id, trusted_cas=self.trusted_cas, revocation=self.revocation
            ).trust_store
        )
        return elbv2.MutualAuthentication(
            mutual_authentication_mode=elbv2.MutualAuthenticationMode.VERIFY,
            trust_store=trust_store,
            ignore_client_certificate_expiry=self.ignore_client_certificate_expiry,
            advertise_trust_store_ca_names=self.advertise_trust_store_ca_names,
        )
