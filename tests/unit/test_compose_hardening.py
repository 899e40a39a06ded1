"""docker-compose.yml checked as YAML for every deployment hardening item (issue 16 item 9; `docker compose`
is not on these machines). Each test names the item it holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    assert isinstance(command, list), f"{service}: command as a list (no shell)"
    return [str(part) for part in command]


def _arg(command: list[str], flag: str) -> str | None:
    return command[command.index(flag) + 1] if flag in command else None


def test_redis_needs_a_password_and_never_evicts() -> None:
    command = _command("redis")
    password = _arg(command, "--requirepass")
    assert password is not None and ":?" in password, "--requirepass from a required variable"
    assert _arg(command, "--maxmemory"), "a memory cap"
    assert _arg(command, "--maxmemory-policy") == "noeviction", "queue data is never evicted"
    env = COMPOSE["x-app-env"]
    assert "${REDIS_PASSWORD:?" in env["REDIS_PASSWORD"], "Rasa's stores use the password"
    assert re.match(r"redis://:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379/0$", env["REDIS_URL"]), env["REDIS_URL"]
    assert "ping" in " ".join(SERVICES["redis"]["healthcheck"]["test"]) and "REDISCLI_AUTH" in " ".join(
        SERVICES["redis"]["healthcheck"]["test"]
    )


def test_rasa_http_api_needs_its_token() -> None:
    command = _command("rasa")
    if "--enable-api" in command:
        token = _arg(command, "--auth-token")
        assert token is not None and ":?" in token, "--enable-api only with a required --auth-token"
    assert "ports" not in SERVICES["rasa"], "Rasa publishes no port"
    env = COMPOSE["x-app-env"]
    assert env["LYT_RASA_AUTH_TOKEN"] == env["RASA_AUTH_TOKEN"] == "${RASA_AUTH_TOKEN:?set RASA_AUTH_TOKEN}"


def test_the_gateway_readiness_sends_rasas_token() -> None:
    import asyncio

    from aiohttp import web

    from api.embedded_redis import free_port
    from api.services.readiness import collect

    async def status(request: web.Request) -> web.Response:
        if request.query.get("token") != "s3cret-token":
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"model_id": "m"})

    async def run() -> tuple[str, str]:
        app = web.Application()
        app.router.add_get("/status", status)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            url = f"http://127.0.0.1:{port}"
            without = await collect(True, url, url)
            with_token = await collect(True, url, url, rasa_token="s3cret-token")
            return without.checks["rasa"], with_token.checks["rasa"]
        finally:
            await runner.cleanup()

    assert asyncio.run(run()) == ("down", "ok")


def test_action_server_is_internal_only() -> None:
    actions = SERVICES["actions"]
    assert "ports" not in actions, "no published port"
    assert actions["networks"] == ["internal"]
    assert COMPOSE["networks"]["internal"]["internal"] is True, "the internal network has no way out"
    assert "actions:5055" in COMPOSE["x-app-env"]["ACTION_ENDPOINT_URL"]


@pytest.mark.parametrize("service", ["redis", "actions", "rasa", "api", "caddy"])
def test_every_container_runs_as_a_non_root_user(service: str) -> None:
    user = str(SERVICES[service].get("user", ""))
    assert user and user.split(":")[0] not in ("0", "root"), f"{service}: user {user!r}"


def test_dockerfile_switches_to_a_non_root_user() -> None:
    lines = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines() if line.strip()]
    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")


def test_caddy_terminates_tls_in_front_of_two_api_replicas() -> None:
    api, caddy = SERVICES["api"], SERVICES["caddy"]
    assert api["deploy"]["replicas"] == 2
    assert "ports" not in api, "the gateway is reached only through Caddy"
    published = [str(p) for p in caddy["ports"]]
    assert "443:443" in published
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["caddy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text()
    assert "Strict-Transport-Security" in caddyfile and "max-age=63072000" in caddyfile
    assert "name api" in caddyfile and "port 8000" in caddyfile, "both replicas by DNS"
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile, "the client's own address, never what it sent"
    assert "log" not in re.sub(r"#.*", "", caddyfile), "no access log (client addresses)"


def test_the_gateway_trusts_forwarded_headers_only_from_caddy() -> None:
    api = SERVICES["api"]
    assert "--no-proxy-headers" in _command("api"), "uvicorn itself trusts no forwarded header"
    caddy_ip = SERVICES["caddy"]["networks"]["internal"]["ipv4_address"]
    assert yaml.safe_load(api["environment"]["LYT_TRUSTED_PROXIES"]) == [caddy_ip]


def test_every_service_restarts_unless_stopped() -> None:
    assert all(service.get("restart") == "unless-stopped" for service in SERVICES.values())


def test_rasa_writes_no_message_text_to_its_log() -> None:
    """Rasa's structured lines carry message text (rest.message.received.timeout: text=...), and its
    tracebacks every frame's locals: compose runs Rasa through bot/quiet_rasa.py, which blanks them and
    refuses debug logging (the real process: tests/security/test_rasa_logs.py)."""
    from bot.quiet_rasa import check_arguments

    rasa = SERVICES["rasa"]
    assert rasa["entrypoint"] == ["python", "-m", "bot.quiet_rasa"], "Rasa runs through the log filter"
    assert rasa["working_dir"] == "/app" and "./bot:/app/bot:ro" in rasa["volumes"], "bot/ is importable there"
    command = _command("rasa")
    assert command[0] == "run"
    assert check_arguments(command, rasa["environment"]) is None, "no debug logging"
    assert rasa["environment"]["LOG_LEVEL"] == "INFO"
    assert check_arguments([*command, "--debug"], {}) and check_arguments(command, {"LOG_LEVEL": "debug"})
