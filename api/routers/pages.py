"""HTML pages: the demo partner page at / (embeds the widget), the widget's own iframe page and the dashboard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep
from api.settings import REPO_ROOT
from api.widget_frame import frame_csp, frame_html

router = APIRouter(tags=["pages"], include_in_schema=False)
STATIC = REPO_ROOT / "api" / "static"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@router.get("/")
async def demo_page() -> FileResponse:
    return FileResponse(STATIC / "demo.html", media_type="text/html", headers={"Content-Security-Policy": PAGE_CSP})


@router.get("/widget/frame")
async def widget_frame(settings: SettingsDep) -> HTMLResponse:
    """The chat itself, inside the iframe the loader (static/widget/widget.js) puts on a partner page."""
    return HTMLResponse(
        frame_html(settings), headers={"Content-Security-Policy": frame_csp(settings), "Cache-Control": "no-cache"}
    )


@router.get("/counsellor")
async def counsellor_dashboard() -> HTMLResponse:
    path = STATIC / "dashboard" / "index.html"
    if not path.exists():
        return HTMLResponse("<p>The dashboard is not built yet.</p>", status_code=503)
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={"Content-Security-Policy": PAGE_CSP})
