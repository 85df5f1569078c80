"""Fixtures for live sessions: people with roles, tasks, the real tiny agent, sockets.

Sockets are channels' ``WebsocketCommunicator`` against the real ASGI application
(webapp/asgi.py: origin check, auth middleware, routing). Agent turns run the real tiny local
model. With REDIS_URL set the channel layer is Redis; generation runs in threads of the test
process (RUNNER=thread) unless a test starts a real Celery worker.
"""

from __future__ import annotations

import copy
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from training.colbench.tasks import load_tasks
from training.paths import REPO_ROOT
from webapp.accounts.roles import set_role
from webapp.trajectories.models import Task

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def collab_settings(settings, tiny_model_dir, tmp_path):
    """Fast hashing, the tiny agent, short turns and leases, renders in a temporary folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DUET_AGENT = f"local:{tiny_model_dir}"
    collab = copy.deepcopy(django_settings.DUET_COLLAB)
    collab.update(RUNNER="thread", MAX_TOKENS=12, LEASE_S=30.0, HEARTBEAT_S=0.2)
    settings.DUET_COLLAB = collab
    storages = copy.deepcopy(django_settings.STORAGES)
    storages["duet_renders"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "renders")},
    }
    settings.STORAGES = storages  # Django's setting_changed handler resets `storages`
    yield settings


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """SQLite runs: a file, not shared-cache memory, whose table locks ignore the busy timeout
    and so fail the web process's concurrent writers (agent runner threads) at once."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "t.db")


@pytest.fixture(autouse=True)
def runners_finish():
    """No agent turn may outlive its test (its rows are flushed at teardown)."""
    yield
    from webapp.collab.sessions.dispatch import wait_idle

    assert wait_idle(120), "a session runner was still busy after 120 s"


@pytest.fixture(autouse=True)
async def close_sync_thread_connections():
    """``sync_to_async`` work of async tests runs in one shared thread; close its database
    connection after each test so the test database can be dropped at the end."""
    yield
    from collab_helpers import close_all_sockets
    from django.db import connections

    await close_all_sockets()  # in this test's loop, before pytest-asyncio closes it
    await sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test has its own event loop; the in-memory layer's queues belong to one loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def make_user(name: str, role: str) -> User:
    from django.contrib.auth.models import Group

    for group in ("admin", "annotator", "collaborator"):  # flushed by transactional tests
        Group.objects.get_or_create(name=group)
    user = User.objects.create_user(name, password=PASSWORD)
    set_role(user, role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def alice(db):
    return make_user("alice", "collaborator")


@pytest.fixture
def bob(db):
    return make_user("bob", "collaborator")


@pytest.fixture
def annie(db):
    return make_user("annie", "annotator")


@pytest.fixture
def root(db):
    return make_user("root", "admin")


def _load(kind: str, count: int) -> list[Task]:
    records = load_tasks(REPO_ROOT / "data" / "colbench" / kind / "test.jsonl")[:count]
    return [Task.objects.create(id=r.id, **Task.fields_from_record(r)) for r in records]


@pytest.fixture
def backend_tasks(db) -> list[Task]:
    return _load("backend", 2)


@pytest.fixture
def frontend_task(db) -> Task:
    return _load("frontend", 1)[0]


PASSTHROUGH = ("PATH", "HOME", "LANG", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def shared_database_url() -> str:
    """DATABASE_URL pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = django_settings.DATABASES["default"]["NAME"]
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def celery_runner(collab_settings, tiny_model_dir, tmp_path):
    """This process dispatches to Celery; returns the environment of workers that share its
    database, Redis and agent (short leases: a dead worker's turn is redone within seconds)."""
    collab_settings.DUET_COLLAB = {**collab_settings.DUET_COLLAB, "RUNNER": "celery", "LEASE_S": 2}
    env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="webapp.settings", DUET_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(django_settings.BASE_DIR), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1",
        DATABASE_URL=shared_database_url(), REDIS_URL=os.environ["REDIS_URL"],
        DUET_AGENT=collab_settings.DUET_AGENT, DUET_GENERATION_RUNNER="celery",
        DUET_GENERATION_LEASE_S="2",
    )  # fmt: skip
    return env
