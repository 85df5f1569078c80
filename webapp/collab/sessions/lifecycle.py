"""What people do in a session: start it, say something, retry, end it, rate it.

Each function validates, writes in one transaction, and starts any agent work only after the
commit (``transaction.on_commit``), so nothing is acknowledged or generated from rows that could
still roll back.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from webapp.collab.models import OWN_REQUEST_SOURCE, AgentGeneration, CollabSession
from webapp.collab.sessions import access, events
from webapp.collab.sessions.dispatch import dispatch
from webapp.collab.sessions.episode import replay, text_limit
from webapp.collab.sessions.errors import SessionError
from webapp.collab.sessions.messages import turn_message
from webapp.collab.sessions.versions import ensure_default_version
from webapp.trajectories.models import Task, Trajectory, Turn

CLIENT_ID_MAX = 64


def _dispatch_after_commit(job: str, object_id: int) -> None:
    transaction.on_commit(lambda: dispatch(job, object_id))


def create_session(
    owner,
    *,
    mode: str,
    kind: str,
    task_id: str | None = None,
    request_text: str | None = None,
    split: str = "train",
    max_agent_turns: int = 10,
    is_simulator: bool = False,
    simulator_spec: str = "",
    pinned_version=None,
    batch=None,
    start: bool = True,
) -> CollabSession:
    """A new session whose opening message is stored as turn 0 and whose first agent turn is
    queued (``start=False``: queued but not dispatched; simulator batches run it themselves).

    play_task: ``task_id``, or a random task of ``kind`` from ``split``. own_request:
    ``request_text`` becomes a task of its own with no hidden information.
    """
    if not is_simulator and not access.may_hold_sessions(owner):
        raise SessionError("forbidden", "only collaborators and admins hold sessions")
    if kind not in ("backend", "frontend"):
        raise SessionError("bad_message", "kind must be backend or frontend")
    if not 1 <= max_agent_turns <= 10:
        raise SessionError("bad_message", "max_agent_turns must be between 1 and 10")
    ensure_default_version()
    with transaction.atomic():
        if mode == CollabSession.Mode.PLAY_TASK:
            task = _pick_task(kind, task_id, split)
        elif mode == CollabSession.Mode.OWN_REQUEST:
            task = _own_request_task(kind, request_text)
        else:
            raise SessionError("bad_message", "mode must be play_task or own_request")
        trajectory = Trajectory.objects.create(
            task=task,
            origin=Trajectory.Origin.SIMULATOR if is_simulator else Trajectory.Origin.HUMAN,
            meta={"mode": mode, **({"simulator": simulator_spec} if is_simulator else {})},
        )
        session = CollabSession.objects.create(
            owner=owner, mode=mode, kind=kind, task=task, trajectory=trajectory,
            is_simulator=is_simulator, simulator_spec=simulator_spec,
            pinned_version=pinned_version, max_agent_turns=max_agent_turns, batch=batch,
        )  # fmt: skip
        trajectory.meta["session"] = session.pk
        trajectory.save(update_fields=["meta"])
        Turn.objects.create(
            trajectory=trajectory, index=0, role=Turn.Role.USER, content=task.problem_description
        )
        generation = AgentGeneration.objects.create(session=session, index=1)
        if start:
            _dispatch_after_commit("generation", generation.pk)
    return session


def _pick_task(kind: str, task_id: str | None, split: str) -> Task:
    tasks = Task.objects.filter(kind=kind).exclude(source=OWN_REQUEST_SOURCE)
    if task_id:
        task = tasks.filter(pk=task_id).first()
        if task is None:
            raise SessionError("bad_message", f"no {kind} task {task_id!r}")
        return task
    ids = list(tasks.filter(split=split).values_list("pk", flat=True))
    if not ids:
        raise SessionError("bad_message", f"no {kind} tasks in split {split!r}")
    return Task.objects.get(pk=random.choice(ids))


def _own_request_task(kind: str, text: str | None) -> Task:
    text = (text or "").strip()
    if not text:
        raise SessionError("bad_message", "say what you need")
    limit = settings.DUET_COLLAB["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise SessionError("too_long", f"a request holds at most {limit} characters")
    return Task.objects.create(
        id=f"own-{uuid.uuid4().hex}", kind=kind, problem_description=text, ground_truth="",
        test_cases={}, split=OWN_REQUEST_SOURCE, source=OWN_REQUEST_SOURCE,
    )  # fmt: skip


def _rate_limit(user) -> None:
    window = settings.DUET_COLLAB["RATE_LIMIT_WINDOW_S"]
    allowed = settings.DUET_COLLAB["RATE_LIMIT_SAYS"]
    since = timezone.now() - timedelta(seconds=window)
    recent = list(
        Turn.objects.filter(
            trajectory__collab_session__owner=user, role=Turn.Role.USER,
            client_id__isnull=False, created_at__gte=since,
        ).order_by("-created_at").values_list("created_at", flat=True)[:allowed]
    )  # fmt: skip
    if len(recent) >= allowed:
        oldest = recent[-1]
        wait = (oldest + timedelta(seconds=window) - timezone.now()).total_seconds()
        raise SessionError(
            "rate_limited",
            f"at most {allowed} messages per {window} s",
            retry_after=max(1, math.ceil(wait)),
        )


def _existing_ack(session, client_id: str) -> int | None:
    return (
        Turn.objects.filter(trajectory_id=session.trajectory_id, client_id=client_id)
        .values_list("index", flat=True)
        .first()
    )


def say(session_id: int, user, client_id, text) -> tuple[int, bool]:
    """Store the person's message; returns ``(index, created)``. A resend of a ``client_id``
    returns the first one's index and writes nothing (the database enforces it)."""
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise SessionError("bad_message", f"client_id must be a string of 1-{CLIENT_ID_MAX} chars")
    if not isinstance(text, str):
        raise SessionError("bad_message", "text must be a string")
    session = CollabSession.objects.select_related("task").get(pk=session_id)
    if not access.can_say(user, session):
        raise SessionError("read_only", "you are watching this session; only its owner speaks")
    index = _existing_ack(session, client_id)
    if index is not None:
        return index, False
    if session.status != CollabSession.Status.ACTIVE:
        raise SessionError("finished", "this session has ended")
    limit = text_limit(session)
    if len(text) > limit:
        raise SessionError("too_long", f"a message holds at most {limit} characters")
    if not text.strip():
        raise SessionError("bad_message", "the message is empty")
    _rate_limit(user)
    try:
        with transaction.atomic():
            session = (
                CollabSession.objects.select_for_update().select_related("task").get(pk=session_id)
            )
            if session.status != CollabSession.Status.ACTIVE:
                raise SessionError("finished", "this session has ended")
            env = replay(session)
            if env.done or not env.awaiting_reply:
                raise SessionError("not_your_turn", "the agent has not answered yet")
            index = len(env.trajectory.dialogue_history)
            recorded = env.observe(text)
            turn = Turn.objects.create(
                trajectory_id=session.trajectory_id, index=index, role=Turn.Role.USER,
                content=recorded, client_id=client_id,
            )  # fmt: skip
            generation = AgentGeneration.objects.create(session=session, index=index + 1)
            _dispatch_after_commit("generation", generation.pk)
    except IntegrityError:  # the same client_id raced in through another socket
        index = _existing_ack(session, client_id)
        if index is None:
            raise
        return index, False
    events.publish(session.pk, turn_message(turn, session))
    return index, True


