"""The log filters (api/logging_setup.py): uvicorn's per-connection lines are dropped, token-like text blanked."""

from __future__ import annotations

import logging

from api.logging_setup import NoClientAddresses, RedactCredentials


def record(msg: str, *args: object, name: str = "uvicorn.error") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_uvicorn_socket_lines_with_the_client_address_are_dropped() -> None:
    drop = NoClientAddresses()
    assert not drop.filter(record('%s - "WebSocket %s" [accepted]', ("127.0.0.1", 53412), "/api/v1/x/ws"))
    assert not drop.filter(record('%s - "WebSocket %s" 403', ("::1", 4000, 0, 0), "/ws"))
    assert not drop.filter(record("%s connected", ("10.0.0.7", 53412)))
    assert drop.filter(record("Uvicorn running on %s://%s:%d", "http", "127.0.0.1", 8000))
    assert drop.filter(record("gateway ready"))


def test_token_like_text_is_redacted() -> None:
    redact = RedactCredentials()
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJraW0ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    for message in ("GET /ws?token=abc123secret&after=1", f"Authorization: Bearer {jwt}", f"got {jwt}"):
        item = record(message)
        assert redact.filter(item)
        assert "abc123secret" not in item.getMessage() and jwt not in item.getMessage()
        assert "[redacted]" in item.getMessage()
