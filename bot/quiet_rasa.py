"""`rasa` with no message text in its log (docker-compose.yml's entrypoint for Rasa; issue 16, docs/SECURITY.md).

Rasa 3.6 logs what young people wrote in some structured lines at error level, e.g.
`rest.message.received.timeout` / `.failure` with `text=...`, and renders tracebacks of `structlogger.exception`
with every frame's local variables (structlog's `dict_tracebacks` shows locals by default: the handler's `text`).
`make run` blanks JSON "text" fields on its console (api/launcher_console.py); a container's log goes straight
to Docker, so Rasa itself must not write them:

- every key Rasa itself names as user content (its `_anonymizer` list) and a few more is replaced by
  "[redacted]" before any renderer sees the line, in the JSON and the console renderer alike;
- tracebacks are rendered without local variables;
- debug logging (`--debug`, `-vv`, `LOG_LEVEL=DEBUG`) is refused: Rasa's debug lines print messages, parses
  and trackers through the standard logging too.

Usage, with Rasa's own arguments: `python -m bot.quiet_rasa run --model ... --port 5005`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import Any

REDACTED = "[redacted]"
# Rasa 3.6's own list of keys that carry user content (rasa/utils/log_utils.py `_anonymizer`), and more that
# carry a message, its parse or a tracker.
SENSITIVE_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
        "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
        "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
        "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message", "metadata", "parse_data", "tracker", "events", "event_info_text", "utterance", "entities",
        "intent_text", "body", "payload", "sender_id", "conversation_id",
    }
)  # fmt: skip
DEBUG_FLAGS = frozenset({"--debug", "-vv"})


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: blank every value whose key may hold what someone wrote."""
    for key in SENSITIVE_KEYS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


def install() -> None:
    """Put `redact` in front of Rasa's structlog processors and drop locals from tracebacks.

    `rasa.utils.log_utils.configure_structlog` builds its processor list when Rasa's CLI calls it, reading
    `_anonymizer` and `structlog.processors.dict_tracebacks` from their modules then, so both are replaced here
    before the CLI starts."""
    import structlog
    from rasa.utils import log_utils
    from structlog.tracebacks import ExceptionDictTransformer

    original = log_utils._anonymizer

    def anonymize(logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        return original(logger, method, redact(logger, method, event_dict))  # type: ignore[arg-type]

    log_utils._anonymizer = anonymize  # type: ignore[assignment]
    structlog.processors.dict_tracebacks = structlog.processors.ExceptionRenderer(  # type: ignore[attr-defined]
        ExceptionDictTransformer(show_locals=False)
    )


def check_arguments(argv: list[str], environ: MutableMapping[str, str]) -> str | None:
    """Why these arguments would log message text, or None."""
    if DEBUG_FLAGS.intersection(argv):
        return "debug logging prints messages and trackers: run Rasa without --debug / -vv"
    if environ.get("LOG_LEVEL", "INFO").upper() == "DEBUG":
        return "LOG_LEVEL=DEBUG prints messages and trackers: use INFO or higher"
    return None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    problem = check_arguments(args, os.environ)
    if problem:
        sys.exit(f"bot.quiet_rasa: {problem}")
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
