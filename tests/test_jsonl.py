"""training.jsonl: the library's one JSONL reader and writers."""

import json

import pytest

from training.jsonl import JsonlAppender, JsonlError, iter_jsonl, read_jsonl, write_jsonl


def test_iter_jsonl_reports_a_malformed_line_with_its_number_and_goes_on(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n\n{"a": \n{"a": 3}\n', encoding="utf-8")
    lines = list(iter_jsonl(path))
    assert [line.number for line in lines] == [1, 3, 4]
    assert lines[1].value is None and "invalid JSON" in lines[1].error
    assert lines[2].value == {"a": 3}


def test_read_jsonl_names_the_file_and_line_of_a_missing_key(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"key": 1}\n{"other": 2}\n', encoding="utf-8")
    with pytest.raises(JsonlError, match=r"rows\.jsonl:2: missing key"):
        list(read_jsonl(path, required=("key",)))


def test_read_jsonl_refuses_a_row_that_is_not_an_object(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(JsonlError, match="expected a JSON object"):
        list(read_jsonl(path))


def test_read_jsonl_of_a_missing_file_says_not_found(tmp_path):
    with pytest.raises(JsonlError, match="not found"):
        list(read_jsonl(tmp_path / "absent.jsonl"))


def test_write_jsonl_keeps_the_old_file_when_the_rows_fail_midway(tmp_path):
    path = tmp_path / "rows.jsonl"
    write_jsonl(path, [{"n": 1}])

    def rows():
        yield {"n": 2}
        raise RuntimeError("generator broke")

    with pytest.raises(RuntimeError):
        write_jsonl(path, rows())
    assert list(read_jsonl(path)) == [{"n": 1}]
    assert list(tmp_path.iterdir()) == [path]


def test_appender_rows_are_on_disk_before_write_returns(tmp_path):
    path = tmp_path / "episodes.jsonl"
    with JsonlAppender(path) as out:
        out.write({"n": 1})
        assert json.loads(path.read_text(encoding="utf-8")) == {"n": 1}


def test_appender_drops_a_torn_last_line_and_appends_after_the_whole_ones(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text('{"n": 1}\n{"n": 2}\n{"n": 3, "hal', encoding="utf-8")
    with JsonlAppender(path) as out:
        out.write({"n": 3})
    assert [row["n"] for row in read_jsonl(path)] == [1, 2, 3]
