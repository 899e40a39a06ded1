"""The widget's iframe page (issue 16 item 8): who may embed it (CSP frame-ancestors from settings), the rest
of its CSP, and the configuration it hands the widget (LYT_EXIT_URL, LYT_MAX_MESSAGE_CHARS)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Settings
from api.widget_frame import frame_ancestors, frame_csp, frame_html


def _settings(**values: str | list[str]) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _directives(csp: str) -> dict[str, list[str]]:
    parts = [part.split() for part in csp.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_development_default_allows_self_and_localhost_only() -> None:
    assert frame_ancestors(_settings()) == ["'self'", "http://localhost:*", "http://127.0.0.1:*"]


def test_production_default_is_self_only() -> None:
    production = _settings().model_copy(update={"env": "production"})  # the secrets' checks are not the point
    assert frame_ancestors(production) == ["'self'"]


def test_configured_partners_replace_the_default() -> None:
    settings = _settings(LYT_WIDGET_FRAME_ANCESTORS=["https://partner.example", "https://*.kommune.dk/", "'self'"])
    assert frame_ancestors(settings) == ["https://partner.example", "https://*.kommune.dk", "'self'"]
    directives = _directives(frame_csp(settings))
    assert directives["frame-ancestors"] == ["https://partner.example", "https://*.kommune.dk", "'self'"]


@pytest.mark.parametrize(
    "bad",
    [
        "*",
        "https://partner.example; script-src *",
        "https://partner.example/path",
        "javascript:alert(1)",
        "'unsafe-inline'",
        "partner.example",
        "https://a.example https://b.example",
        "https://partner.example\r\nX-Injected: 1",
    ],
)
def test_anything_but_an_origin_is_refused_at_start(bad: str) -> None:
    with pytest.raises(ValidationError, match="LYT_WIDGET_FRAME_ANCESTORS"):
        _settings(LYT_WIDGET_FRAME_ANCESTORS=[bad])


def test_the_rest_of_the_policy_is_tight() -> None:
    directives = _directives(frame_csp(_settings()))
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"], "no inline styles"
    assert directives["connect-src"] == ["'self'"], "API and sockets on the own origin only"
    assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'none'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


def test_exit_url_and_message_cap_reach_the_widget() -> None:
    page = frame_html(_settings(LYT_EXIT_URL="https://example.org/weather?a=1&b=2", LYT_MAX_MESSAGE_CHARS="500"))
    assert 'data-exit-url="https://example.org/weather?a=1&amp;b=2"' in page
    assert 'data-max-chars="500"' in page
    assert "<script>" not in page and "style=" not in page, "no inline script or style"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "/relative", 'https://x.example/"><script>'])
def test_exit_url_must_be_http_or_https(bad: str) -> None:
    with pytest.raises(ValidationError):
        _settings(LYT_EXIT_URL=bad)
