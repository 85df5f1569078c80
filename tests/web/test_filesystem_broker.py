"""The embedded broker (kombu's filesystem transport) publishes atomically.

Stock kombu creates the message file, then writes it; a worker listing the folder in between
read an empty file and exited (seen in `make run` with beat sending every 15 s)."""

from __future__ import annotations

import pytest
from kombu import Connection
from kombu.transport import filesystem as stock

import workers.filesystem_broker as atomic
from webapp.config import load_config


def connection(tmp_path, transport: str) -> Connection:
    folder = tmp_path / "queue"
    folder.mkdir()
    (tmp_path / "control").mkdir()
    return Connection(
        transport=transport,
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        },
    )


def seen_while_writing(monkeypatch, module, conn) -> list:
    """Run the consumer's read at the moment the producer is writing the message."""
    channel = conn.default_channel
    seen = []
    real_dumps = module.dumps

    def dumps_and_peek(payload):
        try:
            seen.append(channel._get("default"))
        except Exception as exc:  # Empty: nothing visible yet; anything else: a torn read
            seen.append(type(exc).__name__)
        return real_dumps(payload)

    monkeypatch.setattr(module, "dumps", dumps_and_peek)
    channel._put("default", {"body": "hello"})
    monkeypatch.setattr(module, "dumps", real_dumps)
    return seen


def test_a_consumer_never_sees_a_message_before_it_is_whole(tmp_path, monkeypatch):
    conn = connection(tmp_path, "workers.filesystem_broker:Transport")
    assert seen_while_writing(monkeypatch, atomic, conn) == ["Empty"]
    assert conn.default_channel._get("default") == {"body": "hello"}


def test_stock_kombu_shows_the_consumer_a_torn_message(tmp_path, monkeypatch):
    """Why the transport exists: if kombu fixes this, this test says the subclass can go."""
    conn = connection(tmp_path, "filesystem")
    assert seen_while_writing(monkeypatch, stock, conn) == ["JSONDecodeError"]


def test_the_embedded_setup_uses_the_atomic_transport(tmp_path):
    config = load_config({"DUET_DATA_DIR": str(tmp_path / "data")}, tmp_path)
    settings = config.celery_settings()
    assert settings["broker_url"] == "filesystem://"
    assert settings["broker_transport"] == "workers.filesystem_broker:Transport"


@pytest.mark.parametrize("count", [200])
def test_many_messages_arrive_whole_and_in_order(tmp_path, count):
    conn = connection(tmp_path, "workers.filesystem_broker:Transport")
    queue = conn.SimpleQueue("default")
    for number in range(count):
        queue.put({"n": number})
    received = []
    for _ in range(count):
        message = queue.get(timeout=5)
        message.ack()
        received.append(message.payload["n"])
    queue.close()
    conn.release()
    assert sorted(received) == list(range(count))
