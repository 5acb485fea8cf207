"""PEM certificate text for the constructs: the one place that finds and writes ``CERTIFICATE`` blocks.

An offline-signed certificate and its chain arrive as PEM files (RFC 7468: a ``-----BEGIN CERTIFICATE-----``
line, base64, a ``-----END CERTIFICATE-----`` line). The handlers have their own helper (``pki_handlers.x509``):
they are shipped as an asset and import nothing of the library.
"""

from __future__ import annotations

import re

__all__ = ["BEGIN", "END", "certificate_bodies", "certificate_pem"]

BEGIN = "-----BEGIN CERTIFICATE-----"
END = "-----END CERTIFICATE-----"
_BLOCK = re.compile(re.escape(BEGIN) + r"\s*(.+?)\s*" + re.escape(END), re.S)


def certificate_bodies(text: str) -> list[str]:
    """The base64 body of each ``CERTIFICATE`` block of ``text``, whitespace removed (not yet decoded)."""
    return ["".join(body.split()) for body in _BLOCK.findall(text)]


def certificate_pem(bodies: list[str]) -> str:
    """The blocks written back as RFC 7468 PEM: 64-character lines, one block after the other."""
    return "".join(
        f"{BEGIN}\n" + "\n".join(body[i : i + 64] for i in range(0, len(body), 64)) + f"\n{END}\n"
        for body in bodies
    )
