"""Screenshots of agent pages and target pages, rendered offline and kept in a Django storage.

Storage ``duet_renders`` (settings.STORAGES): files under ``<data dir>/renders`` by default, any
storage backend in production. Images are served only through the session's access-checked
views (``webapp.collab.views``), never as public files; agent HTML never enters Duet's pages.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from training.colbench import protocol
from training.colbench.evaluation.render import RenderError, shared_renderer
from webapp.collab.models import TurnRender

log = logging.getLogger(__name__)


def render_storage():
    return storages["duet_renders"]


def _store_png(name: str, png: bytes) -> str:
    storage = render_storage()
    if storage.exists(name):  # renders are deterministic: same name, same picture
        return name
    return storage.save(name, ContentFile(png))


def page_of(turn) -> str | None:
    """The ``<html>`` snippet an agent turn shows the person, if any (the protocol's rule)."""
    return protocol.extract_html_snippet(protocol.shown_text(turn.content))


def has_page(turn) -> bool:
    return turn.role == "assistant" and page_of(turn) is not None


def render_turn(session, turn) -> TurnRender:
    """Render the page an agent turn shows (the snippet after ``OUTPUT:``), store it once."""
    existing = TurnRender.objects.filter(turn=turn).first()
    if existing is not None:
        return existing
    html = page_of(turn)
    if html is None:
        return TurnRender.objects.create(turn=turn, error="no page in this turn")
    try:
        result = shared_renderer().render(html)
    except RenderError as error:
        log.info("render of session %s turn %s failed: %s", session.pk, turn.index, error)
        record, _ = TurnRender.objects.get_or_create(turn=turn, defaults={"error": str(error)})
        return record
    name = _store_png(f"sessions/{session.pk}/turn-{turn.index}-{result.html_sha1[:12]}.png",
                      result.png)  # fmt: skip
    record, _ = TurnRender.objects.get_or_create(
        turn=turn, defaults={"image": name, "width": result.width, "height": result.height}
    )
    return record


def target_image_name(task) -> str:
    """The storage name of a frontend task's hidden page's screenshot, rendered on first use."""
    name = f"targets/{task.pk}.png"
    if not render_storage().exists(name):
        result = shared_renderer().render(task.ground_truth)
        _store_png(name, result.png)
    return name


def turn_image_url(session_id: int, index: int) -> str:
    return reverse("collab:turn-image", args=[session_id, index])


def target_image_url(session_id: int) -> str:
    return reverse("collab:target-image", args=[session_id])
