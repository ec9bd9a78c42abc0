"""Secrets in Apprise URLs: ``${NAME}`` is taken from the environment, else from a Prefect
Secret block named like it (lower case, dashes). Every text that may leave the process is
passed through ``redact``."""

from __future__ import annotations

import os
import re

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


def expand(url: str) -> tuple[str, list[str]]:
    """The URL with its secrets filled in, and the secret values used (to redact)."""
    used: list[str] = []

    def fill(match: re.Match) -> str:
        value = _lookup(match.group(1))
        if value is None:
            raise MissingSecret(
                f"secret {match.group(1)} is not set (environment or Prefect Secret block)"
            )
        used.append(value)
        return value

    return VAR.sub(fill, url), used


def redact(text: str, secrets: list[str]) -> str:
    for value in sorted(set(secrets), key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text
