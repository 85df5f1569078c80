"""The ``duet`` Celery app. Broker, result backend and queues come from Django settings.

Queues: ``default`` (bookkeeping, evaluation, anything CPU-sized) and ``gpu`` (training and
large-model work; routed by later issues). ``make run`` starts one worker consuming both; a
deployment runs ``worker-cpu`` on ``default`` and ``worker-gpu`` on ``gpu``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("duet", include=["workers.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
