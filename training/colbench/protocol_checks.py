"""Does an agent follow the ColBench protocol? Measured on finished trajectories.

These checks are about form, not success: a model too small to solve a task can still ask before it
answers, answer with a Python function, and show one page per frontend turn. Each metric below is
defined exactly; :func:`protocol_report` computes all of them (plus the reward summary) and
:data:`CRITERIA` holds the thresholds issue 10 item 4 sets.

Backend (per episode)
    *Answer turn*: the first agent turn that contains the answer marker (``I WANT TO ANSWER:``).
    *Question turn*: an agent turn without the marker whose text contains ``?`` (the oracle
    simulator, too, reads sentences with ``?`` as the questions).

    ``asked_before_answer``: fraction of backend episodes that have an answer turn and at least one
    question turn before it. An episode that never writes the marker did not answer (its last turn
    is taken as the answer by the turn limit, but it did not follow the protocol), so it counts as
    failing; an answer on the first turn counts as not asking.

    ``answer_defines_function``: fraction of backend *answers* (``Trajectory.answer`` is not
    ``None``: the text after the marker, or the whole last turn at the turn limit) whose code, as
    the project extracts it (:func:`~training.colbench.evaluation.code_extraction.extract_code`),
    parses with :mod:`ast` and defines at least one function at module level (``def`` or
    ``async def``; the hidden tests call a module-level function by name). The same count over all
    episodes (an episode without an answer fails) is ``answer_defines_function_per_episode``.

Frontend (per agent turn)
    ``turns_with_one_page``: fraction of frontend agent turns whose shown text (what follows
    ``OUTPUT:``, as the protocol shows it) carries exactly one well-formed page
    (:func:`count_html_pages`, :func:`well_formed_page`).

    ``episodes_with_final_page``: fraction of frontend episodes that have a final answer, i.e. the
    environment found an ``<html>…</html>`` snippet in some turn (a loose match: any text between
    the tags, garbled or not). ``episodes_with_well_formed_final_page``: the same with the final
    answer also a well-formed page. The first can be 1.0 while ``turns_with_one_page`` is 0.0.

A *well-formed page* is, tokenised by the standard library's :class:`html.parser.HTMLParser`:
exactly one ``<html>`` start tag and one ``</html>`` end tag, the first before the second; between
them every element is closed by its own end tag in nesting order (void elements such as ``<meta>``,
``<img>``, ``<br>`` and self-closed ``<x/>`` tags need none; no implied end tags, no stray end
tags); and the ``html`` element holds one ``<body>`` element (and at most one ``<head>``).
Text outside the ``html`` element (a doctype, notes) is allowed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any

from training.colbench import protocol
from training.colbench.evaluation.code_extraction import extract_code
from training.colbench.trajectories import Trajectory

#: Thresholds of issue 10 item 4: metric name -> minimum fraction.
CRITERIA: dict[str, float] = {
    "backend.asked_before_answer": 0.9,
    "backend.answer_defines_function": 0.8,
    "frontend.turns_with_one_page": 0.8,
}

VOID_ELEMENTS = frozenset(
    re.findall(r"\w+", "area base br col embed hr img input link meta param source track wbr")
)


# -- backend ---------------------------------------------------------------------------------


def is_answer_turn(text: str) -> bool:
    """A backend agent turn that answers under the protocol: it contains the answer marker."""
    return protocol.ANSWER_MARKER in text


def is_question_turn(text: str) -> bool:
    """A backend agent turn that asks: no answer marker and at least one ``?``."""
    return not is_answer_turn(text) and "?" in text


def questions_before_answer(trajectory: Trajectory) -> int | None:
    """Question turns before the first answer turn; ``None`` if no turn has the answer marker."""
    asked = 0
    for turn in trajectory.agent_turns:
        if is_answer_turn(turn.content):
            return asked
        asked += is_question_turn(turn.content)
    return None


def defines_function(code: str) -> bool:
    """``code`` parses with :mod:`ast` and defines a function at module level."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) for node in tree.body)


def answer_defines_function(answer: str) -> bool:
    """A backend answer whose extracted code parses and defines a module-level function."""
    return defines_function(extract_code(answer))


# -- frontend --------------------------------------------------------------------------------


