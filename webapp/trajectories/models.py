"""Tasks, trajectories, turns and evaluations: the database mirror of training.colbench.

The hidden fields (a task's ``ground_truth`` and ``test_cases``, an agent turn's exact ``input``
prompt) are stored in full: SWEET-RL's critic trains on them. Pages shown to collaborators must
never render them; views pick the fields they show.
"""

from __future__ import annotations

from django.db import models

from training.colbench.tasks import Task as TaskRecord
from training.colbench.trajectories import Trajectory as TrajectoryRecord
from training.colbench.trajectories import Turn as TurnRecord


class TaskKind(models.TextChoices):
    BACKEND = "backend", "Backend programming"
    FRONTEND = "frontend", "Frontend design"


class Task(models.Model):
    """One ColBench task. ``id`` is the task id from the JSONL file (stable across imports)."""

    id = models.CharField(primary_key=True, max_length=128)
    kind = models.CharField(max_length=16, choices=TaskKind.choices)
    problem_description = models.TextField()
    ground_truth = models.TextField(help_text="Hidden from the agent.")
    test_cases = models.JSONField(default=dict, blank=True, help_text="Hidden; backend only.")
    split = models.CharField(max_length=32, default="train", db_index=True)
    source = models.CharField(max_length=64, default="duet")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "split", "id"]
        indexes = [models.Index(fields=["kind", "split"])]

    def __str__(self) -> str:
        return f"{self.id} ({self.kind}/{self.split})"

    def to_record(self) -> TaskRecord:
        return TaskRecord(
            id=self.id,
            kind=self.kind,
            problem_description=self.problem_description,
            ground_truth=self.ground_truth,
            test_cases=dict(self.test_cases or {}),
            split=self.split,
            source=self.source,
        )

    @staticmethod
    def fields_from_record(record: TaskRecord) -> dict:
        """Column values for a training-side Task (everything except the primary key)."""
        return {
            "kind": record.kind,
            "problem_description": record.problem_description,
            "ground_truth": record.ground_truth,
            "test_cases": dict(record.test_cases),
            "split": record.split,
            "source": record.source,
        }


class Trajectory(models.Model):
    """One episode on a task: a person (or simulator) and the agent, turn by turn."""

    class Origin(models.TextChoices):
        HUMAN = "human", "Human collaborator"
        SIMULATOR = "simulator", "Simulated collaborator"
        IMPORTED = "imported", "Imported file"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="trajectories")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.HUMAN)
    answer = models.TextField(null=True, blank=True)
    reward = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    human_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1-5, given by the person at the end of a live session."
    )
    human_did_what_needed = models.BooleanField(
        null=True, blank=True, help_text='The person\'s "it did what I needed" (own requests).'
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"trajectory {self.pk} on {self.task_id}"

    def to_record(self) -> TrajectoryRecord:
        return TrajectoryRecord(
            task=self.task.to_record(),
            dialogue_history=[turn.to_record() for turn in self.turns.order_by("index")],
            answer=self.answer,
            reward=self.reward,
            success=self.success,
            meta=dict(self.meta or {}),
        )


class Turn(models.Model):
    """One message. Agent turns keep the exact prompt (``input``) and raw text (``output``).

    ``index`` is the turn's sequence number in its trajectory (0: the opening message). In live
    sessions a person's turn carries the ``client_id`` its browser chose, unique per trajectory,
    so a resent message writes nothing; an agent turn carries the ``ModelVersion`` that produced
    it and its generation latency.
    """

    class Role(models.TextChoices):
        USER = "user", "Person"
        ASSISTANT = "assistant", "Agent"

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField()
    input = models.TextField(null=True, blank=True, help_text="Exact formatted prompt (agent).")
    output = models.TextField(null=True, blank=True, help_text="Raw model text (agent).")
    model = models.CharField(max_length=200, null=True, blank=True)
    client_id = models.CharField(max_length=64, null=True, blank=True)
    model_version = models.ForeignKey(
        "ops.ModelVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="turns"
    )
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trajectory", "index"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "index"], name="turn_unique_index"),
            models.UniqueConstraint(
                fields=["trajectory", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="turn_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} turn {self.index} of trajectory {self.trajectory_id}"

    def to_record(self) -> TurnRecord:
        return TurnRecord(
            role=self.role,
            content=self.content,
            input=self.input,
            output=self.output,
            model=self.model,
        )


class Evaluation(models.Model):
    """A trajectory's score under one metric (tests passed, CLIP similarity, offline proxy...)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="evaluations")
    metric = models.CharField(max_length=64)
    value = models.FloatField()
    success = models.BooleanField(null=True, blank=True)
    evaluator = models.CharField(max_length=200, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["metric"])]

    def __str__(self) -> str:
        return f"{self.metric}={self.value:.3f} for trajectory {self.trajectory_id}"
