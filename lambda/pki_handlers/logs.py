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


WIRE_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
"""The SDK's own loggers: at DEBUG they write request parameters and response bodies verbatim (ExportCertificate's
Passphrase and PrivateKey, SecretString), which no redaction of ours sees."""


def _not_wire_level(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or not record.name.startswith(WIRE_LOGGERS)


def silence_wire_logging() -> None:
    """Keep the SDK's wire-level records out of the logs whatever the root level (Lambda's ApplicationLogLevel=DEBUG
    sets the root logger to DEBUG): its loggers stop at WARNING, and every root handler drops their records
    below WARNING even if something lowers those levels again."""
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if _not_wire_level not in handler.filters:
            handler.addFilter(_not_wire_level)


class Logger:
    """``log.info("message", field=value, ...)`` writes ``{"message": ..., "field": ...}`` to ``logger``."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)
        # The Lambda runtime's root logger writes to CloudWatch at WARNING by default; our records are INFO.
        logging.getLogger("pki_handlers").setLevel(logging.INFO)
        silence_wire_logging()

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
