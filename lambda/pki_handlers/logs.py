"""Structured logging for every handler: one JSON object per line, and nothing secret ever logged.

Any field (or message) that looks like PEM, a private key or a passphrase is replaced before it is written,
so a careless log call cannot leak key material into CloudWatch Logs.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

_SECRET = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|$)", re.S)
_SECRET_FIELDS = re.compile(r"passphrase|private_?key|secret_?string|password", re.I)
REDACTED = "<redacted>"


def redact(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET.sub(REDACTED, value)
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_FIELDS.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value


class Logger:
    """``log.info("message", field=value, ...)`` writes ``{"message": ..., "field": ...}`` to ``logger``."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)
        # The Lambda runtime's root logger writes to CloudWatch at WARNING by default; our records are INFO.
        logging.getLogger("pki_handlers").setLevel(logging.INFO)

    def _emit(self, level: int, message: str, fields: dict[str, Any]) -> None:
        if self._logger.isEnabledFor(level):
            record = redact({"message": message, **fields})
            self._logger.log(level, json.dumps(record, default=str, sort_keys=False))

    def info(self, message: str, **fields: Any) -> None:
        self._emit(logging.INFO, message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._emit(logging.WARNING, message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._emit(logging.ERROR, message, fields)
