"""Liveness, readiness (each dependency with its status) and Prometheus metrics."""

from __future__ import annotations

import asyncio

import aiohttp
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _redis_ok(state: StateDep) -> bool:
    try:
        return bool(await asyncio.wait_for(state.redis.ping(), timeout=1.0))
    except Exception:
        return False


async def _action_server_ok(url: str) -> bool:
    # aiohttp, as the Rasa client: the gateway process does not load httpx (5 MB with its CLI's imports).
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1.0)) as client:
            async with client.get(url.rstrip("/") + "/health") as response:
                return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


@router.get("/readyz")
async def readyz(state: StateDep) -> JSONResponse:
    redis_ok, rasa_ok, actions_ok = await asyncio.gather(
        _redis_ok(state), state.rasa.ready(), _action_server_ok(state.settings.action_server_url)
    )
    checks = {
        "redis": "ok" if redis_ok else "down",
        "rasa": "ok" if rasa_ok else "down",
        "action_server": "ok" if actions_ok else "down",
        "model": "ok" if rasa_ok else "not loaded",
        "triage": "ok",
    }
    # The gateway can serve (triage, safety message, handoff) whenever Redis is up.
    ready = redis_ok
    body = {
        "status": "ready" if ready and all(v == "ok" for v in checks.values()) else ("degraded" if ready else "down"),
        "checks": checks,
    }
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
