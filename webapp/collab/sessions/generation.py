"""One agent turn: claim the generation, stream it, store it once, then what follows.

Mechanism (see also docs/architecture.md, "One turn"). Before any generation an
``AgentGeneration`` row names the turn index it fills. A runner (a Celery task, or a thread of
the web process in the embedded set-up: :mod:`.dispatch`) *claims* it with one conditional
UPDATE (pending, or running with an expired lease), streams the model's text while a thread
renews the lease every ``HEARTBEAT_S`` (saving the text so far, for sockets that connect
mid-turn; deltas are coalesced to at most one message per ``DELTA_INTERVAL_S``), then stores
the turn in one transaction that first checks the claim is still its own; the ``Turn`` unique
constraint on ``(trajectory, index)`` makes a second store impossible. A runner that died (web
restart, killed worker) stops renewing its lease; :func:`redo_expired`, called when a socket
connects and while one waits, hands the generation to a new runner, which generates it again
from the stored turns. A turn is therefore neither lost nor stored twice.

Everything here is blocking (model, database, renderer, sandbox) and runs off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from training.colbench.environments import ENDED_BY_CONTEXT_LIMIT
from training.llm.base import BackendUnavailable, ContextLengthExceeded, SamplingParams
from webapp.collab.models import AgentGeneration, CollabSession
from webapp.collab.sessions import events, renders
from webapp.collab.sessions.episode import replay, stored_turns
from webapp.collab.sessions.messages import turn_message
from webapp.collab.sessions.versions import backend_for, version_for
from webapp.trajectories.models import Turn

log = logging.getLogger(__name__)


class LostClaim(Exception):
    """Another runner took this generation over (this one was too slow to renew its lease)."""


def _runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.DUET_COLLAB["LEASE_S"])


def claim(generation_id: int) -> AgentGeneration | None:
    """Take a generation that is pending or whose runner's lease expired; None if not ours."""
    now = timezone.now()
    taken = (
        AgentGeneration.objects.filter(pk=generation_id)
        .filter(
            Q(status=AgentGeneration.Status.PENDING)
            | Q(status=AgentGeneration.Status.RUNNING, lease_expires_at__lt=now)
        )
        .update(
            status=AgentGeneration.Status.RUNNING,
            attempts=F("attempts") + 1,
            runner=_runner_name(),
            lease_expires_at=_lease_end(),
            partial_text="",
            error_code="",
            error="",
        )
    )
    if not taken:
        return None
    return AgentGeneration.objects.select_related("session__task").get(pk=generation_id)


class _Lease:
    """Renews a claimed generation's lease from a thread of its own every ``HEARTBEAT_S`` while
    the runner works (loading the model, prefill, decoding, rendering), saving the text so far.
    Renewal stops as soon as the claim is found taken over (see :meth:`check`)."""

    def __init__(self, generation: AgentGeneration):
        self.generation = generation
        self.text: str | None = None
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="duet-lease", daemon=True)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        every = settings.DUET_COLLAB["HEARTBEAT_S"]
        try:
            while not self._stop.wait(every):
                extra = {} if self.text is None else {"partial_text": self.text}
                renewed = AgentGeneration.objects.filter(
                    pk=self.generation.pk,
                    attempts=self.generation.attempts,
                    status=AgentGeneration.Status.RUNNING,
                ).update(lease_expires_at=_lease_end(), **extra)
                if not renewed:
                    self.lost.set()
                    return
        finally:
            connections.close_all()

    def check(self) -> None:
        if self.lost.is_set():
            raise LostClaim(f"generation {self.generation.pk} was taken over")


def _stream(llm, prompt: str, params: SamplingParams, adapter, on_delta) -> str:
    """Drive the backend's async stream step by step on a private event loop of this thread;
    ``on_delta`` runs between steps, outside any running loop (it writes to the database)."""
    loop = asyncio.new_event_loop()
    stream = llm.stream(prompt, params, adapter=adapter)
    parts: list[str] = []
    try:
        while True:
            try:
                delta = loop.run_until_complete(anext(stream))
            except StopAsyncIteration:
                break
            on_delta(delta, sum(map(len, parts)))
            parts.append(delta)
    finally:
        loop.run_until_complete(stream.aclose())
        loop.close()
    return "".join(parts)


