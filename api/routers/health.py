"""Liveness, readiness (each dependency and each model with its status) and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import StateDep
from api.services.readiness import collect

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
    `checks`: redis, rasa, action_server, model (Rasa's, warmed), triage. See api/services/readiness.py."""
    settings = state.settings
    readiness = await collect(await _redis_ok(state), settings.rasa_url, settings.action_server_url)
    return JSONResponse(readiness.body(), status_code=503 if readiness.status == "down" else 200)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
