"""The JSON messages of the live protocol that describe stored things (turns, state).

Text is sent as text: pages must insert it with ``textContent`` (never as HTML), so an agent's
``<script>`` shows as text. A frontend agent turn's page reaches people only as a screenshot
(``image_url``, served by an access-checked view).
"""

from __future__ import annotations

from webapp.collab.models import AgentGeneration, CollabSession, TurnRender
from webapp.collab.sessions import access, renders
from webapp.collab.sessions.episode import stored_turns, text_limit
from webapp.collab.sessions.scoring import result_message


def turn_message(turn, session, render: TurnRender | None = None) -> dict:
    out = {
        "type": "turn",
        "index": turn.index,
        "role": turn.role,
        "content": turn.content,
        "created_at": turn.created_at.isoformat() if turn.created_at else None,
    }
    if turn.role == "user":
        out["client_id"] = turn.client_id
    else:
        out["model_version"] = turn.model_version.name if turn.model_version_id else None
        out["latency_ms"] = turn.latency_ms
        if render is not None:
            out["image_url"] = (
                renders.turn_image_url(session.pk, turn.index) if render.image else None
            )
    return out


def task_card(session, user) -> dict:
    task = session.task
    card = {
        "id": task.pk,
        "kind": task.kind,
        "split": task.split,
        "problem_description": task.problem_description,
    }
    if access.can_see_hidden(user, session):
        if task.kind == "backend":
            card["hidden"] = {"ground_truth": task.ground_truth, "test_cases": task.test_cases}
        else:
            card["hidden"] = {"target_image_url": renders.target_image_url(session.pk)}
    return card


def state_message(session: CollabSession, user, after: int | None = None) -> dict:
    """Everything a socket needs on connect: stored turns (after ``after`` if given), status,
    the generation in progress (with its text so far) and the result."""
    turns = stored_turns(session)
    shown = [t for t in turns if after is None or t.index > after]
    by_turn = {r.turn_id: r for r in TurnRender.objects.filter(turn__in=[t.pk for t in shown])}
    generating = (
        AgentGeneration.objects.filter(
            session=session,
            status__in=[AgentGeneration.Status.PENDING, AgentGeneration.Status.RUNNING],
        )
        .select_related("model_version")
        .order_by("-index")
        .first()
    )
    failed = (
        AgentGeneration.objects.filter(session=session, status=AgentGeneration.Status.FAILED)
        .order_by("-index")
        .first()
    )
    return {
        "type": "state",
        "session": {
            "id": session.pk,
            "mode": session.mode,
            "kind": session.kind,
            "status": session.status,
            "simulator": session.is_simulator,
            "max_agent_turns": session.max_agent_turns,
            "text_limit": text_limit(session),
            "read_only": not access.can_say(user, session),
            "owner": session.owner.get_username(),
        },
        "task": task_card(session, user),
        "turns": [turn_message(t, session, by_turn.get(t.pk)) for t in shown],
        "last_index": turns[-1].index if turns else -1,
        "generating": None
        if generating is None
        else {
            "index": generating.index,
            "model_version": generating.model_version.name if generating.model_version else None,
            "text": generating.partial_text,
        },
        "failed": None
        if failed is None or failed.index < len(turns)
        else {"index": failed.index, "code": failed.error_code},
        "result": result_message(session)
        if session.status == CollabSession.Status.FINISHED
        else None,
    }
