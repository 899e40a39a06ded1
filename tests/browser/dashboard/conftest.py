"""Fixtures of the dashboard browser tests: one gateway with Rasa down, staff accounts, dashboard tabs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from api.services.accounts import create_account
from tests.browser.conftest import TabFactory, WidgetStack
from tests.browser.dashboard.helpers import LIMITS, PASSWORDS, Dashboard
from tests.conftest import GatewayFactory, RedisServer


@pytest.fixture
def stack(gateway_factory: GatewayFactory, redis_server: RedisServer, redis_client: redis.Redis) -> WidgetStack:
    """Overrides the widget tests' stack: one gateway, Rasa down, urgent alerts after one second."""
    gateway = gateway_factory(LYT_URGENT_WAIT_ALERT_SECONDS="1", **LIMITS)
    return WidgetStack(gateway.url, redis_server.url, False)


@pytest.fixture
def staff(stack: WidgetStack, redis_server: RedisServer) -> dict[str, str]:
    # Playwright's sync API runs an event loop in this thread, so the accounts are made in another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        for name, role in (("anna", "counsellor"), ("bo", "counsellor"), ("sara", "supervisor")):
            pool.submit(asyncio.run, create_account(redis_server.url, name, PASSWORDS[name], role)).result()
    return PASSWORDS


@pytest.fixture
def dashboard(new_tab: TabFactory) -> Iterator[Callable[..., Dashboard]]:
    made: list[Dashboard] = []

    def make(**options: Any) -> Dashboard:
        dash = Dashboard(new_tab(**options))
        dash.page.on("console", lambda message: dash.console.append(message.text))
        made.append(dash)
        return dash

    yield make
    for dash in made:
        assert dash.csp_problems() == [], dash.csp_problems()