def retry(session_id: int, user) -> int:
    """Run a failed agent turn again (e.g. once the backend is back); returns its index."""
    session = CollabSession.objects.get(pk=session_id)
    if not access.can_say(user, session):
        raise SessionError("read_only", "only the session's owner can retry")
    if session.status != CollabSession.Status.ACTIVE:
        raise SessionError("finished", "this session has ended")
    with transaction.atomic():
        generation = (
            AgentGeneration.objects.select_for_update()
            .filter(session=session, status=AgentGeneration.Status.FAILED)
            .order_by("-index")
            .first()
        )
        if generation is None:
            raise SessionError("not_your_turn", "no failed agent turn to retry")
        generation.status = AgentGeneration.Status.PENDING
        generation.save(update_fields=["status", "updated_at"])
        _dispatch_after_commit("generation", generation.pk)
    return generation.index


def end_session(session_id: int, user) -> None:
    """End the episode now (the person's "End"): scored on what it has, off the event loop."""
    session = CollabSession.objects.get(pk=session_id)
    if not access.can_say(user, session):
        raise SessionError("read_only", "only the session's owner can end it")
    with transaction.atomic():
        session = CollabSession.objects.select_for_update().get(pk=session_id)
        if session.status != CollabSession.Status.ACTIVE:
            raise SessionError("finished", "this session has ended")
        busy = AgentGeneration.objects.filter(
            session=session,
            status__in=[AgentGeneration.Status.PENDING, AgentGeneration.Status.RUNNING],
        ).exists()
        if busy:
            raise SessionError("not_your_turn", "wait for the agent's turn to finish")
        session.status = CollabSession.Status.SCORING
        session.ended_by = "person"
        session.ended_at = timezone.now()
        session.save(update_fields=["status", "ended_by", "ended_at"])
        _dispatch_after_commit("finish", session.pk)


def rate(session_id: int, user, rating, did_what_i_needed) -> None:
    """The person's rating of a finished session (1-5, and "it did what I needed")."""
    session = CollabSession.objects.select_related("trajectory").get(pk=session_id)
    if not access.can_say(user, session):
        raise SessionError("read_only", "only the session's owner rates it")
    if session.status != CollabSession.Status.FINISHED:
        raise SessionError("not_your_turn", "rate the session once it has finished")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SessionError("bad_message", "rating must be an integer from 1 to 5")
    if did_what_i_needed is not None and not isinstance(did_what_i_needed, bool):
        raise SessionError("bad_message", "did_what_i_needed must be true or false")
    with transaction.atomic():
        CollabSession.objects.filter(pk=session.pk).update(
            rating=rating, did_what_i_needed=did_what_i_needed
        )
        Trajectory.objects.filter(pk=session.trajectory_id).update(
            human_rating=rating, human_did_what_needed=did_what_i_needed
        )
