"""Who can reach ``rectify serve`` (访问控制): by default only this machine (127.0.0.1); an
address an office network can reach only with Prefect's API auth string set, so that the UI
asks everyone for it and every worker and flow run sends it.

The settings are Prefect's own: ``PREFECT_SERVER_API_AUTH_STRING`` (``user:password``) on the
server, ``PREFECT_API_AUTH_STRING`` (the same value) on every client; ``rectify serve`` passes
the first to the second for its own runs when only the first is set.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import MutableMapping

from rectify.core.errors import Refusal

SERVER_AUTH = "PREFECT_SERVER_API_AUTH_STRING"
CLIENT_AUTH = "PREFECT_API_AUTH_STRING"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: reachable from the network


def check_host(host: str, environ: MutableMapping[str, str] = os.environ) -> None:
    """Refuse to listen on a network address without the API auth string; with it set, make
    this process's own Prefect client send it too."""
    auth = environ.get(SERVER_AUTH, "").strip()
    if is_loopback(host):
        return
    if ":" not in auth or auth.startswith(":") or auth.endswith(":"):
        raise Refusal(
            "open_host_without_auth",
            f"拒绝在 {host} 上开放：未设置访问口令 {SERVER_AUTH}（格式为 用户名:密码），"
            "办公网上任何人都能查看和操作整改数据；请先设置该口令（见 docs/production.md），"
            "或去掉 --host，只在本机（127.0.0.1）开放",
        )
    environ.setdefault(CLIENT_AUTH, auth)
