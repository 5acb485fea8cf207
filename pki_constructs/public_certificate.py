"""PublicCertificate: a DNS-validated public ACM certificate whose names are checked at synth, and the
helpers that let any certificate be used from another stack or region without a CloudFormation export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct

from .acm_certificate import AcmCertificateBase, certificate_in
from .certificate_facts import CertificateFacts, certificate_facts
from .domain_names import DEFAULT_MAX_NAMES, dedupe_names, in_zone, names_problems
from .errors import Problem, raise_if_any
from .expiry_alarm import ExpiryAlarm
from .inputs import typed_props
from .method_inputs import typed_method
from .review_metadata import record_certificate

__all__ = [
    "ACM_KEY_ALGORITHMS",
    "CertificateFacts",
    "PublicCertificate",
    "certificate_facts",
    "certificate_in",
]

ACM_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
"""Key algorithms ACM issues certificates with. The acm model's ``KeyAlgorithm`` enum also lists RSA_1024,
RSA_3072, RSA_4096 and EC_secp521r1, which exist only for imported certificates."""

HostedZones = route53.IHostedZone | Mapping[str, route53.IHostedZone]


def key_algorithm_problems(key_algorithm: acm.KeyAlgorithm | str) -> list[Problem]:
    name = key_algorithm if isinstance(key_algorithm, str) else key_algorithm.name
    if name in ACM_KEY_ALGORITHMS:
        return []
    return [
        Problem(
            "key_algorithm",
            name,
            f"ACM issues certificates only with {', '.join(ACM_KEY_ALGORITHMS)}",
            "use acm.KeyAlgorithm.RSA_2048 (widest client support) or EC_PRIME256_V1 / EC_SECP384_R1",
        )
    ]


def _zone_name(zone: route53.IHostedZone) -> str | None:
    """The zone's literal name, or None when it isn't known at synth (``from_hosted_zone_id``, tokens)."""
    try:
        name = zone.zone_name
    except RuntimeError:
        return None
    return None if Token.is_unresolved(name) else name


def zone_problems(names: Sequence[str], hosted_zone: HostedZones) -> list[Problem]:
    """Every name needs a public zone that contains it; a mapping needs an entry per name (a wildcard may
    use its base name's entry)."""
    problems: list[Problem] = []
    if isinstance(hosted_zone, Mapping):
        lowered = {k.lower(): v for k, v in hosted_zone.items()}
        zones: dict[str, route53.IHostedZone] = {}
        used: set[str] = set()
        for name in names:
            key = name if name in lowered or not name.startswith("*.") else name[2:]
            zone = lowered.get(key)
            if zone is not None:
                used.add(key)
            if zone is None:
                problems.append(
                    Problem(
                        "hosted_zone",
                        name,
                        "every certificate name needs a hosted zone for its DNS validation record",
                        f"add {name!r}: <zone> to the hosted_zone mapping",
                    )
                )
            else:
                zones[name] = zone
        # A wildcard's base-name key is in use even when the base name itself is not on the certificate.
        unused = sorted(set(lowered) - used)
        if unused:
            problems.append(
                Problem(
                    "hosted_zone",
                    unused,
                    "the mapping names domains that are not on the certificate",
                    "remove them, or add them to subject_alternative_names",
                )
            )
    else:
        zones = dict.fromkeys(names, hosted_zone)
    for name, zone in zones.items():
        if isinstance(zone, route53.PrivateHostedZone):
            problems.append(
                Problem(
                    "hosted_zone",
                    zone.node.path,
                    "ACM validates public certificates through public DNS; a private hosted zone can't",
                    "pass the public hosted zone of the domain",
                )
            )
            continue
        zone_name = _zone_name(zone)
        if zone_name is not None and not Token.is_unresolved(name) and not in_zone(name, zone_name):
            problems.append(
                Problem(
                    "hosted_zone",
                    f"{name} in {zone_name}",
                    "the validation record of a name can only be created in a zone that contains the name",
                    "pass the zone of that name (a mapping {name: zone} for names in several zones)",
                )
            )
    return problems


class PublicCertificate(AcmCertificateBase):
    """A public ACM certificate, DNS-validated through Route 53 (native ``AWS::CertificateManager::Certificate``:
    CloudFormation creates the validation records and waits for issuance).

    It *is* an ``acm.ICertificate``: pass it to every certificate prop of this library, and wherever aws-cdk-lib
    takes one (load balancers, CloudFront, API Gateway) in its own stack — in another stack, hand aws-cdk-lib
    :meth:`certificate_in` (passing the certificate itself would export its ARN and lock it; synth refuses).

    Names are checked at synth: ACM's syntax, labels ≤ 63, names ≤ 253, the first name (the CN) ≤ 64,
    wildcards only as the whole left-most label, duplicates removed, at most ``max_names`` names, each name
    inside its (public) hosted zone.

    To use it in another stack or region (CloudFront in any region needs a us-east-1 certificate), pass it
    to :class:`~pki_constructs.CertifiedDistribution` / :class:`~pki_constructs.CertifiedAlb`, or call
    :meth:`certificate_in`: the ARN travels through :mod:`pki_constructs.cross_region`, never an export.

    :param scope: construct scope.
    :param id: construct id.
    :param domain_name: the first name; it becomes the subject CN.
    :param subject_alternative_names: more names. Default: - none (the certificate names only domain_name).
    :param hosted_zone: the public zone for every name, or a mapping ``{name: zone}`` (a wildcard name may
        use its base name's zone). Zones need no lookup: ``route53.HostedZone.from_hosted_zone_attributes``.
    :param key_algorithm: ``acm.KeyAlgorithm`` or its name. Default: - RSA_2048 (ACM's default; widest client
        support).
    :param max_names: your account's "Domain names per ACM certificate" quota. Default: - 10 (the default quota).
    :param certificate_name: the ``Name`` tag shown in the ACM console. Default: - the construct path.
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_name: str,
        hosted_zone: HostedZones,
        subject_alternative_names: Sequence[str] | None = None,
        key_algorithm: acm.KeyAlgorithm | str = "RSA_2048",
        max_names: int = DEFAULT_MAX_NAMES,
        certificate_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        sans = list(subject_alternative_names or [])
        names = dedupe_names([domain_name, *sans])
        problems = names_problems(domain_name, sans, max_names=max_names)
        problems += key_algorithm_problems(key_algorithm)
        if not problems:
            problems += zone_problems(names, hosted_zone)
        raise_if_any(self, problems)

        self.domain_names: list[str] = names
        """Every name on the certificate, lower-cased and deduplicated; the first is the CN."""
        if isinstance(hosted_zone, Mapping):
            lowered = {k.lower(): v for k, v in hosted_zone.items()}
            validation = acm.CertificateValidation.from_dns_multi_zone(
                {n: lowered.get(n) or lowered[n[2:]] for n in names}
            )
        else:
            validation = acm.CertificateValidation.from_dns(hosted_zone)
        algorithm = acm.KeyAlgorithm(key_algorithm) if isinstance(key_algorithm, str) else key_algorithm
        self._resource = acm.Certificate(
            self,
            "Resource",
            domain_name=names[0],
            subject_alternative_names=names[1:] or None,
            validation=validation,
            key_algorithm=algorithm,
            certificate_name=certificate_name,
        )
        record_certificate(self)
        self.key_algorithm: str = algorithm.name

    @property
    def region(self) -> str:
        """The region of the certificate's stack (a token for environment-agnostic stacks)."""
        return Stack.of(self).region

    @typed_method(creates_child=True)
    def add_expiry_alarm(
        self,
        id: str = "ExpiryAlarm",
        *,
        threshold: Duration | None = None,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
    ) -> ExpiryAlarm:
        """Alarm on this certificate's ``DaysToExpiry`` (an ``ExpiryAlarm`` placed under this construct, so in
        the certificate's own region, e.g. us-east-1 for CloudFront).

        See ``pki_constructs.expiry_alarm.ExpiryAlarm`` for the props. Default threshold: - half of ACM's
        renewal window for the public-certificate lifetime in force (CA/B Forum SC-081 schedule)
        """
        return ExpiryAlarm(
            self, id, certificate=self, threshold=threshold, topic=topic, create_topic=create_topic
        )

    _arn_export_id = "ArnExport"

    def _arn_description(self) -> str:
        return f"ARN of the ACM certificate {self.node.path} ({self.domain_names[0]})"
