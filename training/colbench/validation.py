"""Check that ColBench task files make good collaborative tasks (``duet validate-tasks``).

Loading (:func:`training.colbench.tasks.load_tasks`) only checks the shape of rows. This module
checks what makes a task worth training on:

Backend tasks (ground truths are data, so they run only inside the code sandbox):

- the tests are call expressions of the one function the ground truth defines, without duplicates;
- the ground truth passes its own tests: every call returns, the value holds no NaN (which equals
  nothing, so no answer could pass), is JSON-representable (it survives a JSON round trip
  unchanged) and the same in two separate runs;
- the tests are diverse: not every call returns the same value;
- an agent that answers without asking fails: for each task, mutants that perturb one hidden
  detail (:mod:`training.colbench.mutation`) must change some test's output for at least two
  distinct details, and over a file, guesses that perturb every detail must fail at least half of
  the tests on average.

Frontend tasks: the ground truth is a whole HTML page (``<html>``, ``<head>``, ``<body>``) styled
with Tailwind classes, loads nothing but Tailwind and placeholder images, runs no scripts, and
stays within size limits.

Problems are reported as ``file:line: field: reason`` (line 0 for file-wide problems).
"""

from __future__ import annotations

import ast
import json
import random
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

from training.colbench.evaluation.value_codec import contains_nan
from training.colbench.mutation import hidden_details, mutate_at
from training.colbench.tasks import Task, read_task_file

#: Images in frontend ground truths may only come from these URL prefixes (the renderer answers
#: them offline with a grey box of the requested size).
PLACEHOLDER_IMAGE_PREFIXES: tuple[str, ...] = ("https://placehold.co/", "https://picsum.photos/")
#: The only stylesheets a frontend ground truth may load (Tailwind 2.2.19, served offline).
TAILWIND_STYLESHEETS: tuple[str, ...] = (
    "https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css",
    "https://unpkg.com/tailwindcss@2.2.19/dist/tailwind.min.css",
)
#: The only scripts a frontend ground truth may load (the Tailwind CDN runtime, no inline code).
TAILWIND_SCRIPTS: tuple[str, ...] = ("https://cdn.tailwindcss.com",)
MAX_PAGE_CHARS = 20_000
MAX_DESCRIPTION_CHARS = 1_500
MIN_TAILWIND_CLASSES = 10

_TAILWIND_CLASS = re.compile(
    r"^(?:[a-z]+:)*-?(?:"
    r"(?:bg|text|border|rounded|shadow|font|leading|tracking|p[xytrbl]?|m[xytrbl]?|w|h|min-w|"
    r"min-h|max-w|max-h|gap|gap-[xy]|space-[xy]|grid-cols|grid-rows|col-span|row-span|flex|"
    r"items|justify|content|self|place|order|top|bottom|left|right|inset|z|opacity|ring|divide|"
    r"object|overflow|whitespace|tracking|uppercase|lowercase|capitalize|cursor|transition|"
    r"duration|ease|transform|scale|rotate|translate-[xy]|from|via|to|list|align|outline)"
    r"(?:-[\w./\[\]#%]+)*|"
    r"flex|grid|block|inline|inline-block|inline-flex|hidden|container|relative|absolute|fixed|"
    r"sticky|underline|italic|truncate|mx-auto|uppercase|lowercase|capitalize|antialiased|"
    r"table|shadow|rounded|border|transition|transform)$"
)


# ------------------------------------------------------------------------------ code runner


class CallResultLike(Protocol):
    ok: bool
    value: Any
    error: str | None


class CallRunner(Protocol):
    """What the validator needs from the sandbox: run ``calls`` against ``code``."""

    def run_calls(self, code: str, calls: dict[str, str]) -> dict[str, CallResultLike]: ...

    def close(self) -> None: ...


def default_runner() -> CallRunner:
    """The code sandbox of :mod:`training.colbench.evaluation.sandbox`."""
    from training.colbench.evaluation.sandbox import Sandbox

    return Sandbox()


@dataclass(frozen=True)
class Failure:
    """A call that raised, timed out or returned nothing; never equal to any output."""

    error: str


