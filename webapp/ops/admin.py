from django.contrib import admin

from webapp.ops.models import ModelVersion, TrainingRun


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "base_model", "created_at", "promoted_at")
    list_filter = ("status",)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "algorithm", "status", "created_at", "finished_at")
    list_filter = ("algorithm", "status")
