"""Prometheus metrics. Labels never carry message text, ids or addresses."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("lyt_http_requests_total", "HTTP requests", ["route", "status"])
LATENCY = Histogram("lyt_http_request_seconds", "HTTP request latency", ["route"])
TRIAGE_LEVELS = Counter("lyt_triage_level_total", "Triage verdicts", ["level"])
# Alerts to LYT_ALERT_WEBHOOK_URL (api/services/alerts.py): labels are the alert kind and a short reason.
ALERTS_DELIVERED = Counter("lyt_alerts_delivered_total", "Alerts the webhook accepted", ["kind"])
ALERT_DELIVERY_ERRORS = Counter(
    "lyt_alert_delivery_errors_total", "Failed webhook attempts (each retry counts)", ["kind", "reason"]
)
ALERTS_DROPPED = Counter("lyt_alerts_dropped_total", "Alerts never delivered (gave up, queue full)", ["kind", "reason"])
# Live queue positions pushed to waiting young people (api/services/queue_push.py).
QUEUE_PUSHES = Counter("lyt_queue_position_pushes_total", "Queue position events pushed to youth sockets")