def _outcome(result: CallResultLike | None) -> Any:
    if result is None:
        return Failure("no result")
    return result.value if result.ok else Failure(result.error or "failed")


def _same(a: Any, b: Any) -> bool:
    """Output equality as the reward sees it (``==``); failures never match."""
    if isinstance(a, Failure) or isinstance(b, Failure):
        return False
    try:
        return bool(a == b)
    except Exception:  # an exotic __eq__ is a difference, not a crash
        return False


def _json_round_trips(value: Any) -> bool:
    """True for plain JSON data; tuples, sets and the sandbox's tagged ``__type__`` dicts fail."""
    if isinstance(value, dict) and "__type__" in value:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_round_trips(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_round_trips(item) for item in value)
    try:
        return json.loads(json.dumps(value, allow_nan=False)) == value
    except (TypeError, ValueError):
        return False


def variants_program(sources: Sequence[str]) -> str:
    """One program defining several versions of a ground truth side by side.

    Each source becomes the body of a factory function whose namespace (``locals()``) lands in
    ``_duet_variants[i]``; a version whose definition raises becomes ``None``. Running all mutants
    of a task in one sandbox call keeps validation of a 100-task file within seconds.
    """
    parts = [
        "def _duet_build(factory):\n"
        "    try:\n"
        "        return factory()\n"
        "    except Exception:\n"
        "        return None\n"
    ]
    for index, source in enumerate(sources):
        body = textwrap.indent(source.rstrip() or "pass", "    ")
        parts.append(f"def _duet_variant_{index}():\n{body}\n    return locals()\n")
    built = ", ".join(f"_duet_build(_duet_variant_{index})" for index in range(len(sources)))
    parts.append(f"_duet_variants = [{built}]\n")
    return "\n".join(parts)


def variant_call(index: int, call: str) -> str:
    """The expression that evaluates test ``call`` against version ``index`` of the program."""
    return f"eval({call!r}, dict(_duet_variants[{index}]))"


def run_variants(
    runner: CallRunner, sources: Sequence[str], calls: dict[str, str]
) -> list[dict[str, Any]]:
    """Outputs of every test call for every version: ``[{test name: value or Failure}]``.

    If the batched run fails wholesale (a mutant that hangs takes the whole program down), each
    version is rerun on its own so that one bad mutant cannot hide the others' results.
    """
    program = variants_program(sources)
    batch = {
        f"v{index}:{name}": variant_call(index, call)
        for index in range(len(sources))
        for name, call in calls.items()
    }
    results = runner.run_calls(program, batch)
    outputs = [
        {name: _outcome(results.get(f"v{index}:{name}")) for name in calls}
        for index in range(len(sources))
    ]
    if len(sources) > 1 and all(isinstance(v, Failure) for out in outputs for v in out.values()):
        outputs = [run_variants(runner, [source], calls)[0] for source in sources]
    return outputs


# ------------------------------------------------------------------------------ reports


@dataclass
class TaskReport:
    task_id: str
    line: int
    problems: list[str] = field(default_factory=list)  # "field: reason"
    details: int = 0
    details_that_matter: int = 0
    guess_fail_rate: float | None = None


@dataclass
class FileReport:
    path: str
    kind: str = "unknown"
    kind_from: str = ""  # what decided the kind (see training.colbench.tasks.file_kind)
    tasks: list[TaskReport] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # full "file:line: field: reason"

    @property
    def guess_fail_rate(self) -> float | None:
        rates = [t.guess_fail_rate for t in self.tasks if t.guess_fail_rate is not None]
        return sum(rates) / len(rates) if rates else None

    def problem_lines(self) -> list[str]:
        lines = list(self.file_problems)
        for task in self.tasks:
            lines += [f"{self.path}:{task.line}: {problem}" for problem in task.problems]
        return lines

    def summary(self) -> dict[str, Any]:
        rate = self.guess_fail_rate
        return {
            "path": self.path,
            "kind": self.kind,
            "kind_from": self.kind_from,
            "tasks": len(self.tasks),
            "tasks_with_problems": sum(1 for t in self.tasks if t.problems),
            "problems": len(self.problem_lines()),
            "guess_fail_rate": None if rate is None else round(rate, 3),
        }


