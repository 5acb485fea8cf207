"""The review as short Markdown, for a pull-request comment."""

from __future__ import annotations

from .classify import BlastRadius, Review, Status

HEADLINES = {
    Status.NOTHING: "nothing PKI-relevant",
    Status.REVIEW: "review needed",
    Status.TRUST_BREAKING: "TRUST-BREAKING change: approval required",
}
MAX_ITEMS = 8
"""Longer lists are cut with a count, so the comment stays readable."""


def render(review: Review) -> str:
    status = review.status
    lines = [f"# PKI change review: {HEADLINES[status]} (exit {int(status)})", ""]
    lines += _section(
        "Replacements that break trust", [line for r in review.breaking for line in _breaking(r)]
    )
    lines += _section(
        "Re-issues that do not break trust", [f"- {t}" for t in review.reissues + review.trust_store_changes]
    )
    lines += _section("Security posture changes", [f"- {t}" for t in review.posture])
    lines += _section("Cost delta", _cost(review))
    other = _other(review)
    if other:
        lines += _section("Other PKI changes", other)
    if review.other_resources:
        lines.append(
            f"_{review.other_resources} other resource change(s) with no PKI meaning; see the template diff._"
        )
    return "\n".join(lines).rstrip() + "\n"


def _section(title: str, body: list[str]) -> list[str]:
    return [f"## {title}", *(body or ["None."]), ""]


def _breaking(radius: BlastRadius) -> list[str]:
    ca = radius.ca
    meaning = (
        "A new key: nothing issued under the old CA chains to the new one. "
        f"The new CA costs ${ca.monthly_usd}/month ({ca.usage_mode})."
        if radius.new_key
        else "Same key, another chain: relying parties that trust only the old chain refuse what it issued."
    )
    lines = [f"- CA {ca.label}, {'root' if ca.parent is None else 'subordinate'}: {radius.why}. {meaning}"]
    for title, items in (
        ("CAs beneath", radius.cas),
        ("Certificates beneath", radius.certificates),
        ("Trust stores to rebuild", radius.trust_stores),
        ("Services", radius.services),
    ):
        if items:
            lines.append(f"  - {title}: {_list(items)}")
    return lines


def _list(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_ITEMS])
    return shown + (f" and {len(items) - MAX_ITEMS} more" if len(items) > MAX_ITEMS else "")


def _cost(review: Review) -> list[str]:
    lines = [
        f"- {'+' if line.sign > 0 else '-'}${line.count * line.each_usd}/month: {line.what} {line.usage_mode} CA"
        f"{'s' if line.count > 1 else ''} x {line.count} (${line.each_usd}/month each)"
        for line in review.cost
    ]
    if review.cost:
        delta = review.monthly_delta_usd
        lines.append(
            f"- **Net: {'+' if delta >= 0 else '-'}${abs(delta)}/month** (per-certificate fees not included)"
        )
    if review.still_billing:
        total = sum(ca.monthly_usd for ca in review.still_billing)
        lines.append(
            f"- Retained (RETAIN), still billing ${total}/month until deleted by hand: "
            + _list([ca.label for ca in review.still_billing])
        )
    return lines


def _other(review: Review) -> list[str]:
    lines = []
    for verb, groups in (("Added", review.added), ("Removed", review.removed)):
        for what, items in groups.items():
            if items:
                noun = what if len(items) > 1 else what.removesuffix("s")
                lines.append(f"- {verb} {len(items)} {noun}: {_list(items)}")
    lines += [f"- {line}" for line in review.updated_cas]
    return lines
