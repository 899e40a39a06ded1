"""Prometheus metrics. Labels never carry message text, ids or addresses."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("lyt_http_requests_total", "HTTP requests", ["route", "status"])
LATENCY = Histogram("lyt_http_request_seconds", "HTTP request latency", ["route"])
TRIAGE_LEVELS = Counter("lyt_triage_level_total", "Triage verdicts", ["level"])
