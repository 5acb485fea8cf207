"""CertificateExports: the one mechanism per stack that exports ACM private certificates to Secrets Manager
and re-exports them when ACM renews them.

Every exported :class:`~pki_constructs.ServiceCertificate` of a stack shares it, so an extra exported
certificate adds one CloudFormation resource (its ``AWS::CertificateManager::Certificate``) and no rule,
permission, key or policy statement; 250 exported certificates fit in one stack (CloudFormation: 500 resources
per stack; EventBridge: 300 rules per bus by default).

What the stack gets once:

- a KMS key (yearly rotation, retained) that encrypts the secrets of every certificate without its own key;
- one ``Custom::PkiCertificateExports`` resource whose properties are the manifest (certificate ARN, secret
  name, key, retention per certificate). Its handler (``pki_handlers.cert_export.on_event``) creates each secret,
  tagged with this stack's scope, exports into it, and deletes the secrets of certificates that left the stack;
- one renewal function (``pki_handlers.cert_export.handler``) behind one EventBridge rule for ACM's
  "ACM Certificate Available" and "ACM Certificate Approaching Expiration" events (the certificate ARN is the
  event's ``resources[0]``; ACM user guide, "Amazon EventBridge support for ACM") and one daily schedule.
  It finds its certificates by their tags: ``pki-constructs:export-scope`` (this stack's name) and the tags
  naming each certificate's secret and key, set on the certificate by the stack.

IAM, least privilege without per-certificate statements (exact ARNs of 250 certificates and secrets would not
fit in IAM's 10,240-character limit for a role's inline policies):

- ``acm:DescribeCertificate``/``ExportCertificate``/``GetCertificate`` on this account's and region's
  certificates only when tagged with this stack's scope (``aws:ResourceTag``; the ACM ``certificate``
  resource type supports it: Service Authorization Reference, as cfn-lint's Policies.json records it);
- ``acm:ListTagsForCertificate`` on this account's and region's certificates (tags only: the renewal function
  must read them to tell this stack's certificates from others in ACM's account-wide events);
- Secrets Manager writes only on secrets tagged with this stack's scope, creation only with that tag in the
  request (``aws:RequestTag``/``aws:TagKeys``), ``DescribeSecret`` (metadata) on this account's secrets so a
  missing secret reads as missing rather than denied;
- ``kms:GenerateDataKey``/``Decrypt`` on exactly the keys in use, only through Secrets Manager;
- ``tag:GetResources`` on ``*`` for the daily check (the Tagging API has no resource-level permissions).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import (
    Acknowledgment,
    Aws,
    CfnResource,
    CustomResource,
    Duration,
    Names,
    RemovalPolicy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from ._provider import HandlerProvider, async_handler_function
from .app_checks import claim_name

SCOPE_TAG = "pki-constructs:export-scope"
"""On each exported certificate and its secret: the name of the stack whose export mechanism owns them."""
SECRET_TAG = "pki-constructs:export-secret"
"""On each exported certificate: the name of its secret."""
KEY_TAG = "pki-constructs:export-kms-key"
"""On an exported certificate with a key of its own: that key's ARN (absent: the stack's shared key)."""
CERTIFICATE_TAG = "pki-constructs:certificate-arn"
"""On each secret the handler creates: the certificate it holds (informational)."""
RENEWAL_EVENTS = ["ACM Certificate Available", "ACM Certificate Approaching Expiration"]
"""ACM EventBridge detail types after which the export is checked (re-exported when the serial changed)."""
SECRET_TAG_VALUE_MAX = 256
"""ACM tag values are at most 256 characters (botocore acm model, ``TagValue``)."""


class CertificateExports(Construct):
    """The stack's export mechanism; get it with :meth:`of` (created on first use)."""

    ID = "PkiConstructsCertificateExports"

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.scope_id: str = Aws.STACK_NAME
        """The value of every ``pki-constructs:export-scope`` tag this stack sets: the stack's name, unique in
        its account and Region (a stack deleted and created again within a secret's 7-day recovery window finds
        its secrets again)."""
        self.key = kms.Key(
            self,
            "Key",
            description="pki-constructs: encrypts the certificates and private keys this stack exports to "
            "Secrets Manager",
            enable_key_rotation=True,
            # Deleting the key would make every secret version encrypted with it unreadable.
            removal_policy=RemovalPolicy.RETAIN,
            # No account-wide kms:* (issue 13.4, CT.KMS.PR.3): the account administers the key and its principals
            # use it only through Secrets Manager in this account, as the handler and grant_read do.
            policy=iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        sid="UseThroughSecretsManagerOfThisAccount",
                        principals=[iam.AccountRootPrincipal()],
                        actions=[
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:CreateGrant",
                            "kms:DescribeKey",
                        ],
                        resources=["*"],
                        conditions={
                            "StringEquals": {
                                "kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}",
                                "kms:CallerAccount": stack.account,
                            }
                        },
                    )
                ]
            ),
        )
        self.key.grant_admin(iam.AccountRootPrincipal())
        self._count = 0
        self.key_arn: str = self.key.key_arn
        """The shared key's ARN (a token; read once, each read is a call into jsii)."""
        self._key_arns: list[str] = []

        self.provider = HandlerProvider.of(
            self,
            handler_name="cert_export",
            description="pki-constructs: export ACM private certificates to Secrets Manager",
            asynchronous=False,
        )
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=self.provider.service_token,
            resource_type="Custom::PkiCertificateExports",
            properties={
                "Scope": self.scope_id,
                "KmsKeyArn": self.key_arn,
                # One entry per certificate, keyed by the certificate construct's unique id (see add).
                "Exports": {},
            },
        )
        cfn = self.resource.node.default_child
        assert isinstance(cfn, CfnResource)
        self._cfn: CfnResource = cfn
        self.renewal_function: lambda_.Function
        # Retries, a dead-letter queue and alarms (._failures), like every asynchronous handler. 15 minutes
        # (Lambda's maximum) rather than the 5 of a single-certificate handler: the daily check walks every
        # certificate of the stack, up to hundreds, eight at a time.
        self.renewal_function, self.failures = async_handler_function(
            self,
            "Renewal",
            handler_name="cert_export",
            entry_point="handler",
            description="pki-constructs: re-export renewed ACM private certificates to Secrets Manager",
            timeout=Duration.minutes(15),
            environment={"EXPORT_SCOPE": self.scope_id, "EXPORT_KMS_KEY_ARN": self.key_arn},
        )
        self._kms_statement = iam.PolicyStatement(
            actions=["kms:GenerateDataKey", "kms:Decrypt"],
            resources=[self.key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"}
            },
        )
        self._key_arns.append(self.key_arn)
        for statement in [*self._common_statements(), self._kms_statement]:
            self.provider.add_to_handler_policy(statement)
            self.renewal_function.add_to_role_policy(statement)
        self.provider.add_to_handler_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:DeleteSecret"],
                resources=[self._arn("secretsmanager", "secret", "*")],
                conditions={"StringEquals": {f"aws:ResourceTag/{SCOPE_TAG}": self.scope_id}},
            )
        )
        self.renewal_function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["acm:ListTagsForCertificate"], resources=[self._arn("acm", "certificate", "*")]
            )
        )
        self.renewal_function.add_to_role_policy(
            # The Resource Groups Tagging API has no resource-level permissions (Service Authorization Reference).
            iam.PolicyStatement(actions=["tag:GetResources"], resources=["*"])
        )
        self._rules()
        self._acknowledge()

    @classmethod
    def of(cls, scope: Construct) -> CertificateExports:
        """The stack's export mechanism, created on first use."""
        stack = Stack.of(scope)
        # jsii hands back the same Python object for a stack, so the mechanism rides on it: no tree lookup
        # (two calls into jsii) per exported certificate.
        existing = getattr(stack, "_pki_certificate_exports", None)
        if isinstance(existing, CertificateExports):
            return existing
        found = stack.node.try_find_child(cls.ID)
        exports = found if isinstance(found, CertificateExports) else cls(stack, cls.ID)
        stack._pki_certificate_exports = exports  # type: ignore[attr-defined]
        return exports

    def add(
        self,
        certificate: Construct,
        *,
        entry_id: str | None,
        certificate_arn: str,
        secret_name: str,
        key: kms.IKey | None,
        retain: bool,
    ) -> kms.IKey:
        """Export ``certificate_arn`` into ``secret_name`` (encrypted with ``key``, default the shared key);
        return the key used. The certificate must carry :meth:`tags_for` as its tags.

        ``entry_id``: the manifest key of this certificate, letters and digits, unique in the stack. Default: -
        the certificate construct's unique id"""
        entry: dict[str, Any] = {"CertificateArn": certificate_arn, "SecretName": secret_name}
        if key is not None and key is not self.key:
            entry["KmsKeyArn"] = key.key_arn
            if not any(Token.as_string(k) == Token.as_string(key.key_arn) for k in self._key_arns):
                self._key_arns.append(key.key_arn)
                self._kms_statement.add_resources(key.key_arn)
        if retain:
            entry["Retain"] = "true"
        # A map entry per certificate (a property override per call keeps synth linear in the certificates).
        self._cfn.add_property_override(f"Exports.{entry_id or Names.unique_id(certificate)}", entry)
        # The handler creates the secret: the app-wide check of names (one per account and region) must see it.
        claim_name(certificate, "secret name", secret_name, field="secret_name")
        self._count += 1
        return key or self.key

    def tags_for(self, *, secret_name: str, key: kms.IKey) -> dict[str, str]:
        """The tags that make a certificate findable by the renewal function. The key is named only when it
        is not the shared one (the function knows that one from ``EXPORT_KMS_KEY_ARN``)."""
        tags = {SCOPE_TAG: self.scope_id, SECRET_TAG: secret_name}
        if key is not self.key:
            tags[KEY_TAG] = key.key_arn
        return tags

    @property
    def count(self) -> int:
        """How many certificates this stack exports."""
        return self._count

    # Internals --------------------------------------------------------------------------------------------

    def _arn(self, service: str, resource: str, name: str) -> str:
        stack = Stack.of(self)
        separator = ":" if service == "secretsmanager" else "/"
        return f"arn:{stack.partition}:{service}:{stack.region}:{stack.account}:{resource}{separator}{name}"

    def _common_statements(self) -> list[iam.PolicyStatement]:
        scoped = {"StringEquals": {f"aws:ResourceTag/{SCOPE_TAG}": self.scope_id}}
        return [
            iam.PolicyStatement(
                actions=["acm:DescribeCertificate", "acm:ExportCertificate", "acm:GetCertificate"],
                resources=[self._arn("acm", "certificate", "*")],
                conditions=scoped,
            ),
            iam.PolicyStatement(
                # Metadata only: lets the handler tell a missing secret (create it) from another owner's.
                actions=["secretsmanager:DescribeSecret"],
                resources=[self._arn("secretsmanager", "secret", "*")],
            ),
            iam.PolicyStatement(
                actions=[
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                    "secretsmanager:RestoreSecret",
                    "secretsmanager:UpdateSecret",
                ],
                resources=[self._arn("secretsmanager", "secret", "*")],
                conditions=scoped,
            ),
            iam.PolicyStatement(
                # CreateSecret with Tags also needs TagResource (Secrets Manager API reference, CreateSecret).
                actions=["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
                resources=[self._arn("secretsmanager", "secret", "*")],
                conditions={
                    "StringEquals": {f"aws:RequestTag/{SCOPE_TAG}": self.scope_id},
                    "ForAllValues:StringEquals": {"aws:TagKeys": [SCOPE_TAG, CERTIFICATE_TAG]},
                },
            ),
        ]

    def _rules(self) -> None:
        function = self.renewal_function
        events.Rule(
            self,
            "RenewalEvents",
            description="pki-constructs: re-export this stack's certificates when ACM renews them",
            event_pattern=events.EventPattern(source=["aws.acm"], detail_type=RENEWAL_EVENTS),
            targets=[
                targets.LambdaFunction(
                    function,
                    retry_attempts=4,
                    max_event_age=Duration.hours(6),
                    dead_letter_queue=self.failures.queue,
                )
            ],
        )
        events.Rule(
            self,
            "DailyCheck",
            description="pki-constructs: daily check that every exported certificate is ACM's current one",
            schedule=events.Schedule.rate(Duration.days(1)),
            targets=[
                targets.LambdaFunction(function, retry_attempts=4, dead_letter_queue=self.failures.queue)
            ],
        )

    def _acknowledge(self) -> None:
        """cdk-nag 3 reports each wildcard resource as its own finding; name each, with its reason."""
        tagged = (
            "tag-conditioned ABAC: only certificates/secrets tagged with this stack's export scope "
            "(aws:ResourceTag); exact ARNs of every exported certificate and secret would outgrow IAM's "
            "inline policy size limit"
        )
        certificates = self._nag_resource(self._arn("acm", "certificate", "*"))
        secrets = self._nag_resource(self._arn("secretsmanager", "secret", "*"))
        both = [
            Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{certificates}]", reason=tagged),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{secrets}]",
                reason=f"{tagged}; DescribeSecret (metadata) is unconditioned so that a missing secret reads as "
                "missing rather than denied",
            ),
        ]
        Validations.of(self.provider).acknowledge(*both)
        Validations.of(self).acknowledge(
            *both,
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="tag:GetResources (the daily check's lookup of this stack's certificates by tag) has no "
                "resource-level permissions",
            ),
        )

    def _nag_resource(self, arn: str) -> str:
        """An ARN as cdk-nag prints it in a finding id: pseudo parameters as ``<AWS::Region>``."""
        resolved = Stack.of(self).resolve(arn)
        if isinstance(resolved, str):
            return resolved
        parts = resolved["Fn::Join"][1]
        return "".join(p if isinstance(p, str) else f"<{p['Ref']}>" for p in parts)
