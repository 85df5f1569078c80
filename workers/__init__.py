"""Celery app and thin tasks: load rows -> call training/ -> write rows.

``celery -A workers worker`` finds the app here.
"""

from workers.celery import app

__all__ = ["app"]
