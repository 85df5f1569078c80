"""The web app reaches worker tasks only by name (it never imports them)."""

from __future__ import annotations


def test_every_job_the_web_app_dispatches_by_name_is_a_registered_worker_task():
    import workers.tasks  # noqa: F401 - registers the tasks on the app
    from webapp.collab.sessions.dispatch import CELERY_TASKS
    from workers.celery import app

    assert set(CELERY_TASKS.values()) <= set(app.tasks)
