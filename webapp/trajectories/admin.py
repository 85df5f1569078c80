from django.contrib import admin

from webapp.trajectories.models import Evaluation, Task, Trajectory, Turn


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "split", "source", "updated_at")
    list_filter = ("kind", "split", "source")
    search_fields = ("id", "problem_description")


class TurnInline(admin.TabularInline):
    model = Turn
    extra = 0
    fields = ("index", "role", "content", "model")


@admin.register(Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "origin", "reward", "success", "created_at")
    list_filter = ("origin", "success", "task__kind")
    inlines = [TurnInline]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("id", "trajectory", "metric", "value", "success", "created_at")
    list_filter = ("metric",)
