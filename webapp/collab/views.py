"""Session images, served only to those who may see them (never public static files).

Pages (the session list, the session page) come with the pages issue; these views are what the
protocol's ``image_url`` and the task card's target image point to.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from webapp.collab.models import CollabSession, TurnRender
from webapp.collab.sessions import access, renders


def _session_for(request, session_id: int, *, hidden: bool = False) -> CollabSession:
    session = get_object_or_404(CollabSession.objects.select_related("task"), pk=session_id)
    allowed = access.can_see_hidden if hidden else access.can_open
    if not allowed(request.user, session):
        raise Http404("no such session")  # the same answer as a missing one: ids are not probed
    return session


def _png(name: str) -> FileResponse:
    response = FileResponse(renders.render_storage().open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@login_required
def turn_image(request, session_id: int, index: int):
    session = _session_for(request, session_id)
    record = (
        TurnRender.objects.filter(turn__trajectory_id=session.trajectory_id, turn__index=index)
        .exclude(image="")
        .first()
    )
    if record is None:
        raise Http404("no screenshot for this turn")
    return _png(record.image)


@require_GET
@login_required
def target_image(request, session_id: int):
    session = _session_for(request, session_id, hidden=True)
    if session.kind != "frontend":
        raise Http404("backend tasks have no target page")
    return _png(renders.target_image_name(session.task))
