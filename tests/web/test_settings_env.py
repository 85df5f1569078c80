"""webapp/settings.py wires the parsed environment into Django, Channels and Celery.

Each case runs in a fresh interpreter, since settings are read once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.web.conftest import REPO_ROOT, base_env

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "queues": [q.name for q in settings.CELERY_TASK_QUEUES],
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "beat": "django_celery_beat" in settings.INSTALLED_APPS,
    "secret_key_len": len(settings.SECRET_KEY),
}))
"""

POSTGRES = "postgres://duet@db.example:5432/duet"
REDIS = "redis://cache.example:6379/2"


def probe(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {},
            {
                "engine": "django.db.backends.sqlite3",
                "channel_layer": "channels.layers.InMemoryChannelLayer",
                "broker": "filesystem://",
                "debug": False,
            },
        ),
        (
            {"DATABASE_URL": POSTGRES, "REDIS_URL": REDIS, "DUET_DEBUG": "1"},
            {
                "engine": "django.db.backends.postgresql",
                "channel_layer": "channels_redis.core.RedisChannelLayer",
                "broker": REDIS,
                "result_backend": REDIS,
                "debug": True,
            },
        ),
        (
            {"REDIS_URL": REDIS, "DUET_ALLOWED_HOSTS": "duet.example.org"},
            {
                "engine": "django.db.backends.sqlite3",
                "channel_layer": "channels_redis.core.RedisChannelLayer",
                "allowed_hosts": ["duet.example.org"],
            },
        ),
    ],
    ids=["embedded", "production", "redis-only"],
)
def test_settings_follow_the_environment(tmp_path, extra, expected):
    settings = probe(base_env(tmp_path, **extra))
    assert {key: settings[key] for key in expected} == expected
    assert settings["queues"] == ["default", "gpu"]
    assert settings["beat"] is True
    assert settings["secret_key_len"] >= 40


def test_embedded_result_backend_is_a_file_folder_in_the_data_dir(tmp_path):
    settings = probe(base_env(tmp_path))
    assert settings["result_backend"] == f"file://{tmp_path / 'celery' / 'results'}"


def test_no_secret_key_is_committed_to_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if os.path.basename(path) == "secret_key"]
