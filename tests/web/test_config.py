"""webapp.config: environment variables -> Config, without Django."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from webapp.config import ConfigError, load_config

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_for(tmp_path: Path, **env: str):
    return load_config({"DUET_DATA_DIR": str(tmp_path / "data"), **env}, REPO_ROOT)


def test_no_database_url_means_sqlite_in_the_data_dir(tmp_path):
    config = config_for(tmp_path)
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert config.database["NAME"] == str(tmp_path / "data" / "duet.sqlite3")
    assert config.database_vendor == "sqlite"


def test_database_url_selects_postgres_with_a_connect_timeout(tmp_path):
    config = config_for(tmp_path, DATABASE_URL="postgres://duet:s3cret@db.internal:6543/duet")
    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert (config.database["HOST"], config.database["PORT"]) == ("db.internal", 6543)
    assert config.database["NAME"] == "duet"
    assert config.database["OPTIONS"]["connect_timeout"] == 5


def test_relative_data_dir_is_taken_from_the_repository_root(tmp_path):
    config = load_config({"DUET_DATA_DIR": str(tmp_path.relative_to("/"))}, Path("/"))
    assert config.data_dir == tmp_path


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/duet", "unsupported database 'mysql'"),
        ("nosuchdb://x", "cannot parse"),
        ("postgres://localhost:notaport/duet", "cannot parse"),
        ("postgres://localhost:5432/", "no database name"),
    ],
)
def test_unusable_database_url_names_the_variable(tmp_path, url, reason):
    with pytest.raises(ConfigError) as caught:
        config_for(tmp_path, DATABASE_URL=url)
    assert str(caught.value).startswith("DATABASE_URL: ")
    assert reason in str(caught.value)


def test_database_url_password_never_appears_in_errors(tmp_path):
    with pytest.raises(ConfigError) as caught:
        config_for(tmp_path, DATABASE_URL="postgres://duet:hunter2@localhost:5432/")
    assert "hunter2" not in str(caught.value)


def test_redis_url_drives_broker_and_result_backend(tmp_path):
    config = config_for(tmp_path, REDIS_URL="redis://cache:6380/3")
    celery = config.celery_settings()
    assert celery["broker_url"] == celery["result_backend"] == "redis://cache:6380/3"
    assert config.redis.display == "cache:6380/3"
    assert config.broker_kind == "redis"


def test_without_redis_celery_uses_absolute_created_filesystem_folders(tmp_path):
    config = config_for(tmp_path)
    celery = config.celery_settings()
    options = celery["broker_transport_options"]
    assert celery["broker_url"] == "filesystem://"
    assert options["data_folder_in"] == options["data_folder_out"]
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        assert Path(options[key]).is_absolute()
        assert Path(options[key]).is_dir()
    assert celery["result_backend"] == f"file://{tmp_path / 'data' / 'celery' / 'results'}"
    assert (tmp_path / "data" / "celery" / "results").is_dir()


def test_queues_default_and_gpu_have_their_own_routing(tmp_path):
    queues = config_for(tmp_path).celery_settings()["task_queues"]
    routes = {queue.name: (queue.exchange.name, queue.routing_key) for queue in queues}
    assert routes == {"default": ("default", "default"), "gpu": ("gpu", "gpu")}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://localhost:6379/0", "expected redis://"),
        ("redis://localhost:port/0", "port is not a number"),
        ("redis:///0", "no host"),
        ("redis://localhost:6379/zero", "database must be a number"),
    ],
)
def test_malformed_redis_url_names_the_variable(tmp_path, url, reason):
    with pytest.raises(ConfigError) as caught:
        config_for(tmp_path, REDIS_URL=url)
    assert str(caught.value).startswith("REDIS_URL: ")
    assert reason in str(caught.value)


@pytest.mark.parametrize(("value", "debug"), [(None, False), ("0", False), ("1", True)])
def test_debug_is_off_unless_duet_debug_is_1(tmp_path, value, debug):
    env = {} if value is None else {"DUET_DEBUG": value}
    assert config_for(tmp_path, **env).debug is debug


def test_debug_rejects_words_it_does_not_know(tmp_path):
    with pytest.raises(ConfigError, match=r"^DUET_DEBUG: "):
        config_for(tmp_path, DUET_DEBUG="maybe")


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    first = config_for(tmp_path).secret_key
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 40
    assert config_for(tmp_path).secret_key == first


def test_secret_key_from_the_environment_wins_and_writes_no_file(tmp_path):
    key = "k" * 50
    assert config_for(tmp_path, DUET_SECRET_KEY=key).secret_key == key
    assert not (tmp_path / "data" / "secret_key").exists()


def test_short_secret_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"^DUET_SECRET_KEY: "):
        config_for(tmp_path, DUET_SECRET_KEY="short")


def test_allowed_hosts_default_to_local_names_and_follow_the_environment(tmp_path):
    assert config_for(tmp_path).allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]
    custom = config_for(tmp_path, DUET_ALLOWED_HOSTS="duet.example.org, .internal")
    assert custom.allowed_hosts == ["duet.example.org", ".internal"]


def test_agent_defaults_to_the_local_tiny_model_in_the_data_dir(tmp_path):
    spec = config_for(tmp_path).agent_spec
    assert spec == f"local:{tmp_path / 'data' / 'models' / 'tiny-agent'}"


def test_malformed_agent_spec_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match=r"^DUET_AGENT: "):
        config_for(tmp_path, DUET_AGENT="vllm:not-a-url")
