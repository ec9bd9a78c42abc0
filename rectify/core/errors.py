"""The one refusal every rule and service raises."""

from __future__ import annotations


class Refusal(Exception):
    """An action the rules do not allow; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
