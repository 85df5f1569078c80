"""``/healthz`` for machines and ``/status`` for people: the same checks, two presentations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from webapp.ops.health import DOWN, collect

COMPONENT_LABELS = {
    "database": "Database",
    "channel_layer": "Channel layer",
    "broker": "Task broker",
    "worker": "Background worker",
    "inference": "Inference backend",
    "renderer": "Page renderer",
}


async def healthz(request: HttpRequest) -> JsonResponse:
    """200 while every component is ok or degraded, 503 once one is down."""
    report = await collect()
    status = 503 if report.status == DOWN else 200
    response = JsonResponse(report.as_dict(), status=status)
    response["Cache-Control"] = "no-store"
    return response


async def status_page(request: HttpRequest) -> HttpResponse:
    report = await collect()
    rows = [
        {"name": name, "label": COMPONENT_LABELS.get(name, name), **health.as_dict()}
        for name, health in report.components.items()
    ]
    return render(
        request,
        "ops/status.html",
        {"overall": report.status, "rows": rows},
        status=503 if report.status == DOWN else 200,
    )
