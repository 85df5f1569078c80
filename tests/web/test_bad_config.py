"""Bad configuration stops start-up with one line naming the variable, never a traceback."""

from __future__ import annotations

import pytest

from tests.web.conftest import base_env, free_port, run_manage


def assert_one_line_error(result, variable: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"duet: configuration error: {variable}: "), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/duet", "cannot connect to postgresql"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/duet", "unsupported database"),
        ("REDIS_URL", "redis://127.0.0.1:notaport/0", "port is not a number"),
        ("REDIS_URL", "redis://127.0.0.1:1/0", "cannot reach redis at 127.0.0.1:1/0"),
        ("DUET_DEBUG", "perhaps", "expected 1/0"),
    ],
    ids=["unreachable-db", "unsupported-db", "malformed-redis", "unreachable-redis", "bad-debug"],
)
def test_duet_up_refuses_bad_configuration_in_one_line(tmp_path, variable, value, reason):
    env = base_env(tmp_path, **{variable: value})
    result = run_manage(["duet_up", "--port", str(free_port())], env)
    line = assert_one_line_error(result, variable)
    assert reason in line


def test_any_management_command_reports_a_malformed_url_in_one_line(tmp_path):
    env = base_env(tmp_path, DATABASE_URL="postgres://h:notaport/db")
    result = run_manage(["migrate"], env)
    assert_one_line_error(result, "DATABASE_URL")


def test_duet_up_refuses_a_port_in_use(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_manage(["duet_up", "--port", str(port)], base_env(tmp_path))
    line = assert_one_line_error(result, "--port")
    assert "already in use" in line
