"""Key and signing algorithms of AWS Private CA, their families, and the rules that tie them together."""

from __future__ import annotations

import enum

from .errors import Problem


class KeyFamily(enum.Enum):
    """The family of a key; a CA's signing algorithm must belong to its key's family."""

    RSA = "RSA"
    EC = "EC"
    ML_DSA = "ML_DSA"
    SM2 = "SM2"


class KeyAlgorithm(enum.Enum):
    """The type of a CA's private key (``CertificateAuthorityConfiguration.KeyAlgorithm``).

    ``SM2`` exists only in the China partition (``aws-cn``).
    """

    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    EC_PRIME256V1 = "EC_prime256v1"
    EC_SECP384R1 = "EC_secp384r1"
    EC_SECP521R1 = "EC_secp521r1"
    ML_DSA_44 = "ML_DSA_44"
    ML_DSA_65 = "ML_DSA_65"
    ML_DSA_87 = "ML_DSA_87"
    SM2 = "SM2"

    @property
    def family(self) -> KeyFamily:
        return next(family for family in KeyFamily if self.value.startswith(family.value))

    @property
    def default_signing_algorithm(self) -> SigningAlgorithm:
        """The signing algorithm AWS pairs with this key when none is given: SHA-256 for RSA, the
        curve's own hash size for EC, the same ML-DSA level, SM3 for SM2."""
        return _DEFAULT_SIGNING[self]


class SigningAlgorithm(enum.Enum):
    """The algorithm a CA signs certificates and CRLs with (``SigningAlgorithm``)."""

    SHA256WITHECDSA = "SHA256WITHECDSA"
    SHA384WITHECDSA = "SHA384WITHECDSA"
    SHA512WITHECDSA = "SHA512WITHECDSA"
    SHA256WITHRSA = "SHA256WITHRSA"
    SHA384WITHRSA = "SHA384WITHRSA"
    SHA512WITHRSA = "SHA512WITHRSA"
    SHA256WITHRSA_PSS = "SHA256WITHRSA_PSS"
    SHA384WITHRSA_PSS = "SHA384WITHRSA_PSS"
    SHA512WITHRSA_PSS = "SHA512WITHRSA_PSS"
    SM3WITHSM2 = "SM3WITHSM2"
    ML_DSA_44 = "ML_DSA_44"
    ML_DSA_65 = "ML_DSA_65"
    ML_DSA_87 = "ML_DSA_87"

    @property
    def family(self) -> KeyFamily:
        if self.value.startswith("ML_DSA"):
            return KeyFamily.ML_DSA
        if self.value.endswith("SM2"):
            return KeyFamily.SM2
        return KeyFamily.EC if "ECDSA" in self.value else KeyFamily.RSA


_DEFAULT_SIGNING = {
    KeyAlgorithm.RSA_2048: SigningAlgorithm.SHA256WITHRSA,
    KeyAlgorithm.RSA_3072: SigningAlgorithm.SHA256WITHRSA,
    KeyAlgorithm.RSA_4096: SigningAlgorithm.SHA256WITHRSA,
    KeyAlgorithm.EC_PRIME256V1: SigningAlgorithm.SHA256WITHECDSA,
    KeyAlgorithm.EC_SECP384R1: SigningAlgorithm.SHA384WITHECDSA,
    KeyAlgorithm.EC_SECP521R1: SigningAlgorithm.SHA512WITHECDSA,
    KeyAlgorithm.ML_DSA_44: SigningAlgorithm.ML_DSA_44,
    KeyAlgorithm.ML_DSA_65: SigningAlgorithm.ML_DSA_65,
    KeyAlgorithm.ML_DSA_87: SigningAlgorithm.ML_DSA_87,
    KeyAlgorithm.SM2: SigningAlgorithm.SM3WITHSM2,
}


class UsageMode(enum.Enum):
    """What a CA issues (``CertificateAuthorityUsageMode``).

    ``SHORT_LIVED_CERTIFICATE`` CAs cost about an eighth of a general-purpose CA but issue certificates
    valid for at most 7 days, must be the last CA of a hierarchy, and cannot back ACM certificates.
    """

    GENERAL_PURPOSE = "GENERAL_PURPOSE"
    SHORT_LIVED_CERTIFICATE = "SHORT_LIVED_CERTIFICATE"


class KeyStorageSecurityStandard(enum.Enum):
    """The FIPS/CCPC level of the HSMs holding the CA key. AWS defaults to level 3, which some regions
    don't offer; there ``CCPC_LEVEL_1_OR_HIGHER`` is required."""

    FIPS_140_2_LEVEL_2_OR_HIGHER = "FIPS_140_2_LEVEL_2_OR_HIGHER"
    FIPS_140_2_LEVEL_3_OR_HIGHER = "FIPS_140_2_LEVEL_3_OR_HIGHER"
    CCPC_LEVEL_1_OR_HIGHER = "CCPC_LEVEL_1_OR_HIGHER"


# Rules ---------------------------------------------------------------------------------------------------


def signing_matches_key(key: KeyAlgorithm, signing: SigningAlgorithm) -> list[Problem]:
    """AWS: 'the specified signing algorithm family must match the algorithm family of the CA's private
    key'; an ML-DSA key signs only with its own level."""
    if signing.family is not key.family or (key.family is KeyFamily.ML_DSA and signing.value != key.value):
        return [
            Problem(
                "signing_algorithm",
                signing.value,
                f"a {key.value} key cannot sign with {signing.value} (families must match)",
                f"use {key.default_signing_algorithm.value}, or leave signing_algorithm unset",
            )
        ]
    return []


def key_available_in_partition(key: KeyAlgorithm, partition: str | None) -> list[Problem]:
    """SM2 keys exist only in the China regions (partition ``aws-cn``). ``partition`` None means unknown."""
    if key is KeyAlgorithm.SM2 and partition is not None and partition != "aws-cn":
        return [
            Problem(
                "key_algorithm",
                key.value,
                f"SM2 is offered only in the China regions, not in partition {partition!r}",
                "deploy the stack to cn-north-1/cn-northwest-1, or use an RSA or EC key",
            )
        ]
    return []


def child_key_compatible_with_parent(child: KeyAlgorithm, parent: KeyAlgorithm) -> list[Problem]:
    """A subordinate 'must use a key algorithm supported by the parent CA'. RSA and EC mix freely
    (an RSA root commonly signs EC issuing CAs); SM2 hierarchies stay SM2 end to end."""
    if (child.family is KeyFamily.SM2) != (parent.family is KeyFamily.SM2):
        return [
            Problem(
                "key_algorithm",
                child.value,
                f"an SM2 hierarchy cannot mix with other families (parent key is {parent.value})",
                "use SM2 for every CA of the hierarchy, or none",
            )
        ]
    return []


def mixed_post_quantum_advice(child: KeyAlgorithm, parent: KeyAlgorithm) -> str | None:
    """Advice (not a refusal) when a chain mixes ML-DSA with a classical key. AWS documents only that a
    subordinate "must use a key algorithm supported by the parent CA" (``CertificateAuthorityConfiguration``)
    and not whether it signs across these families, so synth cannot promise either outcome."""
    if (child.family is KeyFamily.ML_DSA) == (parent.family is KeyFamily.ML_DSA):
        return None
    return (
        f"This CA's key ({child.value}) and its parent's ({parent.value}) mix ML-DSA with a classical algorithm. "
        "AWS does not document whether it issues across these families; if it does, every relying party must "
        "support both, and the chain is only as quantum-resistant as its classical link. Keep the hierarchy "
        "ML-DSA end to end (or classical end to end) unless you have verified the mix."
    )
