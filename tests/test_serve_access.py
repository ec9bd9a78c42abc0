"""``rectify serve`` on an office network: this machine only by default; a network address
only with Prefect's API auth string, refused otherwise with the reason in Chinese and audited."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEvent, session_scope
from rectify.cli import app
from rectify.core.errors import Refusal
from rectify.runtime.access import CLIENT_AUTH, SERVER_AUTH, check_host

# (host, the server's auth string, served?)
CASES = [
    ("127.0.0.1", None, True),
    ("localhost", None, True),
    ("::1", None, True),
    ("127.0.0.2", None, True),
    ("0.0.0.0", None, False),
    ("192.168.10.20", None, False),
    ("office-pc", None, False),
    ("::", None, False),
    ("0.0.0.0", "admin", False),  # not user:password
    ("0.0.0.0", "admin:", False),
    ("0.0.0.0", "xcb:s3cret-pass", True),
    ("192.168.10.20", "xcb:s3cret-pass", True),
]


@pytest.mark.parametrize(("host", "auth", "served"), CASES)
def test_a_network_address_needs_the_api_auth_string(host, auth, served):
    environ = {SERVER_AUTH: auth} if auth else {}
    if served:
        check_host(host, environ)
        if auth:  # this process's own runs send it too
            assert environ[CLIENT_AUTH] == auth
        return
    with pytest.raises(Refusal) as refused:
        check_host(host, environ)
    assert refused.value.code == "open_host_without_auth"
    assert SERVER_AUTH in refused.value.message and "127.0.0.1" in refused.value.message
    assert CLIENT_AUTH not in environ


def test_serve_on_an_open_address_without_auth_is_refused_and_audited(db, monkeypatch):
    monkeypatch.delenv(SERVER_AUTH, raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "拒绝在 0.0.0.0 上开放" in result.output
    with session_scope() as session:
        row = session.exec(select(AuditEvent).where(AuditEvent.action == "serve")).one()
    assert (row.outcome, row.code) == ("refused", "open_host_without_auth")
