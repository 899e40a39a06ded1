"""Structured JSON logs. Never log message text, tokens or client addresses (docs/SECURITY.md).

Every way the gateway starts (`make run` through api/launcher.py, tests/conftest.py, docker-compose.yml) runs
uvicorn with `--no-access-log` and the factory `api.main:create_app`, which calls `configure_logging`. Besides
that, uvicorn's `uvicorn.error` logger writes one INFO line per WebSocket, `('127.0.0.1', 53412) - "WebSocket
/path" [accepted]`: `NoClientAddresses` drops every record that carries a client address, and
`RedactCredentials` blanks anything that looks like a token on every handler, as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

# uvicorn's lines that name the client: '%s - "WebSocket %s" [accepted]', '%s - "WebSocket %s" 403', and
# h11/httptools' '%s - "%s %s HTTP/%s" %d' access format (off, but dropped here too if it were switched on).
CLIENT_LINE = re.compile(r'"WebSocket |HTTP/\d')
CREDENTIAL = re.compile(r"(?i)(token=|bearer\s+|\"token\":\s*\")[^\s&\"']+")
JWT_LIKE = re.compile(r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}")


class NoClientAddresses(logging.Filter):
    """Drops uvicorn's per-connection lines: their first argument is the client's (address, port)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and CLIENT_LINE.search(record.msg):
            return False
        args = record.args if isinstance(record.args, tuple) else ()
        return not any(isinstance(arg, tuple) and len(arg) >= 2 and isinstance(arg[1], int) for arg in args)


class RedactCredentials(logging.Filter):
    """Replaces token-looking parts of a message by "[redacted]" (should never be needed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = JWT_LIKE.sub("[redacted]", CREDENTIAL.sub(r"\1[redacted]", message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        return json.dumps(payload, ensure_ascii=False)


def _add_once(target: logging.Logger | logging.Handler, kind: type[logging.Filter]) -> None:
    if not any(isinstance(existing, kind) for existing in target.filters):
        target.addFilter(kind())


def protect_uvicorn_logs() -> None:
    """uvicorn's own loggers (configured by uvicorn before the app is created): no client line, no token."""
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        _add_once(logging.getLogger(name), NoClientAddresses)
        for handler in logging.getLogger(name).handlers:
            _add_once(handler, RedactCredentials)
    logging.getLogger("uvicorn.access").disabled = True  # it would record client addresses


def configure_logging(level: int = logging.INFO) -> None:
    protect_uvicorn_logs()
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactCredentials())
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per Rasa call is noise
