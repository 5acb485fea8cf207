"""ServiceCertificate: an ACM private certificate from one of our CAs, optionally exported to Secrets Manager.

ACM keeps the private key of a private certificate to itself unless the certificate is exported. Services
that terminate TLS themselves (containers, service meshes, mTLS clients) need the key; this construct
exports it with ``acm:ExportCertificate`` into a Secrets Manager secret encrypted with a customer-managed
KMS key, and re-exports after every ACM renewal, so that reading the secret is the one permission a service
needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import (
    Annotations,
    ArnFormat,
    CustomResource,
    Duration,
    Names,
    RemovalPolicy,
    Stack,
    Tags,
    Token,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from . import _arn
from .acm_certificate import AcmCertificateBase
from .algorithms import KeyAlgorithm, KeyFamily, UsageMode
from .ca_facts import ca_facts, ca_region, ca_region_problems, note_skipped_rules
from .certificate_exports import SECRET_TAG_VALUE_MAX, CertificateExports
from .cross_region import environment_problems, weak_ca, weak_value
from .domain_names import dedupe_names, names_problems
from .errors import Problem, raise_if_any
from .expiry_alarm import ExpiryAlarm
from .inputs import typed_props
from .method_inputs import typed_method
from .private_ca import CertificateAuthorityBase
from .ram_permission import RamPermission
from .review_metadata import record_certificate
from .sharing import shared_permission_problems

ACM_KEY_ALGORITHMS: dict[KeyAlgorithm, acm.KeyAlgorithm] = {
    KeyAlgorithm.RSA_2048: acm.KeyAlgorithm.RSA_2048,
    KeyAlgorithm.EC_PRIME256V1: acm.KeyAlgorithm.EC_PRIME256_V1,
    KeyAlgorithm.EC_SECP384R1: acm.KeyAlgorithm.EC_SECP384_R1,
}
"""The key algorithms ACM accepts in RequestCertificate (botocore acm model, ``KeyAlgorithm`` note)."""

CaLike = acmpca.ICertificateAuthority


# Pure rules -------------------------------------------------------------------------------------------


def default_key_algorithm(ca_key_algorithm: KeyAlgorithm | None) -> KeyAlgorithm:
    """RSA_2048 under an RSA CA (and when unknown), EC_prime256v1 under an EC CA."""
    if ca_key_algorithm is not None and ca_key_algorithm.family is KeyFamily.EC:
        return KeyAlgorithm.EC_PRIME256V1
    return KeyAlgorithm.RSA_2048


def key_algorithm_problems(
    key_algorithm: KeyAlgorithm, ca_key_algorithm: KeyAlgorithm | None
) -> list[Problem]:
    problems = []
    if key_algorithm not in ACM_KEY_ALGORITHMS:
        problems.append(
            Problem(
                "key_algorithm",
                key_algorithm.value,
                "ACM issues certificates with RSA_2048, EC_prime256v1 or EC_secp384r1 keys only",
                "pick one of KeyAlgorithm.RSA_2048, EC_PRIME256V1, EC_SECP384R1",
            )
        )
    if ca_key_algorithm is not None and ca_key_algorithm.family is not key_algorithm.family:
        problems.append(
            Problem(
                "key_algorithm",
                key_algorithm.value,
                f"ACM requires the certificate key family to match the CA's ({ca_key_algorithm.value}, "
                f"{ca_key_algorithm.family.value})",
                "use a key of the CA's family, or issue from a CA of the other family",
            )
        )
    return problems


def usage_mode_problems(usage_mode: UsageMode | None) -> list[Problem]:
    if usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE:
        return [
            Problem(
                "certificate_authority",
                usage_mode.value,
                "ACM cannot issue certificates from a short-lived-certificate CA",
                "issue from a GENERAL_PURPOSE CA, or let workloads call acm-pca:IssueCertificate "
                "through ca.grant_issue(role, CertificateTemplate.END_ENTITY_CLIENT_AUTH)",
            )
        ]
    return []


_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def secret_name_problems(secret_name: str) -> list[Problem]:
    """Secrets Manager names: 1-512 of ``A-Za-z0-9/_+=.@-``; at most 256 here (the name is an ACM tag value); a
    trailing ``-`` + 6 characters would look like the random ARN suffix and break the ``<name>-??????`` grants."""
    if isinstance(secret_name, str) and Token.is_unresolved(secret_name):
        return []
    if not isinstance(secret_name, str) or not _SECRET_NAME.match(secret_name):
        return [
            Problem(
                "secret_name",
                secret_name,
                "Secrets Manager names are 1-512 characters of letters, digits and /_+=.@-",
                "use e.g. 'services/orders/tls'",
            )
        ]
    if len(secret_name) > SECRET_TAG_VALUE_MAX:
        return [
            Problem(
                "secret_name",
                secret_name,
                f"the certificate names its secret in a tag, and ACM tag values are at most {SECRET_TAG_VALUE_MAX} "
                "characters",
                f"use a name of at most {SECRET_TAG_VALUE_MAX} characters",
            )
        ]
    if re.search(r"-[A-Za-z0-9]{6}$", secret_name):
        return [
            Problem(
                "secret_name",
                secret_name,
                "a name ending in '-' and six characters is mistaken for the ARN's random suffix",
                "end the name differently, e.g. 'services/orders/tls'",
            )
        ]
    return []


# The construct ----------------------------------------------------------------------------------------


class ServiceCertificate(AcmCertificateBase):
    """An ACM private certificate for a service's DNS names, issued and renewed from one of our CAs.

    It *is* an ``acm.ICertificate``: pass it to load balancers (``CertifiedAlb``, ``elbv2`` listeners) and to
    every certificate prop of this library; to aws-cdk-lib in another stack, hand :meth:`certificate_in` (the
    certificate itself would be exported, which locks it; synth refuses).

    The certificate refers to the CA's activated ARN, so it is requested only once the CA is active. With
    ``export=True`` the certificate, its chain, its private key (PKCS#8, encrypted with a random passphrase)
    and the passphrase are written as JSON to a Secrets Manager secret encrypted with a customer-managed KMS
    key, and written again whenever ACM renews the certificate (ACM EventBridge events plus a daily check),
    so the secret never holds an expired certificate. Give a service access with :meth:`grant_read`.

    Exports share one mechanism per stack (:class:`~pki_constructs.certificate_exports.CertificateExports`:
    one key, one custom resource, one renewal function, one event rule, one schedule): an extra exported
    certificate adds one CloudFormation resource, its ACM certificate. The secret is created, re-exported and
    deleted by the export handler, not by CloudFormation; ``secret`` is an import of it by name.

    Secret JSON keys: ``certificate``, ``certificate_chain``, ``private_key``, ``passphrase``,
    ``certificate_arn``, ``serial``, ``not_after``.

    :resource: AWS::CertificateManager::Certificate

    :param certificate_authority: the issuing CA: a ``RootCa``/``SubordinateCa`` of this library (its rules
        are checked), or any ``aws_acmpca.ICertificateAuthority``.
    :param domain_name: the service's DNS name (the certificate's CN).
    :param subject_alternative_names: further DNS names. Default: - only ``domain_name``
    :param key_algorithm: RSA_2048, EC_PRIME256V1 or EC_SECP384R1, of the CA's key family.
        Default: - RSA_2048 under an RSA CA, EC_PRIME256V1 under an EC CA
    :param export: export the certificate and key to Secrets Manager. Default: - False (the key stays in
        ACM, usable only by integrated services such as load balancers)
    :param secret_encryption_key: this certificate's own customer-managed key for its secret. Default: - the
        stack's shared export key (yearly rotation, retained; only with ``export=True``)
    :param secret_name: at most 256 characters. Default: - ``pki-constructs/<unique name of this construct>``
    :param removal_policy: for the secret: ``RETAIN`` (or ``RETAIN_ON_UPDATE_OR_DELETE``) keeps it when the
        certificate leaves the stack or the stack is deleted; otherwise the handler deletes it with a 7-day
        recovery window. The shared key is always retained (its deletion would make every secret version
        encrypted with it unreadable). Default: - DESTROY (ACM keeps the certificate; a new deploy re-exports)
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority: CaLike,
        domain_name: str,
        subject_alternative_names: Sequence[str] | None = None,
        key_algorithm: KeyAlgorithm | None = None,
        export: bool = False,
        secret_encryption_key: kms.IKey | None = None,
        secret_name: str | None = None,
        removal_policy: RemovalPolicy | None = None,
    ) -> None:
        super().__init__(scope, id)
        ca = certificate_authority if isinstance(certificate_authority, CertificateAuthorityBase) else None
        facts = ca_facts(certificate_authority)
        ca_key = facts.key_algorithm
        self.key_algorithm = key_algorithm or default_key_algorithm(ca_key)
        sans = dedupe_names(subject_alternative_names or [])
        problems = [
            *names_problems(domain_name, sans),
            *key_algorithm_problems(self.key_algorithm, ca_key),
            *usage_mode_problems(facts.usage_mode),
            # A CA shared with this account (RAM): ACM requests need the end-entity permission.
            *shared_permission_problems(facts, field="certificate_authority", needs=RamPermission.END_ENTITY),
            *ca_region_problems(
                ca_region(certificate_authority), region=Stack.of(self).region, field="certificate_authority"
            ),
        ]
        if not export and secret_encryption_key is not None:
            problems.append(
                Problem(
                    "secret_encryption_key",
                    "set",
                    "a secret key without export=True would encrypt nothing",
                    "set export=True, or drop secret_encryption_key",
                )
            )
        if secret_name is not None:
            problems += secret_name_problems(secret_name)
        if not export and secret_name is not None:
            problems.append(
                Problem(
                    "secret_name", secret_name, "there is no secret without export=True", "set export=True"
                )
            )
        raise_if_any(self, problems)
        note_skipped_rules(
            self,
            certificate_authority,
            {
                rule: fact
                for rule, fact, value in [
                    ("key algorithm of the CA's key family", "key_algorithm", facts.key_algorithm),
                    ("ACM cannot issue from a short-lived-certificate CA", "usage_mode", facts.usage_mode),
                ]
                if value is None
            },
        )
        if ca is not None:
            self._warn(ca)

        self.certificate_authority = certificate_authority
        self.domain_name = domain_name
        self._resource = acm.PrivateCertificate(
            self,
            "Resource",
            certificate_authority=weak_ca(
                certificate_authority, self, field="certificate_authority"
            ),  # a CA of another stack: never an export
            domain_name=domain_name,
            subject_alternative_names=sans or None,
            key_algorithm=ACM_KEY_ALGORITHMS[self.key_algorithm],
        )
        record_certificate(self)
        if ca is not None and ca.acm_permission is not None:
            # Issuance needs only the caller's rights; renewal needs ACM's own permission on the CA.
            self._resource.node.add_dependency(ca.acm_permission)

        self._secret: secretsmanager.ISecret | None = None
        self.encryption_key: kms.IKey | None = None
        self.export_resource: CustomResource | None = None
        self.secret_name: str | None = None
        if export:
            self._export(secret_encryption_key, secret_name, removal_policy)

    @typed_method(creates_child=True)
    def add_expiry_alarm(
        self,
        id: str = "ExpiryAlarm",
        *,
        threshold: Duration | None = None,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
    ) -> ExpiryAlarm:
        """Alarm on this certificate's ``DaysToExpiry`` (an ``ExpiryAlarm`` placed under this construct).
        See ``pki_constructs.expiry_alarm.ExpiryAlarm`` for the props. Default threshold: - 30 days (half of
        ACM's 60-day renewal window for 395-day private certificates)"""
        return ExpiryAlarm(
            self, id, certificate=self, threshold=threshold, topic=topic, create_topic=create_topic
        )

    @property
    def secret(self) -> secretsmanager.ISecret | None:
        """The exported secret, imported by name (the export handler creates and owns it; no resource), or
        None without ``export=True``. Made on first use: most services need only :meth:`grant_read`."""
        if self._secret is None and self.secret_name is not None:
            self._secret = secretsmanager.Secret.from_secret_name_v2(self, "Secret", self.secret_name)
        return self._secret

    @property
    def secret_arn_pattern(self) -> str:
        """The secret's ARN with its random suffix as ``??????``: stays right if the secret is recreated."""
        if self.secret_name is None:
            raise_if_any(self, [_no_export_problem("secret_arn_pattern")])
        return Stack.of(self).format_arn(
            service="secretsmanager",
            resource="secret",
            resource_name=f"{self.secret_name}-??????",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )

    @typed_method(creates_child=False)
    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the exported certificate: ``secretsmanager:GetSecretValue`` and
        ``DescribeSecret`` on exactly this secret, and ``kms:Decrypt`` on exactly its key, only through
        Secrets Manager in this region (``kms:ViaService``) and only for this secret (Secrets Manager's
        encryption context ``SecretARN``; the key may be shared by the stack's other exports).

        A grantee of another stack of the same account (a task role of the service's stack) is granted there with
        the key's ARN read through the SSM parameter ``/pki-constructs/<path>/encryption-key-arn`` (never a
        CloudFormation export, which would lock the key); the secret's ARN pattern has no cross-stack reference.
        A grantee of another account is refused on ``grantee``: the secret and key have no resource policy for it.
        """
        if self.encryption_key is None:
            raise_if_any(self, [_no_export_problem("grant_read")])
        assert self.encryption_key is not None
        key_arn = self.encryption_key.key_arn
        principal = grantee.grant_principal
        consumer = principal if isinstance(principal, Construct) else grantee
        if isinstance(consumer, Construct) and Stack.of(consumer) is not Stack.of(self):
            producer, consumer_stack = Stack.of(self), Stack.of(consumer)
            problems = environment_problems(
                producer, consumer_stack, field="grantee", shown=consumer.node.path
            )
            if (
                _arn.is_literal(producer.account)
                and _arn.is_literal(consumer_stack.account)
                and producer.account != consumer_stack.account
            ):
                problems.append(
                    Problem(
                        "grantee",
                        f"{consumer.node.path} (account {consumer_stack.account})",
                        f"the exported secret and its KMS key are read only in their own account "
                        f"({producer.account}): neither has a resource policy for another account",
                        f"grant a role of account {producer.account} (one the other account may assume), or "
                        f"issue the certificate in account {consumer_stack.account} from the shared CA",
                    )
                )
            raise_if_any(self, problems)
            key_arn = weak_value(self, "KeyArnExport", key_arn, consumer, suffix="encryption-key-arn")
        secret = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            resource_arns=[self.secret_arn_pattern],
        )
        decrypt = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["kms:Decrypt"],
            resource_arns=[key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": self._secrets_manager_endpoint()},
                "StringLike": {"kms:EncryptionContext:SecretARN": self.secret_arn_pattern},
            },
        )
        return secret.combine(decrypt)

    # Internals --------------------------------------------------------------------------------------------

    def _warn(self, ca: CertificateAuthorityBase) -> None:
        annotations = Annotations.of(self)
        if ca.acm_permission is None:
            annotations.add_warning_v2(
                "pki-constructs:noAcmRenewalPermission",
                "The CA grants acm.amazonaws.com no permission: ACM will issue this certificate but fail to renew "
                "it. Leave acm_renewal_permission at its default on the CA.",
            )
        # A root issuer: warned by the one app-wide rule for every ACM certificate (acm_issuance.py).

    def _export(
        self, key: kms.IKey | None, secret_name: str | None, removal_policy: RemovalPolicy | None
    ) -> None:
        exports = CertificateExports.of(self)
        unique = Names.unique_resource_name(self, max_length=180) if secret_name is None else None
        self.secret_name = secret_name or f"pki-constructs/{unique}"
        self.encryption_key = exports.add(
            self,
            entry_id=unique,
            certificate_arn=self.certificate_arn,
            secret_name=self.secret_name,
            key=key,
            retain=removal_policy in (RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE),
        )
        # The certificate names its secret (and a key of its own): the stack's renewal function finds it by
        # these tags. Tags.of costs fewer calls into jsii per certificate than the L1's tag manager.
        tags = Tags.of(self._resource)
        for key_name, value in exports.tags_for(
            secret_name=self.secret_name, key=self.encryption_key
        ).items():
            tags.add(key_name, value)
        self.export_resource = exports.resource

    def _secrets_manager_endpoint(self) -> str:
        stack = Stack.of(self)
        return f"secretsmanager.{stack.region}.{stack.url_suffix}"


def _no_export_problem(what: str) -> Problem:
    return Problem(
        "export",
        False,
        f"{what} needs the exported secret",
        "create the ServiceCertificate with export=True",
    )