def _finish_generation(generation: AgentGeneration, status: str, code: str = "", error: str = ""):
    AgentGeneration.objects.filter(pk=generation.pk, attempts=generation.attempts).update(
        status=status, error_code=code, error=error[:2000], lease_expires_at=None
    )


def run_generation(generation_id: int) -> int | None:
    """Run one claimed agent turn to its end; returns the id of a generation to run next in
    the same runner (a frontend turn without a page gets a fixed reply and the agent goes on),
    or None."""
    generation = claim(generation_id)
    if generation is None:
        return None
    session = generation.session
    try:
        with _Lease(generation) as lease:
            return _advance(session, generation, lease)
    except LostClaim:
        log.info("generation %s was taken over by another runner", generation_id)
        return None
    except BackendUnavailable as error:
        _finish_generation(generation, AgentGeneration.Status.FAILED, "backend_unavailable",
                           str(error))  # fmt: skip
        events.publish(session.pk, {
            "type": "error", "code": "backend_unavailable", "index": generation.index,
            "message": "The agent's model is unavailable; your message is kept. Retry later.",
        })  # fmt: skip
        return None
    except Exception as error:
        log.exception("generation %s failed", generation_id)
        _finish_generation(generation, AgentGeneration.Status.FAILED, "internal", repr(error))
        events.publish(session.pk, {
            "type": "error", "code": "internal", "index": generation.index,
            "message": "The agent's turn failed; retry, or end the session.",
        })  # fmt: skip
        return None


def _advance(session: CollabSession, generation: AgentGeneration, lease: _Lease) -> int | None:
    index = generation.index
    turns = stored_turns(session)
    env = replay(session, turns)
    if len(turns) == index and not env.done and not env.awaiting_reply:
        if _generate_and_store(session, generation, env, lease) is None:
            return None  # the episode ended at the context limit; finished there
        turns = stored_turns(session)
        env = replay(session, turns)
    elif len(turns) < index:
        raise RuntimeError(f"session {session.pk}: turn {index} requested after {len(turns)}")
    # The agent turn at `index` is stored (now or by an earlier runner that died after storing).
    agent_turn = turns[index]
    if session.kind == "frontend" and renders.has_page(agent_turn):
        record = renders.render_turn(session, agent_turn)
        events.publish(session.pk, {
            "type": "render", "index": index,
            "image_url": renders.turn_image_url(session.pk, index) if record.image else None,
            **({"error": record.error} if record.error else {}),
        })  # fmt: skip
    return _after_agent_turn(session, generation, env, len(turns))


def _generate_and_store(session, generation, env, lease: _Lease) -> Turn | None:
    version = version_for(session)
    AgentGeneration.objects.filter(pk=generation.pk).update(model_version=version)
    llm, adapter = backend_for(version)
    prompt = llm.chat_prompt(env.agent_messages())
    params = SamplingParams(n=1, temperature=0.0, max_tokens=settings.DUET_COLLAB["MAX_TOKENS"])
    index = generation.index
    interval = settings.DUET_COLLAB["DELTA_INTERVAL_S"]
    parts: list[str] = []
    sent = 0  # characters already published
    last_sent = 0.0
    trace = settings.DUET_COLLAB.get("TRACE_TIMINGS")
    unsent: list[float] = []  # time.time() of each token not yet published (tracing only)

    def flush() -> None:
        nonlocal sent, last_sent
        text = "".join(parts)
        if len(text) > sent:
            payload = {"type": "agent_delta", "index": index, "text": text[sent:], "offset": sent}
            if trace:  # oldest and newest token in this delta, and when it was published
                payload["trace"] = {"first": unsent[0], "last": unsent[-1], "flush": time.time()}
                unsent.clear()
            events.publish(session.pk, payload)
            sent, last_sent = len(text), time.monotonic()
        lease.text = text

    def on_delta(delta: str, offset: int) -> None:
        lease.check()
        if trace:
            unsent.append(time.time())
        parts.append(delta)
        if time.monotonic() - last_sent >= interval:
            flush()

    events.publish(session.pk, {"type": "agent_start", "index": index,
                                "model_version": version.name})  # fmt: skip
    started = time.monotonic()
    try:
        text = _stream(llm, prompt, params, adapter, on_delta)
    except ContextLengthExceeded:
        _end_at_context_limit(session, generation)
        return None
    flush()
    latency_ms = int((time.monotonic() - started) * 1000)
    env.act(text, prompt=prompt, model=adapter or getattr(llm, "model_name", None) or llm.spec)
    fixed = env.trajectory.dialogue_history[index + 1] if len(
        env.trajectory.dialogue_history) > index + 1 else None  # fmt: skip
    try:
        with transaction.atomic():
            locked = AgentGeneration.objects.select_for_update().get(pk=generation.pk)
            if locked.attempts != generation.attempts or locked.status != "running":
                raise LostClaim(f"generation {generation.pk} was taken over")
            turn = Turn.objects.create(
                trajectory_id=session.trajectory_id, index=index, role=Turn.Role.ASSISTANT,
                content=text, input=prompt, output=text, model=env.trajectory.dialogue_history[
                    index].model, model_version=version, latency_ms=latency_ms,
            )  # fmt: skip
            if fixed is not None:
                Turn.objects.create(trajectory_id=session.trajectory_id, index=index + 1,
                                    role=Turn.Role.USER, content=fixed.content)  # fmt: skip
    except IntegrityError:
        log.info("turn %s of session %s was stored by another runner", index, session.pk)
        return Turn.objects.get(trajectory_id=session.trajectory_id, index=index)
    events.publish(session.pk, {
        "type": "agent_done", "index": index, "content": text, "model_version": version.name,
        "latency_ms": latency_ms,
    })  # fmt: skip
    return turn


