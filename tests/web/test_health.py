"""/healthz and /status: one entry per component, each a real check."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asgiref.sync import async_to_sync

from tests.web.conftest import base_env, celery_app_for
from webapp.ops import health
from webapp.ops.health import (
    DEGRADED,
    DOWN,
    OK,
    ComponentHealth,
    HealthReport,
    check_broker,
    check_inference,
    check_renderer,
    check_worker,
)

COMPONENTS = {"database", "channel_layer", "broker", "worker", "inference", "renderer"}
UNREACHABLE_VLLM = "vllm:http://127.0.0.1:1/duet-agent"


@pytest.fixture(autouse=True)
def fresh_health_cache():
    health.clear_cache()
    yield
    health.clear_cache()


@pytest.fixture
def fast_worker_timeout(settings):
    settings.DUET_WORKER_PING_TIMEOUT = 0.5


@dataclass
class KeyedModelsServer:
    url: str
    key: str


@pytest.fixture(scope="module")
def keyed_models_server():
    """An OpenAI-style ``/v1/models`` that answers 401 unless sent ``Bearer <key>``."""
    key = "sk-test-" + secrets.token_hex(4)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            authorised = self.headers.get("Authorization") == f"Bearer {key}"
            status, body = (
                (200, {"object": "list", "data": [{"id": "sim-model", "object": "model"}]})
                if authorised and self.path == "/v1/models"
                else (401, {"error": {"message": "invalid API key"}})
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield KeyedModelsServer(f"http://127.0.0.1:{server.server_port}", key)
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_healthz_reports_every_component_with_status_and_detail(client, fast_worker_timeout):
    response = client.get("/healthz")
    body = response.json()
    assert set(body) == {"status", "components"}
    assert set(body["components"]) == COMPONENTS
    for component in body["components"].values():
        assert set(component) == {"status", "detail"}
        assert component["status"] in (OK, DEGRADED, DOWN)
        assert component["detail"]
    statuses = [c["status"] for c in body["components"].values()]
    assert body["status"] == max(statuses, key=[OK, DEGRADED, DOWN].index)
    assert response.status_code == (503 if body["status"] == DOWN else 200)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_is_503_when_a_component_is_down(client, settings, fast_worker_timeout):
    settings.DUET_AGENT = UNREACHABLE_VLLM
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"]["inference"]["status"] == DOWN


@pytest.mark.django_db
def test_database_component_names_the_engine(client, fast_worker_timeout):
    detail = client.get("/healthz").json()["components"]["database"]
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert detail["status"] == OK
    assert detail["detail"].startswith(f"{expected} at ")


def test_channel_layer_round_trip_names_the_layer():
    result = asyncio.run(health.check_channel_layer())
    expected = "redis" if os.environ.get("REDIS_URL") else "in-memory"
    assert result.status == OK
    assert result.detail.startswith(f"{expected}: send/receive round trip")


def test_worker_answers_ping_through_the_broker(celery_worker, transport_env):
    transport = "redis" if "REDIS_URL" in transport_env else "filesystem"
    worker = check_worker(celery_worker, timeout=5)
    assert worker.status == OK
    assert "answered ping" in worker.detail
    broker = check_broker(celery_worker)
    assert broker.status == OK
    assert broker.detail.startswith(transport)


def test_worker_is_down_with_a_reason_when_none_is_running(tmp_path):
    app = celery_app_for(base_env(tmp_path))
    started = time.monotonic()
    result = check_worker(app, timeout=0.5)
    assert result.status == DOWN
    assert result.detail == "no worker answered a ping on queue 'default' within 0.5 s"
    assert time.monotonic() - started < 5


def test_broker_is_down_when_redis_does_not_answer(tmp_path):
    app = celery_app_for(base_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0"))
    result = check_broker(app, timeout=1)
    assert result.status == DOWN
    assert result.detail.startswith("redis: ")
    assert "127.0.0.1:1" in result.detail


def test_missing_local_model_is_degraded_with_the_bootstrap_hint(tmp_path):
    result = check_inference(f"local:{tmp_path / 'tiny-agent'}")
    assert result.status == DEGRADED
    assert "duet models bootstrap" in result.detail


def test_local_model_whose_tokenizer_cannot_be_loaded_is_down(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    (tmp_path / "tokenizer.json").write_text("{}")
    result = check_inference(f"local:{tmp_path}")
    assert result.status == DOWN
    assert "cannot be loaded" in result.detail


def test_a_built_local_model_is_ok(tiny_model_dir):
    result = check_inference(f"local:{tiny_model_dir}")
    assert result == ComponentHealth(OK, f"local llama model at {tiny_model_dir}")


def test_local_spec_with_a_missing_adapter_is_down(tiny_model_dir, tmp_path):
    result = check_inference(f"local:{tiny_model_dir}@{tmp_path / 'no-adapter'}")
    assert result.status == DOWN
    assert "no-adapter" in result.detail


def test_unreachable_inference_server_is_down_naming_the_url():
    started = time.monotonic()
    result = check_inference(UNREACHABLE_VLLM)
    assert result.status == DOWN
    assert "http://127.0.0.1:1/v1/models" in result.detail
    assert time.monotonic() - started < 5


def test_openai_server_is_asked_with_the_key_the_client_sends(monkeypatch, keyed_models_server):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("DUET_OPENAI_API_KEY", keyed_models_server.key)
    result = check_inference(f"openai:{keyed_models_server.url}/v1/sim-model")
    assert result == ComponentHealth(OK, f"{keyed_models_server.url}/v1 serves sim-model")


def test_openai_server_refusing_the_key_is_down(monkeypatch, keyed_models_server):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("DUET_OPENAI_API_KEY", "wrong-key")
    result = check_inference(f"openai:{keyed_models_server.url}/v1/sim-model")
    assert result.status == DOWN
    assert "401" in result.detail


def test_server_without_the_named_model_is_degraded(monkeypatch, keyed_models_server):
    monkeypatch.setenv("DUET_OPENAI_API_KEY", keyed_models_server.key)
    result = check_inference(f"openai:{keyed_models_server.url}/v1/other-model")
    assert result.status == DEGRADED
    assert "does not serve other-model" in result.detail


def test_renderer_renders_a_test_page_with_the_configured_chromium():
    result = check_renderer()
    assert result.status == OK, result.detail
    assert result.detail.startswith("Chromium ")
    assert "rendered a Tailwind test page offline" in result.detail


def test_renderer_is_down_without_a_chromium_executable(monkeypatch, tmp_path):
    monkeypatch.setenv("DUET_CHROMIUM", str(tmp_path / "no-chromium"))
    result = check_renderer()
    assert result.status == DOWN
    assert "Chromium not found" in result.detail


def test_renderer_is_down_when_the_configured_executable_is_not_a_browser(monkeypatch):
    # `true --version` exits 0: a check that only asks for the version would say ok.
    monkeypatch.setenv("DUET_CHROMIUM", shutil.which("true"))
    result = check_renderer()
    assert result.status == DOWN


def test_overall_status_is_the_worst_component():
    report = HealthReport(
        {"a": ComponentHealth(OK, "x"), "b": ComponentHealth(DEGRADED, "y")},
    )
    assert report.status == DEGRADED
    report.components["c"] = ComponentHealth(DOWN, "z")
    assert report.status == DOWN


@pytest.mark.django_db(transaction=True)
def test_expensive_checks_are_cached_between_requests(fast_worker_timeout):
    # async_to_sync, like Django's handler: the database check then runs on this thread.
    first = async_to_sync(health.collect)()
    second = async_to_sync(health.collect)()
    for name in ("broker", "worker", "inference", "renderer"):
        assert second.components[name] is first.components[name]


@pytest.mark.django_db
def test_status_page_lists_components_for_people(client, fast_worker_timeout):
    response = client.get("/status")
    page = response.content.decode()
    assert response.status_code in (200, 503)
    for label in ("Database", "Channel layer", "Background worker", "Inference backend"):
        assert label in page
    assert "/healthz" in page


@pytest.mark.django_db
def test_status_with_a_trailing_slash_answers_like_status(client, fast_worker_timeout):
    plain = client.get("/status")
    slashed = client.get("/status/")
    assert slashed.status_code == plain.status_code
    assert "Background worker" in slashed.content.decode()
