"""The FastAPI gateway: app factory and lifespan. Run with `uvicorn api.main:create_app --factory`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.body_limit import BodySizeLimitMiddleware
from api.client_address import SharedSalt, trusted_proxy_middleware
from api.logging_setup import configure_logging
from api.middleware import ObserveMiddleware
from api.routers import (
    articles,
    auth,
    conversations,
    counsellor_capacity,
    counsellors,
    emergency,
    health,
    pages,
    planning,
    return_codes,
    reviews,
)
from api.services.emergency import load_vault
from api.services.escalation import start_live_safety
from api.services.first_turn import keep_warm
from api.services.hours import parse_opening_hours
from api.services.hub import Hub
from api.services.queue import HandoffQueue
from api.services.rasa_client import RasaClient
from api.services.socket_slots import SocketSlots
from api.settings import REPO_ROOT, Settings, get_settings
from api.state import AppState, TriageJudge, triage_thread

log = logging.getLogger("lyt.gateway")
REAPER_INTERVAL_SECONDS = 5.0


def load_triage() -> TriageJudge:
    from api.services.readiness import warm_up_triage
    from knowledge.triage import Triage

    triage: TriageJudge = Triage.load()
    # The semantic layer loads its embedding model on first use: pay that (about a second) at start-up,
    # not on the first young person's message. /readyz lists the embedding and the judge as warmed.
    warm_up_triage(triage)
    return triage


def release_free_heap() -> None:
    """Hand the heap freed after start-up (tokenizer tables, model-file bytes, pickles) back to the OS.

    glibc keeps freed memory in its heap; `malloc_trim` returns it. Measured: 13 MB less RSS per gateway,
    which matters with thousands of idle sockets per process. No-op where libc has no malloc_trim."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


async def _reap_forever(queue: HandoffQueue) -> None:
    while True:
        await asyncio.sleep(REAPER_INTERVAL_SECONDS)
        try:
            requeued = await queue.reap_expired_leases()
            if requeued:
                log.info("requeued %d conversations with expired leases", len(requeued))
        except RedisError as exc:
            log.warning("reaper: redis error %s", type(exc).__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    from knowledge.helplines import load_helplines, log_unverified

    log_unverified(load_helplines())
    redis = Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    queue = HandoffQueue(
        redis,
        lease_ms=settings.claim_lease_seconds * 1000,
        capacity=settings.counsellor_capacity,
        urgent_capacity=settings.counsellor_urgent_capacity,
        reserved_urgent_slots=settings.reserved_urgent_slots,
        urgent_stretch_slots=settings.urgent_stretch_slots,
        return_preference_ms=int(settings.return_preference_seconds * 1000),
    )
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.rasa_max_in_flight)
    app.state.lyt = AppState(
        settings=settings,
        redis=redis,
        queue=queue,
        rasa=rasa,
        triage=load_triage(),
        opening_hours=parse_opening_hours(settings.opening_hours),
        triage_thread=triage_thread(settings.triage_nice),
        emergency_vault=app.state.emergency_vault,
    )
    app.state.socket_slots = SocketSlots(redis)  # caps on open sockets per chat and per counsellor
    hub = Hub(redis)
    hub.start()
    app.state.hub = hub
    reaper = asyncio.create_task(_reap_forever(queue))
    salt: SharedSalt = app.state.ip_hasher
    try:
        await salt.refresh(redis)  # before the first request: every replica hashes addresses alike
    except RedisError as exc:  # Redis down at start: the refresher retries; the safety path still serves
        log.warning("rate salt: redis error %s", type(exc).__name__)
    salt_refresher = asyncio.create_task(salt.refresh_forever(redis))
    # Once Rasa and the action server are warmed: one throwaway turn through the whole path, then one throwaway
    # conversation through this app's own HTTP routes, before /readyz says "ready", and again after either
    # restarts (api/services/first_turn.py, api/services/first_http_turn.py).
    warm_turn = asyncio.create_task(keep_warm(app.state.lyt, app=app))
    # Urgent-wait alerts (webhook, youth notice) and live queue positions: in every replica (claims dedupe).
    app.state.live_safety = start_live_safety(settings, redis, queue, hub, app.state.lyt.opening_hours)
    release_free_heap()
    log.info("gateway ready")
    try:
        yield
    finally:
        await app.state.live_safety.stop()
        reaper.cancel()
        salt_refresher.cancel()
        warm_turn.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await warm_turn
        with contextlib.suppress(asyncio.CancelledError):
            await reaper
        with contextlib.suppress(asyncio.CancelledError):
            await salt_refresher
        await hub.stop()
        await rasa.close()
        app.state.lyt.triage_thread.shutdown(wait=False, cancel_futures=True)
        await redis.aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()
    production = settings.env == "production"
    app = FastAPI(
        title="Lyt gateway",
        version="0.1.0",
        description="Anonymous chat for young people: conversations, triage, handoff queue, counsellors.",
        lifespan=lifespan,
        # The API description is for developers: not served in production (docs/SECURITY.md).
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
        openapi_url=None if production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.ip_hasher = SharedSalt()  # one salt for every replica, from Redis (refreshed in the lifespan)
    # Before anything else starts: production refuses to run without LYT_EMERGENCY_KEY (when enabled).
    app.state.emergency_vault = load_vault(settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )

    app.add_middleware(ObserveMiddleware)
    # Outermost first: a body over the cap gets 413 before anything reads it; forwarded headers count only
    # from LYT_TRUSTED_PROXIES (uvicorn runs with --no-proxy-headers).
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(trusted_proxy_middleware, trusted=settings.trusted_proxies)

    @app.exception_handler(RedisError)
    async def redis_down(request: Request, exc: RedisError) -> JSONResponse:
        log.error("redis error: %s", type(exc).__name__)
        return JSONResponse(
            {"detail": "The service is briefly unavailable. Please try again in a moment."}, status_code=503
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(health.router)
    app.include_router(conversations.router)
    app.include_router(return_codes.router)
    app.include_router(auth.router)
    app.include_router(counsellors.router)
    app.include_router(counsellor_capacity.router)
    app.include_router(emergency.router)
    app.include_router(planning.router)
    app.include_router(reviews.router)
    app.include_router(pages.router)
    app.include_router(articles.router)
    app.mount("/static", StaticFiles(directory=REPO_ROOT / "api" / "static"), name="static")
    return app
