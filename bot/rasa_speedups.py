"""One measured speed-up for Rasa 3.6.21, installed by bot.tracker_store.BoundedRedisTrackerStore.

Rasa validates every action server response with `jsonschema.validate(result, schema)`. That call
first checks the (constant) schema against the JSON Schema metaschema, which with jsonschema 4.17 took
about 30 ms per custom action call here, three times the rest of the turn (docs/rasa_pipeline.md).
`install()` replaces `RemoteAction._validate_action_result` with the same validation through a
validator built once: same schema, same errors (`best_match`, the error `jsonschema.validate` raises).

It patches only the pinned Rasa version and does nothing on any other, so an upgrade falls back to
Rasa's own code. No I/O and no patching at import time.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
_installed = False


def install() -> bool:
    """Patch RemoteAction response validation once. Returns True if the patch is active."""
    global _installed
    if _installed:
        return True

    import rasa
    from rasa.core.actions.action import RemoteAction

    if rasa.__version__ != PATCHED_RASA_VERSION or not hasattr(RemoteAction, "_validate_action_result"):
        log.warning("rasa %s: action response validation left unpatched", rasa.__version__)
        return False

    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    original = RemoteAction._validate_action_result
    validators: dict[str, Any] = {}

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        validator = validators.get("response")
        if validator is None:
            schema = self.action_response_format_spec()
            validator_class = validator_for(schema)
            validator_class.check_schema(schema)
            validator = validators["response"] = validator_class(schema)
        if best_match(validator.iter_errors(result)) is None:
            return True
        return bool(original(self, result))  # invalid: Rasa's own code raises its usual error

    RemoteAction._validate_action_result = validate_action_result
    _installed = True
    return True
