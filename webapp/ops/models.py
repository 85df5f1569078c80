"""Model versions served to collaborators and the training runs that produce them."""

from __future__ import annotations

from django.db import models


class TrainingRun(models.Model):
    """One retraining job (SWEET-RL or a baseline) queued on the Celery ``gpu`` queue."""

    class Algorithm(models.TextChoices):
        SWEET_RL = "sweet_rl", "SWEET-RL"
        MULTI_TURN_DPO = "multi_turn_dpo", "Multi-turn DPO"
        REJECTION_FT = "rejection_ft", "Rejection fine-tuning"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    algorithm = models.CharField(max_length=32, choices=Algorithm.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    base_version = models.ForeignKey(
        "ModelVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_runs",
        help_text="The version whose policy this run starts from.",
    )
    config = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True, default="")
    output_dir = models.CharField(max_length=500, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.algorithm}, {self.status})"


class ModelVersion(models.Model):
    """A servable agent: a base model plus, optionally, a LoRA adapter.

    ``name`` is the name the serving backend knows it by; every version gets a new name (reloading
    an adapter under an old name can reuse stale prefix-cache blocks in vLLM).
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=200, unique=True)
    base_model = models.CharField(max_length=500)
    adapter_path = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.CANDIDATE, db_index=True
    )
    produced_by = models.ForeignKey(
        TrainingRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="produced_versions",
    )
    metrics = models.JSONField(default=dict, blank=True, help_text="Held-out evaluation results.")
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="one_active_model_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"
