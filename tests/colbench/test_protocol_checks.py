"""The protocol-following metrics (training/colbench/protocol_checks.py), one behaviour each."""

from __future__ import annotations

import json

from training.cli import main
from training.colbench.protocol_checks import (
    answer_defines_function,
    protocol_report,
    turn_has_one_page,
    well_formed_page,
)
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory, Turn

PAGE = (
    '<html><head><title>x</title></head><body class="p-4"><h1>Hi</h1><img src="a.png">'
    "</body></html>"
)
BACKEND = Task("b1", "backend", "I want a function.", "def f(x):\n    return x\n", {"t": "f(1)"})


def _backend(*agent_texts: str, answer: str | None = None) -> Trajectory:
    history = [Turn("user", BACKEND.problem_description)]
    for text in agent_texts:
        history += [Turn("assistant", text, input="p", output=text), Turn("user", "I don't know.")]
    return Trajectory(BACKEND, history[:-1], answer=answer)


def test_an_answer_before_any_question_counts_as_not_asking():
    answered_at_once = _backend(
        "I WANT TO ANSWER:\ndef f(x):\n    return x", answer="def f(x): ..."
    )
    asked_first = _backend("What is it called?", "I WANT TO ANSWER:\ndef f(x):\n    return 1")
    report = protocol_report([answered_at_once, asked_first])
    assert report["backend"]["asked_before_answer"] == 0.5


def test_an_episode_that_never_writes_the_marker_did_not_ask_before_answering():
    report = protocol_report([_backend("What is it called?", "Is x a number?", answer="x")])
    assert report["backend"]["asked_before_answer"] == 0.0


def test_a_def_that_does_not_parse_counts_as_failing():
    assert not answer_defines_function("def f(x)\n    return x\n")
    assert answer_defines_function("def f(x):\n    return x\n")


def test_code_without_a_function_counts_as_failing():
    assert not answer_defines_function("x = 1\nprint(x)\n")


def test_two_html_pages_in_one_turn_is_not_one_page():
    assert not turn_has_one_page(f"OUTPUT:\n{PAGE}\n{PAGE}")
    assert turn_has_one_page(f"notes\nOUTPUT:\n<!DOCTYPE html>\n{PAGE}")


def test_an_unclosed_html_is_not_well_formed():
    assert not well_formed_page(PAGE.replace("</html>", ""))


def test_an_unclosed_inner_element_is_not_well_formed():
    assert not well_formed_page(PAGE.replace("</h1>", ""))


def test_a_page_without_a_body_is_not_well_formed():
    assert not well_formed_page("<html><head><title>x</title></head><div>hi</div></html>")


def test_a_garbled_final_page_counts_as_a_final_page_but_not_as_a_well_formed_one():
    """The environment takes any <html>...</html> snippet as the final answer; the report tells
    a garbled one (here <h1> closed by </h2>, as the first default agent wrote) apart."""
    task = Task("f1", "frontend", "A page for my bakery.", PAGE, {})
    garbled = PAGE.replace("</h1>", "</h2>")
    history = [Turn("user", task.problem_description), Turn("assistant", f"OUTPUT:\n{garbled}")]
    report = protocol_report([Trajectory(task, history, answer=garbled)])["frontend"]
    assert report["episodes_with_final_page"] == 1.0
    assert report["episodes_with_well_formed_final_page"] == 0.0
    assert report["turns_with_one_page"] == 0.0


def test_criteria_report_whether_each_threshold_is_met():
    report = protocol_report([_backend("Name?", "I WANT TO ANSWER:\ndef f(x):\n    return 1")])
    criteria = report["criteria"]
    assert criteria["backend.asked_before_answer"]["met"] is True
    assert criteria["frontend.turns_with_one_page"]["met"] is None


def test_the_cli_rejects_a_malformed_file_with_file_and_line(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    good = _backend("Name?", "I WANT TO ANSWER:\ndef f(x):\n    return 1").to_row()
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    assert main(["protocol-check", str(path)]) == 2
    assert f"{path}:2:" in capsys.readouterr().err


def test_the_cli_prints_the_report_as_json(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    row = _backend(
        "Name?", "I WANT TO ANSWER:\ndef f(x):\n    return 1", answer="def f(x):\n    return 1"
    ).to_row()
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main(["protocol-check", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["backend"]["answer_defines_function"] == 1.0
