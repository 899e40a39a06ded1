"""Liveness, readiness (each dependency and each model with its status) and Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import StateDep
from api.services import first_turn
from api.services.readiness import GATEWAY_WARMUP, collect

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _redis_ok(state: StateDep) -> bool:
    try:
        return bool(await asyncio.wait_for(state.redis.ping(), timeout=1.0))
    except Exception:
        return False


@router.get("/readyz")
async def readyz(state: StateDep) -> JSONResponse:
    """`status`: "ready" when Redis answers and every model is loaded and warmed (`components`), "degraded"
    while the gateway serves the safety path alone (e.g. Rasa down or still warming), "down" without Redis.
    `checks`: redis, rasa, action_server, model (Rasa's, warmed), triage. See api/services/readiness.py.
    Once all else is warmed, the check starts the warm-up turn through the whole path (`gateway.first_turn`,
    api/services/first_turn.py)."""
    settings = state.settings
    token = settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None
    readiness = await collect(await _redis_ok(state), settings.rasa_url, settings.action_server_url, rasa_token=token)
    first_turn.observe(state, readiness, GATEWAY_WARMUP)
    return JSONResponse(readiness.body(), status_code=503 if readiness.status == "down" else 200)


@router.get("/metrics")
async def metrics(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> Response:
    """Prometheus metrics. In production only with `Authorization: Bearer <LYT_METRICS_TOKEN>` (404 without
    the setting, 401 with a wrong token); elsewhere open."""
    if state.settings.env == "production":
        expected = state.settings.metrics_token.get_secret_value() if state.settings.metrics_token else ""
        if not expected:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "metrics need their token")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
