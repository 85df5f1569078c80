"""`duet validate-tasks`: what makes a task file pass or fail, checked against the real sandbox."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from training.cli import main
from training.colbench.evaluation.sandbox import Sandbox, SandboxLimits
from training.colbench.tasks import Task
from training.colbench.validation import (
    Failure,
    check_backend_task,
    frontend_problems,
    run_variants,
    validate_file,
)

REPO = Path(__file__).resolve().parents[2]
BACKEND_FILES = [REPO / "data/colbench/backend" / f"{split}.jsonl" for split in ("train", "test")]
PROBLEM_LINE = re.compile(r"^.+:\d+: [\w.\[\]]+: .+$")

LATE_FEE = """def late_fee(days, member=False):
    if days <= 3:
        return 0.0
    fee = (days - 3) * 0.25
    if member:
        fee = fee / 2
    return round(min(fee, 10.0), 2)"""
LATE_FEE_CALLS = [
    "late_fee(0)",
    "late_fee(3)",
    "late_fee(4)",
    "late_fee(4, True)",
    "late_fee(10)",
    "late_fee(10, True)",
    "late_fee(43)",
    "late_fee(43, True)",
    "late_fee(100)",
    "late_fee(17, True)",
]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=1, limits=SandboxLimits(wall_seconds=1.0, total_wall_seconds=10.0)) as box:
        yield box


class _Borrowed:
    """Lends the module's sandbox to ``validate_file`` without letting it close it."""

    def __init__(self, box: Sandbox):
        self.box = box

    def run_calls(self, code, calls):
        return self.box.run_calls(code, calls)

    def close(self) -> None:
        pass


def backend_task(ground_truth: str = LATE_FEE, calls: list[str] | None = None, **kw) -> Task:
    calls = LATE_FEE_CALLS if calls is None else calls
    tests = {f"test{n}": call for n, call in enumerate(calls, start=1)}
    return Task(kw.get("id", "be-t-1"), "backend", "I want a function.", ground_truth, tests)


def write_tasks_file(path: Path, tasks: list[Task]) -> Path:
    path.write_text("".join(json.dumps(t.to_row()) + "\n" for t in tasks), encoding="utf-8")
    return path


def problems(task: Task, box: Sandbox) -> list[str]:
    return check_backend_task(task, 1, box).problems


# ----------------------------------------------------------------------------- bundled data


def test_bundled_backend_files_pass(sandbox):
    for path in BACKEND_FILES:
        report = validate_file(path, lambda: _Borrowed(sandbox))
        assert report.problem_lines() == [], path
        assert report.guess_fail_rate >= 0.5
        assert all(task.details_that_matter >= 2 for task in report.tasks)


def test_bundled_frontend_files_pass():
    paths = sorted((REPO / "data/colbench/frontend").glob("*.jsonl"))
    if not paths:
        pytest.skip("no frontend task files built yet")
    for path in paths:
        assert validate_file(path).problem_lines() == [], path


def test_shared_official_example_passes(sandbox):
    path = Path(__file__).parent / "examples" / "backend_task.jsonl"
    assert validate_file(path, lambda: _Borrowed(sandbox)).problem_lines() == []


# ----------------------------------------------------------------------------- backend rules


def test_good_task_has_no_problems_and_its_details_matter(sandbox):
    report = check_backend_task(backend_task(), 1, sandbox)
    assert report.problems == []
    assert report.details == 7
    assert report.details_that_matter >= 4
    assert report.guess_fail_rate > 0.5


def test_ground_truth_that_raises_names_the_test_and_the_error(sandbox):
    task = backend_task(LATE_FEE.replace("return 0.0", "return 1 / 0"))
    (problem,) = problems(task, sandbox)
    assert problem.startswith("ground_truth: fails its own test test1 (late_fee(0)):")
    assert "division by zero" in problem
    assert "(and 1 more)" in problem


def test_ground_truth_that_does_not_parse_is_reported(sandbox):
    assert problems(backend_task("def late_fee(:\n    pass"), sandbox) == [
        "ground_truth: does not parse (invalid syntax, line 1)"
    ]


