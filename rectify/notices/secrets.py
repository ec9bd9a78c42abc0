"""Secrets in Apprise URLs: ``${NAME}`` is taken from the environment, else from a Prefect
Secret block named like it (lower case, dashes). Every text that may leave the process is
passed through ``redact``."""

from __future__ import annotations

import logging
import os
import re
import threading
from urllib.parse import quote, quote_plus

VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingSecret(Exception):
    pass


def _lookup(name: str) -> str | None:
    if name in os.environ:
        return os.environ[name]
    try:
        from prefect.blocks.system import Secret

        return str(Secret.load(name.lower().replace("_", "-")).get())
    except Exception:  # no such block, or no Prefect API reachable
        return None


_KNOWN: set[str] = set()
_LOCK = threading.Lock()


class RedactingFilter(logging.Filter):
    """Replaces every secret value ever expanded in this process by ``***`` in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        with _LOCK:
            known = list(_KNOWN)
        if known:
            record.msg = redact(record.getMessage(), known)
            record.args = None
        return True


def guard_logger(name: str = "apprise") -> None:
    """Keep secrets out of a library's log records (idempotent)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def expand(url: str) -> tuple[str, list[str]]:
    """The URL with its secrets filled in, and the secret values used (to redact)."""
    used: list[str] = []

    def fill(match: re.Match) -> str:
        value = _lookup(match.group(1))
        if value is None:
            raise MissingSecret(
                f"密钥 {match.group(1)} 未设置（应在环境变量或 Prefect Secret 块中）"
            )
        written = written_forms(value)
        used.extend(written)
        with _LOCK:
            _KNOWN.update(written)
        return value

    return VAR.sub(fill, url), used


def written_forms(value: str) -> list[str]:
    """The value and the ways Apprise and HTTP libraries write it back into a URL they log
    or report (percent-encoded), so that each is redacted: a token like ``a+b/c=`` appears
    as ``a%2Bb%2Fc%3D`` in the URL of an error."""
    return list(dict.fromkeys([value, quote(value, safe=""), quote(value), quote_plus(value)]))


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret in it (脱敏) replaced by ``***``, longest first."""
    for value in sorted(set(secrets), key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text
