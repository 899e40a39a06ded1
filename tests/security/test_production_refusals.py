"""Production refuses to start with weak secrets (issue 16 item 1), and the message names the variable.

Checked on the settings object (what every process reads) and on a real gateway process started the way
`make run` and docker-compose start it (uvicorn with the app factory): it must exit, naming LYT_JWT_SECRET.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pydantic
import pytest
import yaml

from api.secret_rules import KNOWN_VALUES, secret_problem
from api.settings import Settings
from tests.conftest import APP_PY, REPO, RedisServer, free_port

STRONG = "Vq3-pXc9_LmZ7tR2wYbN5sKd8HfJ4gUe6aQo1iCx"
FERNET = "dGVzdC1rZXktb25seS1mb3ItdGVzdHMtMTIzNDU2Nzg="  # 32 bytes, a valid Fernet key (not a secret)


def production(**values: str) -> Settings:
    env = {"LYT_ENV": "production", "LYT_EMERGENCY_DETAILS": "false", "LYT_JWT_SECRET": STRONG} | values
    env.setdefault("LYT_RETURN_CODE_PEPPER", STRONG[::-1])  # required too (issue 18: return codes)
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def env_example_value(variable: str) -> str:
    for line in (REPO / ".env.example").read_text().splitlines():
        match = re.match(rf"^#?\s*{variable}=(.*)$", line)
        if match and match.group(1):
            return match.group(1)
    raise AssertionError(f"{variable} not in .env.example")


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "is not set"),
        ("dev-only-change-me-0123456789abcdef", "default or example"),  # the settings default
        ("change-me-to-a-long-random-string", "default or example"),  # .env.example
        ("change-me-please-to-a-long-random-string-0123", "placeholder"),
        ("x7Gq2Lm9", "shorter than 32 bytes"),
        ("ab" * 20, "fewer than 10 different characters"),
    ],
)
def test_weak_jwt_secret_refuses_and_names_the_variable(value: str, why: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=f"LYT_JWT_SECRET [^;]*{why}") as refused:
        production(LYT_JWT_SECRET=value)
    if value:
        assert value not in str(refused.value)  # the refusal never echoes the secret


def test_the_default_is_refused_when_the_variable_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LYT_JWT_SECRET", raising=False)
    with pytest.raises(pydantic.ValidationError, match="LYT_JWT_SECRET is a default or example value"):
        Settings(_env_file=None, LYT_ENV="production", LYT_EMERGENCY_DETAILS="false")  # type: ignore[call-arg]


def test_every_shipped_example_value_is_refused() -> None:
    assert secret_problem(env_example_value("LYT_JWT_SECRET")) is not None
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    suggested = [
        value
        for service in compose.get("services", {}).values()
        for value in (service.get("environment") or {}).values()
        if isinstance(value, str) and "SECRET" in value and ":-" in value  # ${VAR:-default} would be a default
    ]
    assert not suggested, f"docker-compose.yml suggests a default secret: {suggested}"
    for value in KNOWN_VALUES:
        assert secret_problem(value) is not None


def test_other_secrets_follow_the_same_rule() -> None:
    with pytest.raises(pydantic.ValidationError, match=r"LYT_JWT_PREVIOUS_SECRET is shorter than 32 bytes"):
        production(LYT_JWT_PREVIOUS_SECRET="old-short")
    with pytest.raises(pydantic.ValidationError, match=r"REDIS_URL \(its password\) looks like a placeholder"):
        production(REDIS_URL="redis://:please-change-me-before-going-live-0123@redis:6379/0")
    with pytest.raises(pydantic.ValidationError, match=r"REDIS_URL \(its password\) is shorter than 32 bytes"):
        production(REDIS_URL="redis://:hunter2@redis:6379/0")


def test_strong_secrets_start_and_other_environments_are_not_checked() -> None:
    settings = production(REDIS_URL=f"redis://:{STRONG}@redis:6379/0", LYT_JWT_PREVIOUS_SECRET=STRONG[::-1])
    assert settings.is_production and settings.jwt_ttl_minutes == 8 * 60
    assert Settings(_env_file=None, LYT_ENV="development").jwt_secret  # type: ignore[call-arg]


def test_a_production_gateway_process_exits_naming_the_variable(redis_server: RedisServer, tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ) | {
        "LYT_ENV": "production",
        "LYT_JWT_SECRET": "change-me-to-a-long-random-string",
        "LYT_EMERGENCY_KEY": FERNET,
        "LYT_RETURN_CODE_PEPPER": STRONG,
        "REDIS_URL": redis_server.url,
        "LYT_PORT": str(port),
    }
    process = subprocess.run(
        [APP_PY, "-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port)],
        cwd=tmp_path,  # no .env here
        env=env | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode != 0
    assert "LYT_JWT_SECRET is a default or example value" in process.stderr
    assert "change-me-to-a-long-random-string" not in process.stderr
