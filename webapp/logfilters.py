"""Logging filters."""

from __future__ import annotations

import logging

PROBE_PATHS = ("/healthz", "/status")


class DropHealthProbe503(logging.Filter):
    """Django logs every 5xx at ERROR. A health endpoint answering 503 is reporting, not failing,
    and a load balancer polling it would otherwise fill the log; the component states are on
    /status. Other 503s and every other error are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        return not (getattr(record, "status_code", None) == 503 and path in PROBE_PATHS)
