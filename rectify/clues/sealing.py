"""The clue key (问题线索密钥) and what it seals: a clue's number and what it says are stored
encrypted (AES-GCM, authenticated), looked up by a keyed digest (HMAC-SHA256) of the number.

The key is 32 random bytes in URL-safe base64, from, in this order: the setting
``RECTIFY_CLUE_KEY``; the file ``<home>/clue.key`` that ``rectify init`` writes (mode 0600)
when no key is configured; the Prefect Secret block ``rectify-clue-key`` (when a Prefect
server is configured). It is never stored in the database. A missing or wrong key is a
``ClueKeyError``: a refusal (code ``clue_key``) whose Chinese reason names the setting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rectify.core.errors import Refusal
from rectify.core.settings import get_settings

KEY_SETTING = "RECTIFY_CLUE_KEY"
SECRET_BLOCK = "rectify-clue-key"
KEY_FILE = "clue.key"
SEALED_PREFIX = "sealed:v1:"
_AAD = b"rectify-clue-v1"
_HOW = (
    f"请设置环境变量 {KEY_SETTING}，或 Prefect Secret 块 {SECRET_BLOCK}，"
    f"或运行 rectify init 在主目录生成 {KEY_FILE}"
)


class ClueKeyError(Refusal):
    """The clue key is missing or is not the one the clues were sealed with."""

    def __init__(self, message: str) -> None:
        super().__init__("clue_key", message)


class ClueKey:
    """Seals and opens clue texts; digests clue numbers for look-ups."""

    def __init__(self, secret: bytes) -> None:
        self._seal = AESGCM(hmac.digest(secret, b"rectify clue seal", "sha256"))
        self._mac = hmac.digest(secret, b"rectify clue digest", "sha256")

    def seal(self, text: str) -> str:
        """``text`` encrypted and authenticated, as stored text (a fresh nonce each time)."""
        nonce = os.urandom(12)
        sealed = self._seal.encrypt(nonce, text.encode("utf-8"), _AAD)
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str) -> str:
        """The text ``seal`` sealed, or ``ClueKeyError`` when this key did not seal it."""
        try:
            raw = base64.urlsafe_b64decode(token.removeprefix(SEALED_PREFIX))
            return self._seal.decrypt(raw[:12], raw[12:], _AAD).decode("utf-8")
        except (InvalidTag, ValueError, binascii.Error):
            raise ClueKeyError(
                f"问题线索密钥不正确：已存储的线索不是用当前密钥（{KEY_SETTING}）加密的，"
                "请使用加密时的密钥"
            ) from None

    def digest(self, inspection_id: str, number: str) -> str:
        """The keyed digest a clue number is looked up by, within its inspection."""
        message = f"{inspection_id}\n{number}".encode()
        return hmac.new(self._mac, message, hashlib.sha256).hexdigest()


def is_sealed(value: str | None) -> bool:
    """Whether ``value`` is a sealed text (not a plain one)."""
    return bool(value) and str(value).startswith(SEALED_PREFIX)


def new_key_text() -> str:
    """A fresh random key, as written to the key file or the setting."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def key_file() -> Path:
    """Where ``rectify init`` keeps the key when none is configured."""
    return get_settings().home / KEY_FILE


def _parse(text: str, source: str) -> ClueKey:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, binascii.Error):
        secret = b""
    if len(secret) != 32:
        raise ClueKeyError(
            f"问题线索密钥格式不正确（{source}）：须为 32 字节随机数的 base64 文本，"
            f"可删除后运行 rectify init 重新生成；{KEY_SETTING} 设置同此"
        )
    return ClueKey(secret)


def _from_prefect() -> str | None:
    """The Prefect Secret block's value, when a Prefect server is configured and has it."""
    try:
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            return None
        from prefect.blocks.system import Secret

        return str(Secret.load(SECRET_BLOCK).get())
    except Exception:  # no server, no block: the key is simply not there
        return None


def configured_key() -> tuple[str, str] | None:
    """(key text, where it came from), or None when no key is configured anywhere."""
    settings = get_settings()
    if settings.clue_key:
        return settings.clue_key, KEY_SETTING
    path = key_file()
    if path.is_file():
        return path.read_text(encoding="ascii"), str(path)
    secret = _from_prefect()
    if secret:
        return secret, f"Prefect Secret {SECRET_BLOCK}"
    return None


def clue_key() -> ClueKey:
    """The configured clue key, or ``ClueKeyError`` saying how to set one."""
    found = configured_key()
    if found is None:
        raise ClueKeyError(f"未配置问题线索密钥：{_HOW}")
    return _parse(*found)


def ensure_clue_key() -> tuple[str, bool]:
    """(where the key is, whether it was just created): a configured key is checked, else a
    new one is written to ``<home>/clue.key`` readable by its owner only (0600)."""
    found = configured_key()
    if found is not None:
        _parse(*found)
        return found[1], False
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(new_key_text() + "\n")
    return str(path), True