@dataclass(frozen=True)
class BackendRules:
    tests_per_task: int | None = 10  # None: any number of tests
    min_details_that_matter: int = 2
    min_guess_fail_rate: float = 0.5
    guesses_per_task: int = 3


# ------------------------------------------------------------------------------ backend checks


def _called_function(call: str) -> tuple[str | None, str | None]:
    """The function name a test call invokes, or an error explaining why it is not a call."""
    try:
        tree = ast.parse(call.strip(), mode="eval")
    except SyntaxError as exc:
        return None, f"not a Python expression ({exc.msg})"
    if not isinstance(tree.body, ast.Call) or not isinstance(tree.body.func, ast.Name):
        return None, "must be a call of the ground-truth function, like f(1, 2)"
    return tree.body.func.id, None


def static_backend_problems(task: Task, rules: BackendRules) -> tuple[list[str], str | None]:
    """Problems found without running code, and the function the tests call (if consistent)."""
    problems: list[str] = []
    try:
        module = ast.parse(task.ground_truth)
    except SyntaxError as exc:
        return [f"ground_truth: does not parse ({exc.msg}, line {exc.lineno})"], None
    defined = [
        node.name
        for node in module.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    if not defined:
        problems.append("ground_truth: defines no top-level function")
    count = len(task.test_cases)
    if rules.tests_per_task is not None and count != rules.tests_per_task:
        problems.append(f"test_cases: expected {rules.tests_per_task} tests, found {count}")
    called: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for name, call in task.test_cases.items():
        function, error = _called_function(call)
        if error:
            problems.append(f"test_cases.{name}: {error}")
            continue
        assert function is not None
        called.setdefault(function, []).append(name)
        normal = ast.dump(ast.parse(call.strip(), mode="eval"))
        if normal in seen:
            problems.append(f"test_cases.{name}: duplicate of {seen[normal]} ({call.strip()})")
        else:
            seen[normal] = name
    for function, names in called.items():
        if defined and function not in defined:
            problems.append(
                f"test_cases.{names[0]}: calls {function}() but the ground truth defines "
                f"{', '.join(defined)}"
            )
    if len(called) > 1:
        problems.append(f"test_cases: calls several functions ({', '.join(sorted(called))})")
    target = next(iter(called)) if len(called) == 1 and not problems else None
    return problems, target


def _guess_rng(task: Task, number: int) -> random.Random:
    return random.Random(f"{task.id}:guess:{number}")


def _shown(value: Any, limit: int = 120) -> str:
    """``repr(value)`` for a problem message, shortened; never raises (``repr`` of an int over
    4,300 digits does, and so does any container holding one)."""
    try:
        text = repr(value)
    except ValueError:
        if isinstance(value, int):
            return f"<int of {value.bit_length()} bits>"
        return f"<{type(value).__name__} too large to print>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_backend_task(
    task: Task, line: int, runner: CallRunner, rules: BackendRules = BackendRules()
) -> TaskReport:
    """Every backend check for one task (see the module docstring)."""
    report = TaskReport(task_id=task.id, line=line)
    problems, target = static_backend_problems(task, rules)
    report.problems += problems
    if target is None:
        return report
    calls = dict(task.test_cases)
    first = run_variants(runner, [task.ground_truth], calls)[0]
    failed = [name for name, value in first.items() if isinstance(value, Failure)]
    if failed:
        name = failed[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        report.problems.append(
            f"ground_truth: fails its own test {name} ({calls[name]}): {first[name].error}{more}"
        )
        return report
    with_nan = [name for name, value in first.items() if contains_nan(value)]
    if with_nan:
        name = with_nan[0]
        more = f" (and {len(with_nan) - 1} more)" if len(with_nan) > 1 else ""
        report.problems.append(
            f"test_cases.{name}: the ground truth's output {_shown(first[name])} contains NaN, "
            f"which equals nothing (not even itself), so no answer can pass this test{more}"
        )
        return report
    for name, value in first.items():
        if not _json_round_trips(value):
            report.problems.append(
                f"test_cases.{name}: output {_shown(value)} is not JSON-representable "
                "(use numbers, strings, bools, None, lists and dicts with string keys)"
            )
    values = list(first.values())
    if all(_same(values[0], value) for value in values[1:]):
        same = _shown(values[0])
        report.problems.append(f"test_cases: every test returns the same value ({same})")

    details = hidden_details(task.ground_truth)
    report.details = len(details)
    sources = [task.ground_truth]
    sources += [mutate_at(task.ground_truth, [d.index], random.Random(d.index)) for d in details]
    sources += [
        mutate_at(task.ground_truth, range(len(details)), _guess_rng(task, number))
        for number in range(rules.guesses_per_task if details else 0)
    ]
    outputs = run_variants(runner, sources, calls)
    second = outputs[0]
    unstable = [name for name in calls if not _same(first[name], second[name])]
    if unstable:
        report.problems.append(
            f"test_cases.{unstable[0]}: output differs between two runs "
            f"({_shown(first[unstable[0]])} vs {_shown(second[unstable[0]])}); ground truths "
            "must be deterministic"
        )

    def fails(out: dict[str, Any]) -> int:
        return sum(1 for name in calls if not _same(first[name], out[name]))

    mattering = [
        d for d, out in zip(details, outputs[1 : 1 + len(details)], strict=True) if fails(out)
    ]
    report.details_that_matter = len(mattering)
    if len(mattering) < rules.min_details_that_matter:
        shown = ", ".join(d.describe() for d in mattering) or "none"
        report.problems.append(
            f"ground_truth: only {len(mattering)} of {len(details)} hidden details change a test "
            f"output when perturbed (need {rules.min_details_that_matter}; those that do: "
            f"{shown}); add personal details or tests that exercise them"
        )
    guesses = outputs[1 + len(details) :]
    if guesses:
        report.guess_fail_rate = sum(fails(out) for out in guesses) / (len(guesses) * len(calls))
    else:
        report.guess_fail_rate = 0.0
    return report


# ------------------------------------------------------------------------------ frontend checks


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.closed: set[str] = set()
        self.classes: list[str] = []
        self.problems: list[str] = []
        self.stylesheets: list[str] = []
        self._in_script = False
        self._script_src = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self.tags.append(tag)
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an event handler attribute {name}=")
            if value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=...> uses a javascript: URL")
        self.classes += values.get("class", "").split()
        if "style" in values:
            self._check_css(values["style"], f"<{tag} style>")
        if tag == "script":
            self._in_script = True
            src = self._script_src = values.get("src", "")
            if src not in TAILWIND_SCRIPTS:
                self.problems.append(
                    "scripts are not allowed (only the Tailwind CDN script "
                    f"{', '.join(TAILWIND_SCRIPTS)})"
                    + (f"; found src={src!r}" if src else "; found an inline <script>")
                )
        elif tag in ("iframe", "object", "embed", "frame", "applet", "base"):
            self.problems.append(f"<{tag}> is not allowed")
        elif tag in ("img", "source", "video", "audio", "input", "track"):
            for name in ("src", "poster"):
                if name in values:
                    self._check_image(values[name], f"<{tag} {name}>")
            for candidate in values.get("srcset", "").split(","):
                if candidate.strip():
                    self._check_image(candidate.split()[0], f"<{tag} srcset>")
        elif tag == "link":
            rel = values.get("rel", "").lower()
            href = values.get("href", "")
            if "stylesheet" in rel:
                self.stylesheets.append(href)
                if href not in TAILWIND_STYLESHEETS:
                    self.problems.append(f"stylesheet {href!r} is not the offline Tailwind CSS")
            elif href and "icon" in rel:
                self._check_image(href, "<link rel=icon>")
            elif href and rel in ("preload", "prefetch", "modulepreload", "import"):
                self.problems.append(f"<link rel={rel}> loads {href!r}")
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        self.closed.add(tag)
        if tag == "script":
            self._in_script = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip() and self._script_src in TAILWIND_SCRIPTS:
            self.problems.append("code inside the Tailwind <script> tag is not allowed")
        if self._in_style:
            self._check_css(data, "<style>")

    def _check_css(self, css: str, where: str) -> None:
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            self._check_image(url.strip(), f"{where} url()")
        if "@import" in css:
            self.problems.append(f"{where} uses @import")

    def _check_image(self, url: str, where: str) -> None:
        if not url.startswith(PLACEHOLDER_IMAGE_PREFIXES):
            self.problems.append(
                f"{where} loads {url[:80]!r}; images must come from "
                f"{' or '.join(PLACEHOLDER_IMAGE_PREFIXES)}"
            )


def frontend_problems(task: Task) -> list[str]:
    """``field: reason`` problems of one frontend task."""
    problems: list[str] = []
    page = task.ground_truth
    if len(page) > MAX_PAGE_CHARS:
        problems.append(f"ground_truth: {len(page)} characters (limit {MAX_PAGE_CHARS})")
    if len(task.problem_description) > MAX_DESCRIPTION_CHARS:
        problems.append(
            f"problem_description: {len(task.problem_description)} characters "
            f"(limit {MAX_DESCRIPTION_CHARS})"
        )
    scan = _PageScan()
    try:
        scan.feed(page)
        scan.close()
    except Exception as exc:  # HTMLParser rarely raises, but a broken page must not crash us
        return [*problems, f"ground_truth: HTML does not parse ({exc})"]
    for tag in ("html", "head", "body"):
        if tag not in scan.tags:
            problems.append(f"ground_truth: not a full page (no <{tag}>)")
    if "html" in scan.tags and "html" not in scan.closed:
        problems.append("ground_truth: <html> is never closed")
    tailwind = [c for c in scan.classes if _TAILWIND_CLASS.match(c)]
    if len(tailwind) < MIN_TAILWIND_CLASSES:
        problems.append(
            f"ground_truth: only {len(tailwind)} Tailwind utility classes "
            f"(need {MIN_TAILWIND_CLASSES})"
        )
    has_runtime = any(src in page for src in TAILWIND_SCRIPTS)
    if not scan.stylesheets and not has_runtime:
        problems.append("ground_truth: does not load Tailwind (stylesheet or CDN script)")
    seen: set[str] = set()
    for problem in scan.problems:
        if problem not in seen:
            seen.add(problem)
            problems.append(f"ground_truth: {problem}")
    return problems


# ------------------------------------------------------------------------------ files


def validate_file(
    path: str | Path,
    runner_factory: Callable[[], CallRunner] = default_runner,
    rules: BackendRules = BackendRules(),
    *,
    kind: str | None = None,
) -> FileReport:
    """Validate one task file; never raises for bad content, only reports it.

    Every row that does not load is reported (:func:`~training.colbench.tasks.read_task_file`,
    which also decides the file's kind; ``kind`` overrides it) and the rows that do load are
    checked as well.
    """
    path = Path(path)
    read = read_task_file(path, kind=kind)
    report = FileReport(path=str(path), kind=read.kind, kind_from=read.kind_from)
    report.file_problems += read.problems
    runner: CallRunner | None = None
    try:
        for line, task in read.tasks:
            if task.kind == "frontend":
                report.tasks.append(TaskReport(task.id, line, frontend_problems(task)))
                continue
            if runner is None:
                runner = runner_factory()
            report.tasks.append(check_backend_task(task, line, runner, rules))
    finally:
        if runner is not None:
            runner.close()
    rate = report.guess_fail_rate
    if rate is not None and rate < rules.min_guess_fail_rate:
        report.file_problems.append(
            f"{path}:0: file: a guess that perturbs every hidden detail fails only "
            f"{rate:.0%} of the tests on average (need {rules.min_guess_fail_rate:.0%}); "
            "the tasks are too easy to answer without asking"
        )
    return report


def validate_files(
    paths: Iterable[str | Path],
    runner_factory: Callable[[], CallRunner] = default_runner,
    rules: BackendRules = BackendRules(),
    *,
    kind: str | None = None,
) -> list[FileReport]:
    return [validate_file(path, runner_factory, rules, kind=kind) for path in paths]