def test_nondeterministic_ground_truth_is_reported(sandbox):
    clock = "def late_fee(days, member=False):\n    import time\n    return time.time_ns() % 997"
    found = problems(backend_task(clock), sandbox)
    assert any("differs between two runs" in p and "deterministic" in p for p in found)


def test_output_that_json_cannot_hold_is_reported(sandbox):
    as_set = LATE_FEE.replace("return round(min(fee, 10.0), 2)", "return {round(fee, 2)}")
    found = problems(backend_task(as_set), sandbox)
    assert any(
        p.startswith("test_cases.test3: output") and "not JSON-representable" in p for p in found
    )


def test_tests_that_all_return_the_same_value_are_reported(sandbox):
    calls = [f"late_fee({n})" for n in range(10)]
    calls = [c.replace("late_fee(", "late_fee(-") for c in calls]
    assert "test_cases: every test returns the same value (0.0)" in problems(
        backend_task(calls=calls), sandbox
    )


def test_duplicate_calls_are_reported_even_when_spelled_differently(sandbox):
    calls = [*LATE_FEE_CALLS[:9], "late_fee( 4,True )"]
    assert problems(backend_task(calls=calls), sandbox) == [
        "test_cases.test10: duplicate of test4 (late_fee( 4,True ))"
    ]


def test_calls_of_another_function_are_reported(sandbox):
    calls = [*LATE_FEE_CALLS[:9], "fee(17, True)"]
    found = problems(backend_task(calls=calls), sandbox)
    assert "test_cases.test10: calls fee() but the ground truth defines late_fee" in found


def test_a_call_that_is_not_a_call_is_reported(sandbox):
    calls = [*LATE_FEE_CALLS[:9], "late_fee"]
    found = problems(backend_task(calls=calls), sandbox)
    assert found == ["test_cases.test10: must be a call of the ground-truth function, like f(1, 2)"]


def test_wrong_number_of_tests_is_reported(sandbox):
    found = problems(backend_task(calls=LATE_FEE_CALLS[:4]), sandbox)
    assert found == ["test_cases: expected 10 tests, found 4"]


def test_task_with_a_single_personal_detail_is_reported(sandbox):
    double = "def late_fee(days, member=False):\n    return days * 3"
    calls = [f"late_fee({n})" for n in range(10)]
    (problem,) = problems(backend_task(double, calls), sandbox)
    assert problem.startswith("ground_truth: only 1 of 1 hidden details change a test output")


def test_details_the_tests_never_reach_do_not_count(sandbox):
    # Four details (>, 50, 99, 0.5), but every test stays below the threshold: only 0.5 matters.
    gt = (
        "def late_fee(days, member=False):\n"
        "    if days > 50:\n"
        "        return 99\n"
        "    return days * 0.5"
    )
    calls = [f"late_fee({n})" for n in range(10)]
    report = check_backend_task(backend_task(gt, calls), 1, sandbox)
    assert report.details == 4
    assert report.details_that_matter == 1


def test_file_of_guessable_tasks_fails_on_the_guess_rate(tmp_path, sandbox):
    # The details matter, but only for two tests in ten: a guess passes most tests.
    gt = (
        "def late_fee(days, member=False):\n"
        "    if days >= 30:\n"
        "        return days * 2\n"
        "    return days"
    )
    calls = [f"late_fee({n})" for n in range(8)] + ["late_fee(30)", "late_fee(40)"]
    path = write_tasks_file(tmp_path / "easy.jsonl", [backend_task(gt, calls)])
    report = validate_file(path, lambda: _Borrowed(sandbox))
    assert report.tasks[0].problems == []
    assert report.guess_fail_rate < 0.5
    (line,) = report.problem_lines()
    assert line.startswith(f"{path}:0: file: a guess that perturbs every hidden detail fails only")


