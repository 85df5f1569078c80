"""The periodic sweep: work whose runner died while no socket of its session was open.

An open socket already hands its session's expired generation to a new runner every half lease
(:meth:`webapp.collab.consumers.SessionConsumer._watch_leases`). A person who closed the tab
before the web process restarted leaves nobody to do that, yet the turn must still be finished
and stored (issue 9: generation outlives the socket and the web process). Celery beat runs
:func:`sweep` every ``DUET_COLLAB["SWEEP_S"]`` seconds (``workers.tasks.collab_sweep``).

The sweep waits ``GRACE_LEASES`` leases, not one: a session with a socket open is redone by its
socket first, so in the embedded set-up (runner threads in the web process, in-memory channel
layer) the person watching keeps receiving the streamed turn from the web process instead of a
silent redo in the worker. The claim and the unique turn index keep a double hand-over harmless.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from webapp.collab.models import AgentGeneration, CollabSession
from webapp.collab.sessions.dispatch import dispatch

GRACE_LEASES = 2


def abandoned_generations(now=None) -> list[int]:
    """Generations with no live runner for ``GRACE_LEASES`` leases: running with a lease that
    ran out that long ago, or pending that long with nobody claiming them."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.DUET_COLLAB["LEASE_S"] * GRACE_LEASES)
    lease = timedelta(seconds=settings.DUET_COLLAB["LEASE_S"])
    stale = now - grace
    # A running lease ends one lease after its last heartbeat; "dead for the grace" means it
    # ended (grace - lease) ago.
    query = AgentGeneration.objects.filter(
        Q(status=AgentGeneration.Status.RUNNING, lease_expires_at__lt=now - (grace - lease))
        | Q(status=AgentGeneration.Status.PENDING, updated_at__lt=stale)
    )
    return list(query.order_by("pk").values_list("pk", flat=True))


def abandoned_scoring(now=None) -> list[int]:
    """Finished episodes waiting for a score whose scorer is gone (or never started)."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.DUET_COLLAB["LEASE_S"] * GRACE_LEASES)
    query = CollabSession.objects.filter(status=CollabSession.Status.SCORING).filter(
        Q(scoring_lease_expires_at__isnull=True, ended_at__lt=now - grace)
        | Q(scoring_lease_expires_at__isnull=True, ended_at__isnull=True)  # ended before 0002
        | Q(scoring_lease_expires_at__lt=now - grace)
    )
    return list(query.order_by("pk").values_list("pk", flat=True))


def sweep() -> dict[str, list[int]]:
    """Hand every abandoned generation and scoring to a new runner; returns what was handed."""
    generations = abandoned_generations()
    for generation_id in generations:
        # Touch it so the next sweep (or a socket) does not hand it over again at once.
        AgentGeneration.objects.filter(pk=generation_id).update(updated_at=timezone.now())
        dispatch("generation", generation_id)
    sessions = abandoned_scoring()
    for session_id in sessions:
        dispatch("finish", session_id)
    return {"generations": generations, "sessions": sessions}
