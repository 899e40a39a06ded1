"""Production refuses weak secrets (issue 16 item 1): every secret setting must be set, at least 32 bytes,
not a default or example value, and not a trivially repetitive string. Outside production nothing is checked.

The refusal names the environment variable, e.g.
"LYT_JWT_SECRET is the example value from .env.example; generate one with: python -c 'import secrets; ...'".
"""

from __future__ import annotations

from urllib.parse import urlsplit

MIN_SECRET_BYTES = 32
MIN_DISTINCT_CHARACTERS = 10
GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# Every default and example value the project ships or suggests (api/settings.py, .env.example,
# docker-compose.yml, docs); tests/security/test_production_refusals.py checks each file's value is here.
KNOWN_VALUES = frozenset(
    {
        "dev-only-change-me-0123456789abcdef",
        "change-me-to-a-long-random-string",
        "change-me",
        "changeme",
        "secret",
        "password",
    }
)
# Words that only placeholders contain: "change-me-please-to-something-long-and-random" is still a placeholder.
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace-me", "example", "placeholder", "dev-only")


class WeakSecretError(ValueError):
    """A secret setting that production must not start with; the message names the variable."""


def secret_problem(value: str | None) -> str | None:
    """Why `value` is not a production secret, or None when it is acceptable."""
    if value is None or not value.strip():
        return "is not set"
    lowered = value.strip().lower()
    if lowered in KNOWN_VALUES:
        return "is a default or example value shipped with Lyt"
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return "looks like a placeholder"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"has fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    return None


def production_secret_problems(secrets: dict[str, str | None], optional: frozenset[str]) -> list[str]:
    """One message per weak secret; variables in `optional` are only checked when set."""
    problems = []
    for variable, value in secrets.items():
        if variable in optional and not value:
            continue
        problem = secret_problem(value)
        if problem is not None:
            problems.append(f"{variable} {problem}; {GENERATE_HINT}")
    return problems


def redis_password(redis_url: str) -> str | None:
    """The password in a redis:// URL, or None."""
    return urlsplit(redis_url).password
