"""Measured speed-ups for Rasa 3.6.21, installed once by the Lyt tracker and lock stores at server start.

Each replaces one piece of Rasa with code that gives the same results, faster (figures in
docs/PERFORMANCE.md and docs/rasa_pipeline.md):

- **Action response validation.** Rasa validates every action server response with
  `jsonschema.validate(result, schema)`, which first checks the constant schema against the metaschema:
  about 30 ms per custom action call with jsonschema 4.17. Here the validator is built once: same schema,
  same errors (`best_match`, the error `jsonschema.validate` raises).
- **Action server connections.** `EndpointConfig.request` opens a new aiohttp session, and so a new
  TCP connection, for every action call. Here each endpoint keeps one session per event loop, and its
  connections, for `KEEPALIVE_SECONDS` (less than the action server's own 5 s keep-alive, so a
  connection is not reused just as the server closes it). A request that finds its kept connection
  closed by the server is sent once more, on a new one.
- **Prediction graph.** `bot.graph_runner.SequentialGraphRunner` instead of Dask's scheduler for the
  model the server loads (training keeps Dask).
- **Intent features.** `LogisticRegressionClassifier._create_X` stacks each message's sparse features
  with an empty dense matrix through `scipy.sparse.hstack` and `vstack`. With no dense features (Lyt's
  pipeline) the result is the sparse sentence features stacked as CSR: built here directly.

Patches apply only to the pinned Rasa version and do nothing on any other, so an upgrade falls back to
Rasa's own code. No I/O and no patching at import time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
KEEPALIVE_SECONDS = 2.0
_installed = False


def install() -> bool:
    """Install every patch once. Returns True if they are active."""
    global _installed
    if _installed:
        return True

    import rasa

    if rasa.__version__ != PATCHED_RASA_VERSION:
        log.warning("rasa %s: Lyt's speed-ups left out (written for %s)", rasa.__version__, PATCHED_RASA_VERSION)
        return False
    _patch_action_validation()
    _patch_endpoint_sessions()
    _patch_prediction_graph_runner()
    _patch_logistic_regression_features()
    _installed = True
    return True


def _patch_action_validation() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

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


class _KeptSession:
    """`async with endpoint.session() as s` that hands out a kept session and leaves it open."""

    def __init__(self, endpoint: Any, make_session: Any) -> None:
        self._endpoint = endpoint
        self._make_session = make_session

    async def __aenter__(self) -> Any:
        import aiohttp

        loop = asyncio.get_running_loop()
        kept = getattr(self._endpoint, "_lyt_session", None)
        if kept is None or kept[0] is not loop or kept[1].closed:
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS)
            session = self._make_session(self._endpoint, connector)
            self._endpoint._lyt_session = (loop, session)
            return session
        return kept[1]

    async def __aexit__(self, *exc: object) -> None:
        return None


def _patch_endpoint_sessions() -> None:
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    original_request = EndpointConfig.request

    def make_session(endpoint: EndpointConfig, connector: aiohttp.TCPConnector) -> aiohttp.ClientSession:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        return aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=connector,
        )

    def session(self: EndpointConfig) -> Any:
        return _KeptSession(self, make_session)

    async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original_request(self, *args, **kwargs)
        except aiohttp.ServerDisconnectedError:  # a kept connection the server had just closed
            return await original_request(self, *args, **kwargs)

    EndpointConfig.session = session
    EndpointConfig.request = request


def _patch_prediction_graph_runner() -> None:
    import rasa.core.processor

    from bot.graph_runner import SequentialGraphRunner

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]


def _patch_logistic_regression_features() -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import TEXT
    from scipy.sparse import csr_matrix, vstack

    original = LogisticRegressionClassifier._create_X

    def create_x(self: LogisticRegressionClassifier, messages: list[Any]) -> csr_matrix:
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            if sparse is None or dense is not None:
                return original(self, messages)
            rows.append(sparse.features)
        if not rows:
            return original(self, messages)
        return csr_matrix(rows[0]) if len(rows) == 1 else vstack(rows, format="csr")

    LogisticRegressionClassifier._create_X = create_x
