"""Many member accounts: one member-account stack, stamped into every account of chosen OUs by a
service-managed CloudFormation StackSet.

The member stack requests an ACM private certificate from the CA the PKI account shares with the
organization (``ca.share(..., principals=[<organization or OU ARN>])``) and watches its expiry. It is
synthesized once, in its own ``Stage`` with the bootstrapless synthesizer (StackSet instances deploy into
accounts that need no CDK bootstrap, so the template has no assets and no bootstrap-version rule), and its
template becomes the ``TemplateBody`` of an ``AWS::CloudFormation::StackSet`` with
``PermissionModel: SERVICE_MANAGED`` and automatic deployment: every account that joins the OUs gets an
instance; one that leaves has it removed. The StackSet is created in the organization's management account
or a delegated administrator account (AWS CloudFormation User Guide, "Create a stack set with service-managed
permissions"), in any region; its instances go to the shared CA's region only (a shared CA is used there).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import Annotations
from aws_cdk import aws_cloudformation as cloudformation
from constructs import Construct

from pki_constructs import (
    ExpiryAlarm,
    PkiValidationError,
    RamPermission,
    ServiceCertificate,
    SubordinateCa,
)
from pki_constructs.ca_facts import CaFacts
from pki_constructs.errors import Problem
from pki_constructs.sharing import shared_region_problems

from .config import ReferenceConfig

MEMBER_STACK_NAME = "PkiMemberCertificates"
ORGANIZATIONAL_UNIT_ID = re.compile(r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$")
"""A StackSet target: an OU id or the root id (botocore cloudformation model, ``OrganizationalUnitId``; the
organizations model spells the same ``ou-``/``r-`` shapes for ``ParentId``)."""
SHARED_PERMISSIONS = (RamPermission.END_ENTITY,)


class MemberCertificateStack(cdk.Stack):
    """What each member account gets: an ACM private certificate from the shared CA, and its expiry alarm.

    :param certificate_authority_arn: the shared CA's ARN (a literal: the same in every account).
    :param domain_name: the certificate's name (the same in every account in this example).
    """

    def __init__(
        self, scope: Construct, id: str, *, certificate_authority_arn: str, domain_name: str, **kwargs: Any
    ) -> None:
        super().__init__(scope, id, synthesizer=cdk.BootstraplessSynthesizer(), **kwargs)
        ca = SubordinateCa.from_certificate_authority_attributes(
            self,
            "SharedCa",
            certificate_authority_arn=certificate_authority_arn,
            shared_permissions=list(SHARED_PERMISSIONS),
        )
        self.certificate = ServiceCertificate(
            self, "Certificate", certificate_authority=ca, domain_name=domain_name
        )
        ExpiryAlarm(self, "CertificateExpiry", certificate=self.certificate, create_topic=True)


class MemberStackSet(Construct):
    """A service-managed StackSet that deploys one :class:`MemberCertificateStack` template into every account
    of ``organizational_unit_ids``, in the shared CA's region.

    :param certificate_authority_arn: the shared CA's ARN (literal).
    :param organizational_unit_ids: the OUs whose accounts get the stack (``ou-…`` or the root ``r-…``).
    :param regions: where the instances go. Default: - the shared CA's region (the only one allowed)
    :param domain_name: the certificate's name in every account.
    :param delegated_admin: the StackSet is created from a delegated administrator account, not the
        organization's management account (``CallAs: DELEGATED_ADMIN``; values from the botocore cloudformation
        model). Default: - False (``SELF``)
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority_arn: str,
        organizational_unit_ids: Sequence[str],
        domain_name: str,
        regions: Sequence[str] | None = None,
        delegated_admin: bool = False,
    ) -> None:
        super().__init__(scope, id)
        parts = certificate_authority_arn.split(":")
        instance_regions = list(regions or ([parts[3]] if len(parts) > 3 else []))
        facts = CaFacts(
            certificate_authority_arn=certificate_authority_arn, shared_permissions=SHARED_PERMISSIONS
        )
        problems = [
            problem
            for region in instance_regions
            for problem in shared_region_problems(facts, field="regions", region=region)
        ]
        if not instance_regions:
            problems.append(
                Problem(
                    "certificate_authority_arn",
                    certificate_authority_arn,
                    "not a CA ARN",
                    "pass the CA's ARN",
                )
            )
        if not organizational_unit_ids:
            problems.append(
                Problem("organizational_unit_ids", [], "a StackSet needs targets", "name the OUs")
            )
        malformed = [
            ou
            for ou in organizational_unit_ids
            if not (isinstance(ou, str) and ORGANIZATIONAL_UNIT_ID.match(ou))
        ]
        if malformed:
            problems.append(
                Problem(
                    "organizational_unit_ids",
                    malformed,
                    "StackSet targets are OU ids (ou-<4-32 of a-z0-9>-<8-32 of a-z0-9>) or the root id (r-<4-32>)",
                    "copy them from `aws organizations list-organizational-units-for-parent` / `list-roots`",
                )
            )
        if problems:
            raise PkiValidationError(self.node.path, problems)
        # One template, synthesized once in its own stage; every account and region reuses it.
        self.stage = cdk.Stage(self, "MemberStage")
        self.member_stack = MemberCertificateStack(
            self.stage,
            MEMBER_STACK_NAME,
            certificate_authority_arn=certificate_authority_arn,
            domain_name=domain_name,
        )
        self.template = self.stage.synth().get_stack_by_name(self.member_stack.stack_name).template
        self.stack_set = cloudformation.CfnStackSet(
            self,
            "Resource",
            stack_set_name=MEMBER_STACK_NAME,
            permission_model="SERVICE_MANAGED",
            call_as="DELEGATED_ADMIN" if delegated_admin else "SELF",
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(
                enabled=True, retain_stacks_on_account_removal=False
            ),
            capabilities=["CAPABILITY_IAM"],
            managed_execution={"Active": True},
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                failure_tolerance_percentage=10,
                max_concurrent_percentage=25,
                region_concurrency_type="PARALLEL",
            ),
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(organizational_unit_ids)
                    ),
                    regions=instance_regions,
                )
            ],
            template_body=json.dumps(self.template, sort_keys=True),
            description="pki-constructs: ACM private certificates from the shared CA in every member account",
        )
        # The share is the CA owner's to make: a StackSet reaching accounts the CA is not shared with deploys
        # certificates that fail (RequestCertificate is refused) in every one of them.
        Annotations.of(self).add_warning_v2(
            "pki-constructs:stackSetShare",
            f"Every account of {', '.join(organizational_unit_ids)} requests a certificate from "
            f"{certificate_authority_arn}: share that CA with the same OUs in its owner's app "
            "(ca.share('Members', principals=['arn:<partition>:organizations::<management account>:ou/o-…/ou-…'] "
            "or the organization's ARN for a root id)) before the StackSet deploys; a share naming only some "
            "accounts leaves the others' certificates failing. Acknowledge this warning once the share exists.",
        )
        body = self.stack_set.template_body or ""
        Annotations.of(self).add_info(
            f"[pki-constructs:stackSet] one member template (sha256 {hashlib.sha256(body.encode()).hexdigest()[:12]}, "
            f"{len(self.template.get('Resources', {}))} resources) for every account of "
            f"{', '.join(organizational_unit_ids)} in {', '.join(instance_regions)}"
        )


class MemberStackSetStack(cdk.Stack):
    """Holds the :class:`MemberStackSet` of the reference app (context ``pki-reference.memberStackSet``)."""

    def __init__(self, scope: Construct, id: str, *, config: ReferenceConfig, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        settings = config.member_stack_set
        assert settings is not None
        self.member_stack_set = MemberStackSet(
            self,
            "MemberCertificates",
            certificate_authority_arn=settings.certificate_authority_arn,
            organizational_unit_ids=settings.organizational_unit_ids,
            domain_name=f"service.internal.{config.domain_name}",
            delegated_admin=settings.delegated_admin,
        )