def test_hanging_mutant_costs_only_its_own_calls(sandbox):
    looping = "def late_fee(days, member=False):\n    while True:\n        pass"
    outputs = run_variants(sandbox, [LATE_FEE, looping], {"a": "late_fee(4)", "b": "late_fee(0)"})
    assert outputs[0] == {"a": 0.25, "b": 0.0}
    assert all(isinstance(value, Failure) for value in outputs[1].values())


def test_problems_carry_the_file_line_of_their_row(tmp_path, sandbox):
    bad = backend_task(calls=[*LATE_FEE_CALLS[:9], "late_fee(0)"], id="be-t-2")
    path = write_tasks_file(tmp_path / "train.jsonl", [backend_task(), bad])
    assert validate_file(path, lambda: _Borrowed(sandbox)).problem_lines() == [
        f"{path}:2: test_cases.test10: duplicate of test1 (late_fee(0))"
    ]


def test_malformed_file_reports_loader_problems_without_running_anything(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text('{"problem_description": "x"}\n')

    def no_runner():
        raise AssertionError("nothing should run for a file that does not load")

    report = validate_file(path, no_runner)
    assert report.problem_lines() == [f"{path}:1: ground_truth: missing or not a non-empty string"]


def test_a_backend_file_row_without_test_cases_is_reported_by_name(tmp_path, sandbox):
    (tmp_path / "backend").mkdir()
    row = {"problem_description": "I want a function.", "ground_truth": LATE_FEE}
    path = tmp_path / "backend" / "test.jsonl"
    write_tasks_file(path, [backend_task()])
    with path.open("a") as handle:
        handle.write(json.dumps(row) + "\n")
    report = validate_file(path, lambda: _Borrowed(sandbox))
    assert report.problem_lines() == [f"{path}:2: test_cases: missing (backend file)"]
    assert (report.kind, report.kind_from) == ("backend", "directory")


def test_rows_that_load_are_checked_beside_the_rows_that_do_not(tmp_path, sandbox):
    bad = backend_task(calls=[*LATE_FEE_CALLS[:9], "late_fee(0)"])
    path = write_tasks_file(tmp_path / "train.jsonl", [bad])
    with path.open("a") as handle:
        handle.write(json.dumps({"problem_description": "x", "test_cases": {"t": "f()"}}) + "\n")
    assert validate_file(path, lambda: _Borrowed(sandbox)).problem_lines() == [
        f"{path}:2: ground_truth: missing or not a non-empty string",
        f"{path}:1: test_cases.test10: duplicate of test1 (late_fee(0))",
    ]


# ----------------------------------------------------------------------------- command line


def test_command_exits_1_and_ends_with_a_json_summary_on_problems(tmp_path, capsys):
    bad = backend_task(calls=[*LATE_FEE_CALLS[:9], "late_fee(0)"])
    path = write_tasks_file(tmp_path / "train.jsonl", [bad])
    assert main(["validate-tasks", str(path)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1])
    summary = json.loads(lines[-1])
    assert summary["ok"] is False
    assert summary["problems"] == len(lines) - 1 == 1
    assert summary["files"][0]["tasks_with_problems"] == 1


def test_command_exits_0_for_good_files(tmp_path, capsys):
    path = write_tasks_file(tmp_path / "train.jsonl", [backend_task()])
    page = Task("fe-1", "frontend", "I want a page.", GOOD_PAGE)
    pages = write_tasks_file(tmp_path / "pages.jsonl", [page])
    assert main(["validate-tasks", str(path), str(pages)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["ok"] is True
    assert [f["kind"] for f in summary["files"]] == ["backend", "frontend"]


def test_command_with_a_kind_reports_every_row_missing_a_field_of_that_kind(tmp_path, capsys):
    rows = [{"problem_description": f"I want page {i}.", "ground_truth": GOOD_PAGE} for i in (1, 2)]
    path = tmp_path / "official.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert main(["validate-tasks", "--kind", "backend", str(path)]) == 1
    *problem_lines, last = capsys.readouterr().out.strip().splitlines()
    assert problem_lines == [f"{path}:{n}: test_cases: missing (backend file)" for n in (1, 2)]
    assert json.loads(last)["files"][0]["kind_from"] == "given"


# ----------------------------------------------------------------------------- frontend rules

TAILWIND = "https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css"
GOOD_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><link href="{TAILWIND}" rel="stylesheet"></head>
<body class="bg-gray-50 text-gray-800 font-sans">
<nav class="flex items-center justify-between px-8 py-4 bg-white shadow">
<a href="#" class="text-2xl font-bold">Crumb</a></nav>
<section class="max-w-4xl mx-auto py-16 px-6 grid grid-cols-2 gap-8">
<img src="https://placehold.co/600x400" alt="bread" class="w-full rounded-lg">
<p class="text-lg md:text-xl hover:underline">Fresh bread every day.</p></section>
</body>
</html>"""


def page_problems(page: str, description: str = "I want a page.") -> list[str]:
    return frontend_problems(Task("fe-1", "frontend", description, page))


def test_full_tailwind_page_with_placeholder_images_passes():
    assert page_problems(GOOD_PAGE) == []


def test_picsum_images_are_allowed():
    assert page_problems(GOOD_PAGE.replace("placehold.co/600x400", "picsum.photos/600/400")) == []


def test_fragment_without_html_head_body_is_reported():
    fragment = '<div class="p-4 m-2 flex grid gap-2 bg-white text-sm rounded shadow w-full">x</div>'
    found = page_problems(fragment)
    assert "ground_truth: not a full page (no <html>)" in found
    assert "ground_truth: not a full page (no <body>)" in found
    assert "ground_truth: does not load Tailwind (stylesheet or CDN script)" in found


def test_page_without_tailwind_classes_is_reported():
    plain = re.sub(r' class="[^"]*"', "", GOOD_PAGE)
    assert page_problems(plain) == [
        "ground_truth: only 0 Tailwind utility classes (need 10)",
    ]


@pytest.mark.parametrize(
    ("insert", "expected"),
    [
        ("<script>alert(1)</script>", "found an inline <script>"),
        ('<script src="https://example.com/app.js"></script>', "found src='https://example.com"),
        ('<button onclick="go()" class="p-2">Go</button>', "event handler attribute onclick="),
        ('<a href="javascript:go()">x</a>', "uses a javascript: URL"),
        (
            '<img src="https://example.com/cat.jpg">',
            "<img src> loads 'https://example.com/cat.jpg'",
        ),
        ('<img src="logo.png">', "<img src> loads 'logo.png'"),
        ('<div style="background-image: url(/bg.png)"></div>', "<div style> url() loads '/bg.png'"),
        ('<iframe src="https://placehold.co/1"></iframe>', "<iframe> is not allowed"),
        ('<link rel="stylesheet" href="/site.css">', "stylesheet '/site.css' is not the offline"),
    ],
)
def test_scripts_and_outside_resources_are_reported(insert, expected):
    found = page_problems(GOOD_PAGE.replace("</section>", insert + "</section>"))
    assert len(found) == 1 and expected in found[0], found


def test_tailwind_cdn_script_is_the_one_allowed_script():
    page = GOOD_PAGE.replace(
        f'<link href="{TAILWIND}" rel="stylesheet">',
        '<script src="https://cdn.tailwindcss.com"></script>',
    )
    assert page_problems(page) == []


def test_oversized_page_and_description_are_reported():
    big = GOOD_PAGE.replace("Fresh bread", "Fresh bread " * 2000)
    found = page_problems(big, "x" * 1600)
    assert any(p.startswith("ground_truth: ") and "(limit 20000)" in p for p in found)
    assert "problem_description: 1600 characters (limit 1500)" in found


def test_a_ground_truth_returning_an_int_too_long_to_print_is_reported_not_crashed(sandbox):
    huge = "def power(n):\n    return 10 ** (5000 + n)"
    calls = {f"test{n}": f"power({n})" for n in range(1, 11)}
    task = Task("be-huge", "backend", "I want a big number.", huge, calls)
    found = check_backend_task(task, 1, sandbox).problems
    assert any(p.startswith("test_cases.test1: output <int of") for p in found), found