class _PageScanner(HTMLParser):
    """Tokenises a text and checks the one-``html``-element rules of the module docstring."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_starts = 0
        self.html_ends = 0
        self.stack: list[str] = []
        self.inside = False
        self.closed = False
        self.problems: list[str] = []
        self.children: dict[str, int] = {"head": 0, "body": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_starts += 1
            if self.html_starts == 1 and not self.closed:
                self.inside = True
                self.stack = ["html"]
            return
        if not self.inside:
            return
        if tag in self.children and self.stack == ["html"]:
            self.children[tag] += 1
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_starts += 1
            self.problems.append("self-closed <html/>")
            return
        if self.inside and tag in self.children and self.stack == ["html"]:
            self.children[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            self.html_ends += 1
        if not self.inside:
            if tag == "html" and not self.closed:
                self.problems.append("</html> before <html>")
            return
        if tag in VOID_ELEMENTS:
            return  # </br> and the like: harmless
        if not self.stack or self.stack[-1] != tag:
            expected = self.stack[-1] if self.stack else "nothing"
            self.problems.append(f"</{tag}> where </{expected}> was expected")
            self.inside = False  # structure is broken; stop checking
            self.closed = True
            return
        self.stack.pop()
        if tag == "html":
            self.inside = False
            self.closed = True


def _scan(text: str) -> _PageScanner:
    scanner = _PageScanner()
    scanner.feed(text)
    scanner.close()
    return scanner


def count_html_pages(text: str) -> int:
    """How many ``<html>`` start tags ``text`` holds (as the HTML tokeniser reads them)."""
    return _scan(text).html_starts


def page_problems(text: str) -> list[str]:
    """Why ``text`` does not carry exactly one well-formed page (empty: it does)."""
    scanner = _scan(text)
    problems = list(scanner.problems)
    if scanner.html_starts != 1:
        problems.append(f"{scanner.html_starts} <html> start tags (need exactly one)")
    if scanner.html_ends != 1:
        problems.append(f"{scanner.html_ends} </html> end tags (need exactly one)")
    if scanner.html_starts >= 1 and not scanner.closed:
        open_tags = " ".join(f"<{tag}>" for tag in scanner.stack)
        problems.append(f"unclosed at the end: {open_tags}")
    if scanner.closed and not scanner.problems:
        if scanner.children["body"] != 1:
            problems.append(f"{scanner.children['body']} <body> elements in <html> (need one)")
        if scanner.children["head"] > 1:
            problems.append(f"{scanner.children['head']} <head> elements in <html>")
    return problems


def well_formed_page(text: str) -> bool:
    """``text`` carries exactly one well-formed page (see the module docstring)."""
    return not page_problems(text)


def turn_has_one_page(agent_text: str) -> bool:
    """A frontend agent turn whose shown part (after ``OUTPUT:``) carries one well-formed page."""
    return well_formed_page(protocol.shown_text(agent_text))


# -- the report ------------------------------------------------------------------------------


def _fraction(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _reward_summary(trajectories: Sequence[Trajectory]) -> dict[str, Any]:
    scored = [t for t in trajectories if t.reward is not None]
    summary: dict[str, Any] = {
        "scored": len(scored),
        "unscored": len(trajectories) - len(scored),
        "mean_reward": _fraction(sum(t.reward or 0.0 for t in scored), len(scored))
        if scored
        else None,
    }
    if trajectories and trajectories[0].task.kind == "backend":
        summary["success_rate"] = _fraction(sum(bool(t.success) for t in scored), len(scored))
    return summary


def backend_report(trajectories: Sequence[Trajectory]) -> dict[str, Any]:
    """The backend metrics of the module docstring over backend ``trajectories``."""
    asked = [questions_before_answer(t) for t in trajectories]
    answers = [t.answer for t in trajectories if t.answer is not None]
    defining = sum(answer_defines_function(a) for a in answers)
    with_marker = [n for n in asked if n is not None]
    return {
        "episodes": len(trajectories),
        "answered_with_marker": _fraction(len(with_marker), len(trajectories)),
        "asked_before_answer": _fraction(sum(n >= 1 for n in with_marker), len(trajectories)),
        "mean_questions_before_answer": (
            sum(with_marker) / len(with_marker) if with_marker else None
        ),
        "answers": len(answers),
        "answer_defines_function": _fraction(defining, len(answers)),
        "answer_defines_function_per_episode": _fraction(defining, len(trajectories)),
        "reward": _reward_summary(trajectories),
    }


def frontend_report(trajectories: Sequence[Trajectory]) -> dict[str, Any]:
    """The frontend metrics of the module docstring over frontend ``trajectories``."""
    turns = [turn.content for t in trajectories for turn in t.agent_turns]
    with_page = sum(turn_has_one_page(text) for text in turns)
    return {
        "episodes": len(trajectories),
        "agent_turns": len(turns),
        "turns_with_one_page": _fraction(with_page, len(turns)),
        "episodes_with_final_page": _fraction(
            sum(t.answer is not None for t in trajectories), len(trajectories)
        ),
        "episodes_with_well_formed_final_page": _fraction(
            sum(t.answer is not None and well_formed_page(t.answer) for t in trajectories),
            len(trajectories),
        ),
        "reward": _reward_summary(trajectories),
    }


def protocol_report(trajectories: Sequence[Trajectory]) -> dict[str, Any]:
    """Protocol-following metrics per task kind, and whether each criterion of
    :data:`CRITERIA` is met (``None`` for a kind with no episodes)."""
    by_kind: dict[str, list[Trajectory]] = {"backend": [], "frontend": []}
    for trajectory in trajectories:
        by_kind.setdefault(trajectory.task.kind, []).append(trajectory)
    report: dict[str, Any] = {"episodes": len(trajectories)}
    if by_kind["backend"]:
        report["backend"] = backend_report(by_kind["backend"])
    if by_kind["frontend"]:
        report["frontend"] = frontend_report(by_kind["frontend"])
    criteria: dict[str, Any] = {}
    for name, minimum in CRITERIA.items():
        kind, metric = name.split(".")
        value = report.get(kind, {}).get(metric)
        criteria[name] = {
            "minimum": minimum,
            "value": value,
            "met": None if value is None else value >= minimum,
        }
    report["criteria"] = criteria
    return report
