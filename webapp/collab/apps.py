"""Live collaboration sessions between a person and the agent."""

from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "webapp.collab"
    label = "collab"
    verbose_name = "Live sessions"
