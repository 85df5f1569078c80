"""Live collaboration sessions: who works on what, and the agent turns being generated.

A :class:`CollabSession` fills one :class:`~webapp.trajectories.models.Trajectory`; its turns are
the trajectory's ``Turn`` rows, whose ``index`` is the session's sequence number (0 is the
person's opening message). Two modes:

``play_task``
    A bundled or imported ColBench task. The person plays the user from the task's hidden
    details (shown to the session's owner only); the episode ends with its reward.
``own_request``
    A free-form request with no hidden information. It is stored as a ``Task`` row of its own
    with ``source = "own-request"``, ``split = "own-request"`` and empty ``ground_truth`` and
    ``test_cases`` (:data:`OWN_REQUEST_SOURCE`), so every trajectory still has a task. Such rows
    carry no reward: training exports must leave out tasks of that source when they need
    rewards. The person rates the outcome (1-5 and "it did what I needed"), stored on the session
    and on the trajectory.

An :class:`AgentGeneration` is written before the agent turn it produces is generated; it
holds a lease that its runner renews while it streams, so a turn whose runner died (web or
worker restart) is found by its expired lease and generated again. The turn itself is stored
once: ``Turn`` is unique on ``(trajectory, index)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

OWN_REQUEST_SOURCE = "own-request"


class CollabSession(models.Model):
    class Mode(models.TextChoices):
        PLAY_TASK = "play_task", "Play a task"
        OWN_REQUEST = "own_request", "My own request"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SCORING = "scoring", "Scoring"
        FINISHED = "finished", "Finished"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collab_sessions"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices)
    kind = models.CharField(max_length=16)
    task = models.ForeignKey(
        "trajectories.Task", on_delete=models.PROTECT, related_name="collab_sessions"
    )
    trajectory = models.OneToOneField(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="collab_session"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    is_simulator = models.BooleanField(default=False)
    simulator_spec = models.CharField(max_length=200, blank=True, default="")
    batch = models.ForeignKey(
        "SimulatorBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    pinned_version = models.ForeignKey(
        "ops.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Pinned (simulator batches); else the active one answers.",
    )
    max_agent_turns = models.PositiveSmallIntegerField(default=10)
    ended_by = models.CharField(max_length=32, blank=True, default="")
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the episode ended and waited for its score."
    )
    scoring_lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Held by the runner scoring the episode."
    )
    reward = models.FloatField(null=True, blank=True)
    metric = models.CharField(max_length=64, blank=True, default="")
    result_details = models.JSONField(default=dict, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    did_what_i_needed = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="collab_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} ({self.mode}, {self.kind}, {self.status})"

    @property
    def group_name(self) -> str:
        """The channel-layer group every message about this session is sent to."""
        return f"collab.session.{self.pk}"


class AgentGeneration(models.Model):
    """One agent turn to generate (or being generated) at ``index`` of a session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    session = models.ForeignKey(CollabSession, on_delete=models.CASCADE, related_name="generations")
    index = models.PositiveIntegerField(help_text="The turn index this generation fills.")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    runner = models.CharField(max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    partial_text = models.TextField(blank=True, default="")
    model_version = models.ForeignKey(
        "ops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_code = models.CharField(max_length=32, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="generation_unique_index"),
        ]

    def __str__(self) -> str:
        return f"generation of turn {self.index} in session {self.session_id} ({self.status})"


class TurnRender(models.Model):
    """The screenshot of the page a frontend agent turn showed (a file in the renders storage)."""

    turn = models.OneToOneField(
        "trajectories.Turn", on_delete=models.CASCADE, related_name="render"
    )
    image = models.CharField(max_length=300, blank=True, default="", help_text="Storage name.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)


class SimulatorBatch(models.Model):
    """N simulator episodes started by an admin (tasks or a split, agent version, simulator, k)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="simulator_batches"
    )
    simulator_spec = models.CharField(max_length=200, default="oracle")
    k = models.PositiveSmallIntegerField(default=1)
    config = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"simulator batch {self.pk} ({self.status})"
