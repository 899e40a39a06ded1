"""The widget's iframe page (`GET /widget/frame`, issue 16 item 8): its HTML and its Content-Security-Policy.

A partner page embeds one `<script src=".../static/widget/widget.js">` (the loader). The loader inserts an
iframe of this page, served from Lyt's own origin, and keeps nothing of the chat itself: the token, the event
cache and the outbox live in the iframe's own sessionStorage, out of reach of the partner page's scripts.

- `frame-ancestors` lists who may embed it: `LYT_WIDGET_FRAME_ANCESTORS`, or by default the gateway's own
  origin (plus `http://localhost:*` and `http://127.0.0.1:*` in development). Each entry must be an origin
  (`https://host[:port]`, a `*.` host wildcard or a `:*` port are allowed) or `'self'`: nothing else can reach
  the header.
- Everything else is tight: scripts, styles and connections only from the own origin (`'self'` covers ws/wss
  to the same host), no inline script or style, no plugins, no forms anywhere, no base URL changes.
- The quick-exit destination (`LYT_EXIT_URL`) and the message cap (`LYT_MAX_MESSAGE_CHARS`) reach the
  widget as data attributes of the page's `<html>` element (no inline script needed).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api.settings import Settings

DEV_ANCESTORS = ("http://localhost:*", "http://127.0.0.1:*")
_ORIGIN = re.compile(r"^(https?)://(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::(?:\d{1,5}|\*))?$")


def checked_ancestors(entries: list[str]) -> list[str]:
    """LYT_WIDGET_FRAME_ANCESTORS, each entry an origin or 'self' (the settings validator refuses the rest)."""
    cleaned = [entry.strip().rstrip("/") for entry in entries if entry.strip()]
    for entry in cleaned:
        if entry != "'self'" and not _ORIGIN.match(entry):
            raise ValueError(f"LYT_WIDGET_FRAME_ANCESTORS: not an origin: {entry[:80]!r}")
    return cleaned


def frame_ancestors(settings: Settings) -> list[str]:
    """The origins allowed to embed the widget's iframe."""
    configured = checked_ancestors(settings.widget_frame_ancestors)
    if configured:
        return configured
    return ["'self'", *DEV_ANCESTORS] if settings.is_development else ["'self'"]


def frame_csp(settings: Settings) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"frame-ancestors {' '.join(frame_ancestors(settings))}; base-uri 'none'; form-action 'none'"
    )


def frame_html(settings: Settings) -> str:
    exit_url = html.escape(settings.exit_url, quote=True)
    return (
        "<!doctype html>\n"
        f'<html lang="da" data-exit-url="{exit_url}" data-max-chars="{int(settings.max_message_chars)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        "<title>Lyt</title>\n"
        '<link rel="stylesheet" href="../static/widget/frame.css">\n'
        '<script src="../static/widget/frame.js" defer></script>\n'
        "</head>\n"
        "<body></body>\n"
        "</html>\n"
    )