def _end_at_context_limit(session, generation) -> None:
    with transaction.atomic():
        CollabSession.objects.filter(pk=session.pk, status=CollabSession.Status.ACTIVE).update(
            status=CollabSession.Status.SCORING,
            ended_by=ENDED_BY_CONTEXT_LIMIT,
            ended_at=timezone.now(),
        )
        _finish_generation(generation, AgentGeneration.Status.DONE)
    from webapp.collab.sessions.scoring import finish_session

    finish_session(session.pk)


def _after_agent_turn(session, generation, env, stored: int) -> int | None:
    """The episode ended (score it), waits for the person, or goes on after a fixed reply."""
    next_generation = None
    with transaction.atomic():
        if env.done:
            CollabSession.objects.filter(pk=session.pk, status=CollabSession.Status.ACTIVE).update(
                status=CollabSession.Status.SCORING,
                ended_by=env.trajectory.meta.get("ended_by", ""),
                ended_at=timezone.now(),
            )
        elif not env.awaiting_reply:  # the fixed reply is stored: the agent goes again
            next_generation, _ = AgentGeneration.objects.get_or_create(
                session_id=session.pk, index=stored
            )
        _finish_generation(generation, AgentGeneration.Status.DONE)
    if env.done:
        from webapp.collab.sessions.scoring import finish_session

        finish_session(session.pk)
        return None
    if next_generation is not None:
        fixed = Turn.objects.get(trajectory_id=session.trajectory_id, index=stored - 1)
        events.publish(session.pk, turn_message(fixed, session))
        return next_generation.pk
    return None


def drive(generation_id: int | None) -> None:
    """Run a generation and the ones that follow it without a person (fixed replies)."""
    while generation_id is not None:
        generation_id = run_generation(generation_id)


def expired(session_id: int | None = None):
    """Generations whose runner is gone: running past their lease, or pending for a lease's
    length without any runner claiming them (a dispatch lost with its process)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DUET_COLLAB["LEASE_S"])
    query = AgentGeneration.objects.filter(
        Q(status=AgentGeneration.Status.RUNNING, lease_expires_at__lt=now)
        | Q(status=AgentGeneration.Status.PENDING, updated_at__lt=stale)
    )
    if session_id is not None:
        query = query.filter(session_id=session_id)
    return list(query.values_list("pk", flat=True))


def redo_expired(session_id: int | None = None) -> list[int]:
    """Hand each expired generation (and each unscored finished episode) to a new runner;
    returns the generations' ids."""
    from webapp.collab.sessions.dispatch import dispatch
    from webapp.collab.sessions.scoring import unscored

    ids = expired(session_id)
    for generation_id in ids:
        AgentGeneration.objects.filter(pk=generation_id).update(updated_at=timezone.now())
        dispatch("generation", generation_id)
    for unscored_id in unscored(session_id):
        dispatch("finish", unscored_id)
    return ids
