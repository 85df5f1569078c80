"""The end of an episode: its reward (play_task) or none (own requests, rated by the person).

Backend answers run in ``training.colbench``'s sandbox against the hidden tests; frontend pages
are rendered and compared with the hidden page (``evaluation.rewards``). One sandbox and one
scorer per process, started on first use. Runs in a runner (thread or Celery), never on the
event loop.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from training.colbench.evaluation import rewards
from webapp.collab.models import CollabSession
from webapp.collab.sessions import events
from webapp.collab.sessions.episode import replay
from webapp.trajectories.models import Evaluation

OWN_REQUEST_METRIC = "human-rating"
SCORING_LEASES = 4
"""Scoring (sandbox, renderer) holds its claim for this many generation leases."""

_lock = threading.Lock()
_sandbox = None
_scorer = None


def _shared_sandbox():
    global _sandbox
    with _lock:
        if _sandbox is None:
            from training.colbench.evaluation.sandbox import Sandbox

            _sandbox = Sandbox(workers=2)
        return _sandbox


def _shared_scorer():
    global _scorer
    with _lock:
        if _scorer is None:
            from training.colbench.evaluation.similarity import load_scorer

            _scorer = load_scorer()
        return _scorer


def unscored(session_id: int | None = None) -> list[int]:
    """Sessions waiting for a score with no live runner (never claimed, or its runner died)."""
    now = timezone.now()
    query = CollabSession.objects.filter(status=CollabSession.Status.SCORING).filter(
        Q(scoring_lease_expires_at__isnull=True) | Q(scoring_lease_expires_at__lt=now)
    )
    if session_id is not None:
        query = query.filter(pk=session_id)
    return list(query.values_list("pk", flat=True))


def result_message(session) -> dict:
    return {
        "type": "finished",
        "reward": session.reward,
        "metric": session.metric,
        "details": session.result_details,
    }


def _score(session, record) -> tuple[float | None, bool | None, str, dict]:
    details: dict = {"ended_by": session.ended_by}
    if session.mode == CollabSession.Mode.OWN_REQUEST:
        return None, None, OWN_REQUEST_METRIC, details
    if session.kind == "backend":
        scored = rewards.score_backend_trajectories([record], _shared_sandbox())[0]
        total = len(session.task.test_cases or {})
        details.update(
            tests_passed=round(scored.reward * total), tests_total=total, success=scored.success
        )
    else:
        from training.colbench.evaluation.render import shared_renderer

        scored = rewards.score_frontend_trajectories([record], shared_renderer(), _shared_scorer())[
            0
        ]
        details.update(similarity=scored.reward)
    return scored.reward, scored.success, scored.metric, details


def _claim(session_id: int) -> bool:
    """Take the scoring of a session in SCORING unless a live runner holds it (its lease)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.DUET_COLLAB["LEASE_S"] * SCORING_LEASES)
    return bool(
        CollabSession.objects.filter(pk=session_id, status=CollabSession.Status.SCORING)
        .filter(Q(scoring_lease_expires_at__isnull=True) | Q(scoring_lease_expires_at__lt=now))
        .update(scoring_lease_expires_at=now + lease)
    )


def finish_session(session_id: int) -> None:
    """Score a session in SCORING, store the result once, announce ``finished``. Idempotent:
    a second runner finds the lease held or the result stored and does nothing."""
    if not _claim(session_id):
        return
    session = CollabSession.objects.select_related("task", "trajectory").get(pk=session_id)
    env = replay(session)
    record = env.trajectory
    try:
        reward, success, metric, details = _score(session, record)
    except Exception:
        CollabSession.objects.filter(pk=session_id).update(scoring_lease_expires_at=None)
        events.publish(
            session_id,
            {
                "type": "error",
                "code": "internal",
                "message": "Scoring failed; it is retried on reconnect.",
            },
        )
        raise
    now = timezone.now()
    with transaction.atomic():
        locked = CollabSession.objects.select_for_update().get(pk=session_id)
        if locked.status == CollabSession.Status.FINISHED:
            return
        trajectory = session.trajectory
        trajectory.answer = record.answer
        trajectory.reward = reward
        trajectory.success = success
        trajectory.finished_at = now
        trajectory.meta = {**(trajectory.meta or {}), "ended_by": session.ended_by,
                           "agent_turns": len(record.agent_turns), "metric": metric}  # fmt: skip
        trajectory.save(update_fields=["answer", "reward", "success", "finished_at", "meta"])
        if reward is not None:
            Evaluation.objects.create(
                trajectory=trajectory, metric=metric, value=reward, success=success,
                evaluator="collab", details=details,
            )  # fmt: skip
        locked.status = CollabSession.Status.FINISHED
        locked.reward, locked.metric, locked.result_details = reward, metric, details
        locked.finished_at = now
        locked.scoring_lease_expires_at = None
        locked.save(update_fields=["status", "reward", "metric", "result_details", "finished_at",
                                   "scoring_lease_expires_at"])  # fmt: skip
    events.publish(session_id, result_message(locked))
