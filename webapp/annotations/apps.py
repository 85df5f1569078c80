"""Design ratings, pairwise judgements, win rates and agreement."""

from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "webapp.annotations"
    label = "annotations"
    verbose_name = "Annotations"
