"""HTML pages: the demo partner page at / (embeds the widget) and the counsellor dashboard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from api.settings import REPO_ROOT

router = APIRouter(tags=["pages"], include_in_schema=False)
STATIC = REPO_ROOT / "api" / "static"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@router.get("/")
async def demo_page() -> FileResponse:
    return FileResponse(STATIC / "demo.html", media_type="text/html", headers={"Content-Security-Policy": PAGE_CSP})


@router.get("/counsellor")
async def counsellor_dashboard() -> HTMLResponse:
    path = STATIC / "dashboard" / "index.html"
    if not path.exists():
        return HTMLResponse("<p>The dashboard is not built yet.</p>", status_code=503)
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={"Content-Security-Policy": PAGE_CSP})
