"""Sandboxed backend scoring vs a naive in-process ``exec`` evaluator, on the same answers.

    .venv/bin/python bench/sandbox_speed.py [--answers 500] [--workers 2] [--repeats 3]

Answers are generated from the bundled backend tasks (data/colbench/backend/*.jsonl; a few inline
tasks when those files are absent): a mix of correct answers (the ground truth in a markdown
fence), wrong ones (a constant changed), ones that raise, and prose without code. Both evaluators
score every answer; the script checks that their rewards agree, then prints wall and CPU times.

* naive: the in-process reference evaluator, kept here only: ``exec`` the ground truth and the
  answer in this process for every answer and compare with ``==`` (no isolation, no limits, no
  caching);
* sandbox: :func:`score_backend_many` on a started :class:`Sandbox` (ground-truth outputs cached
  per task, first run included), one fresh isolated process per answer.

Each sandbox run starts its own pool (the warm workers of the previous run are stopped first),
so its CPU time includes its workers and answer processes (collected when they are reaped).
Runs alternate naive/sandbox ``--repeats`` times; medians are reported. Then the start-up of a
one-row run: a fresh Python process that imports the scorer, starts a sandbox and scores one
answer (cold), and a second sandbox in the same process (warm: it reuses the first's workers).

``--profile`` instead runs the sandbox worker's own loop (``Worker.evaluate``) on the same jobs
in a separate interpreter started like a worker (``-s -S -P -B``, no namespaces) and prints the
CPU time and page faults per job of the worker and of the answer processes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from training.colbench.evaluation.backend_scoring import (  # noqa: E402
    clear_ground_truth_cache,
    score_backend_many,
)
from training.colbench.evaluation.code_extraction import extract_code  # noqa: E402
from training.colbench.evaluation.sandbox import (  # noqa: E402
    WORKER_SCRIPT,
    Sandbox,
    SandboxLimits,
    shutdown_warm_workers,
)
from training.colbench.evaluation.sandbox_jobs import prepare_job  # noqa: E402
from training.colbench.tasks import Task, load_tasks  # noqa: E402

INLINE_TASKS = [
    Task(
        id="inline-tip",
        kind="backend",
        problem_description="tip",
        ground_truth="def tip(bill, pct):\n    return round(bill * pct / 100, 2)\n",
        test_cases={f"t{i}": f"tip({10 * i + 3}, {5 + i})" for i in range(10)},
    ),
    Task(
        id="inline-grade",
        kind="backend",
        problem_description="grade",
        ground_truth=(
            "def grade(score):\n"
            "    for cut, letter in ((90, 'A'), (80, 'B'), (70, 'C')):\n"
            "        if score >= cut:\n"
            "            return letter\n"
            "    return 'F'\n"
        ),
        test_cases={f"t{i}": f"grade({55 + 5 * i})" for i in range(10)},
    ),
    Task(
        id="inline-words",
        kind="backend",
        problem_description="words",
        ground_truth=(
            "import re\n"
            "def words(text):\n"
            "    counts = {}\n"
            "    for word in re.findall(r'[a-z]+', text.lower()):\n"
            "        counts[word] = counts.get(word, 0) + 1\n"
            "    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]\n"
        ),
        test_cases={f"t{i}": f"words({'the cat and the hat ' * (i + 1)!r})" for i in range(10)},
    ),
]

_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])")
_FUNCTION = re.compile(r"^def (\w+)\(", re.M)


def bundled_tasks() -> tuple[list[Task], str]:
    files = sorted((REPO / "data" / "colbench" / "backend").glob("*.jsonl"))
    if not files:
        return INLINE_TASKS, "inline tasks (no bundled files found)"
    tasks = [task for path in files for task in load_tasks(path, kind="backend")]
    return tasks, f"{len(tasks)} bundled tasks from {', '.join(p.name for p in files)}"


def make_answers(tasks: list[Task], count: int, seed: int) -> list[tuple[str, Task, str]]:
    """(answer, task, kind) with kind in correct / wrong / raises / prose."""
    rng = random.Random(seed)
    answers = []
    for index in range(count):
        task = tasks[index % len(tasks)]
        kind = rng.choices(["correct", "wrong", "raises", "prose"], weights=[5, 3, 1, 1])[0]
        code = task.ground_truth
        if kind == "wrong":
            numbers = list(_NUMBER.finditer(code))
            if numbers:
                hit = numbers[-1]
                code = f"{code[: hit.start()]}{float(hit.group(1)) + 1.5!r}{code[hit.end() :]}"
            else:
                code += "\n\n_original = list(globals())\n"
                kind = "correct"
        elif kind == "raises":
            name = _FUNCTION.search(code)
            if name:
                code += f"\n\ndef {name.group(1)}(*args, **kwargs):\n    raise ValueError('no')\n"
        if kind == "prose":
            answers.append(("I am not sure how to write this, sorry.", task, kind))
        else:
            answers.append((f"Here you go:\n```python\n{code}\n```\n", task, kind))
    return answers


def naive_score(answer: str, task: Task) -> float:
    """The naive evaluator: exec both in this process, compare Python objects with ``==``."""
    code = extract_code(answer)
    truth: dict[str, Any] = {}
    exec(task.ground_truth, truth)
    mine: dict[str, Any] = {}
    try:
        exec(code, mine)
    except Exception:
        return 0.0
    passed = 0
    for call in task.test_cases.values():
        expected = _outcome(call, truth)
        actual = _outcome(call, mine)
        passed += expected == actual
    return passed / len(task.test_cases)


def _outcome(call: str, namespace: dict) -> Any:
    try:
        return ("value", eval(call, namespace))
    except Exception as exc:
        return ("raised", type(exc).__name__)


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_naive(answers) -> tuple[float, float, list[float]]:
    cpu0, wall0 = cpu_seconds(resource.RUSAGE_SELF), time.perf_counter()
    rewards = [naive_score(answer, task) for answer, task, _ in answers]
    return time.perf_counter() - wall0, cpu_seconds(resource.RUSAGE_SELF) - cpu0, rewards


def run_sandbox(answers, workers: int) -> dict[str, Any]:
    clear_ground_truth_cache()
    shutdown_warm_workers()  # a cold pool, so that its CPU time is collected below
    cpu_self0 = cpu_seconds(resource.RUSAGE_SELF)
    cpu_children0 = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    sandbox = Sandbox(workers=workers)
    ready = time.perf_counter()
    scores = score_backend_many([(answer, task) for answer, task, _ in answers], sandbox)
    scored = time.perf_counter()
    sandbox.close()
    shutdown_warm_workers()
    cpu = (
        cpu_seconds(resource.RUSAGE_SELF)
        - cpu_self0
        + cpu_seconds(resource.RUSAGE_CHILDREN)
        - cpu_children0
    )
    return {
        "startup": ready - started,
        "wall": scored - ready,
        "cpu_including_startup": cpu,
        "rewards": [score.reward for score in scores],
        "isolation": sandbox.isolation,
    }


def idle_sandbox_cpu(workers: int) -> float:
    """CPU time of starting and closing a sandbox that scores nothing (subtracted below)."""
    shutdown_warm_workers()
    before = cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)
    Sandbox(workers=workers).close()
    shutdown_warm_workers()
    return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN) - before


ONE_ROW = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, {repo!r})
from training.colbench.evaluation.backend_scoring import score_backend
from training.colbench.evaluation.sandbox import Sandbox
from training.colbench.tasks import Task
row = json.loads({row!r})
task = Task(row["id"], "backend", row["problem_description"], row["ground_truth"], row["tests"])
imported = time.perf_counter()
times = []
for _ in range(2):
    begin = time.perf_counter()
    with Sandbox(workers={workers}) as box:
        ready = time.perf_counter()
        score_backend("```python\\n" + task.ground_truth + "\\n```", task, box)
    times.append((ready - begin, time.perf_counter() - ready))
print(json.dumps({{"imports": imported - started, "cold": times[0], "warm": times[1]}}))
"""


def one_row_start_up(task: Task, workers: int, repeats: int) -> dict[str, float]:
    """Medians over ``repeats`` fresh processes: the wall time from process start to the first
    row scored (interpreter start included), and its parts."""
    row = {
        "id": task.id,
        "problem_description": task.problem_description,
        "ground_truth": task.ground_truth,
        "tests": task.test_cases,
    }
    script = ONE_ROW.format(repo=str(REPO), row=json.dumps(row), workers=workers)
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        figures = json.loads(done.stdout)
        figures["process"] = time.perf_counter() - started
        runs.append(figures)
    return {
        "process_wall_s": statistics.median(run["process"] for run in runs),
        "imports_s": statistics.median(run["imports"] for run in runs),
        "cold_start_s": statistics.median(run["cold"][0] for run in runs),
        "cold_score_s": statistics.median(run["cold"][1] for run in runs),
        "warm_start_s": statistics.median(run["warm"][0] for run in runs),
        "warm_score_s": statistics.median(run["warm"][1] for run in runs),
    }


PROFILE = """
import gc, json, os, pickle, resource, sys, tempfile, time
sys.path.insert(0, {directory!r})
import sandbox_worker as w
w.preload_modules()
w.prepare_worker_process()
jobs, limits = pickle.load(open({jobs!r}, "rb"))
root = tempfile.mkdtemp()
os.chmod(root, 0o711)
uid = 1_000_000 if os.geteuid() == 0 else None
worker = w.Worker({{"uid": uid, "workroot": root, "interpreter_guards": True}})
gc.collect()
gc.freeze()
def usage(who):
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime, u.ru_minflt
(cpu0, faults0), (kids0, kid_faults0) = usage(resource.RUSAGE_SELF), usage(resource.RUSAGE_CHILDREN)
started = time.perf_counter()
for blob, calls in jobs:
    worker.evaluate(blob, calls, limits)
wall = time.perf_counter() - started
(cpu1, faults1), (kids1, kid_faults1) = usage(resource.RUSAGE_SELF), usage(resource.RUSAGE_CHILDREN)
n = len(jobs)
print(json.dumps([n, wall / n, (cpu1 - cpu0) / n, (faults1 - faults0) / n, (kids1 - kids0) / n,
                  (kid_faults1 - kid_faults0) / n]))
"""


def profile_worker(tasks: list[Task], answers) -> None:
    """Per-job CPU and page faults of the worker loop and of the answer processes (see the
    module docstring), over the ground truths and the answers with code."""
    jobs = [(task.ground_truth, list(task.test_cases.values())) for task in tasks]
    jobs += [(extract_code(a), list(t.test_cases.values())) for a, t, _ in answers]
    prepared = [prepare_job(code, calls) for code, calls in jobs if code]
    blobs = [(job.blob, len(job.sent)) for job in prepared if job.blob is not None]
    limits = SandboxLimits().__dict__
    with tempfile.NamedTemporaryFile(suffix=".pickle") as handle:
        pickle.dump((blobs, limits), handle)
        handle.flush()
        script = PROFILE.format(directory=str(WORKER_SCRIPT.parent), jobs=handle.name)
        command = [sys.executable, "-s", "-S", "-P", "-B", "-c", script]
        env = {"PYTHONHASHSEED": "0", "LD_BIND_NOW": "1"}  # as the sandbox starts workers
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    n, wall, worker_cpu, worker_faults, child_cpu, child_faults = json.loads(done.stdout)
    print(
        f"{n} jobs, per job: {wall * 1e3:.2f} ms wall; worker loop {worker_cpu * 1e3:.2f} ms CPU, "
        f"{worker_faults:.0f} page faults; answer process {child_cpu * 1e3:.2f} ms CPU, "
        f"{child_faults:.0f} page faults"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", action="store_true", help="per-job costs of the worker loop")
    args = parser.parse_args(argv)

    tasks, source = bundled_tasks()
    answers = make_answers(tasks, args.answers, args.seed)
    kinds = {kind: sum(k == kind for *_, k in answers) for kind in ("correct", "wrong")}
    kinds |= {kind: sum(k == kind for *_, k in answers) for kind in ("raises", "prose")}
    print(f"{len(answers)} answers over {source}; {kinds}")
    if args.profile:
        profile_worker(tasks, answers)
        return 0

    load_before = tuple(round(x, 2) for x in os.getloadavg())
    naive_runs, sandbox_runs, idle_cpu = [], [], []
    for _ in range(args.repeats):
        naive_runs.append(run_naive(answers))
        sandbox_runs.append(run_sandbox(answers, args.workers))
        idle_cpu.append(idle_sandbox_cpu(args.workers))

    start_up = one_row_start_up(tasks[0], args.workers, args.repeats)
    load_after = tuple(round(x, 2) for x in os.getloadavg())
    naive_rewards = naive_runs[0][2]
    sandbox_rewards = sandbox_runs[0]["rewards"]
    disagreements = sum(
        abs(a - b) > 1e-12 for a, b in zip(naive_rewards, sandbox_rewards, strict=True)
    )
    naive_wall = statistics.median(run[0] for run in naive_runs)
    naive_cpu = statistics.median(run[1] for run in naive_runs)
    box_wall = statistics.median(run["wall"] for run in sandbox_runs)
    box_startup = statistics.median(run["startup"] for run in sandbox_runs)
    box_cpu = statistics.median(run["cpu_including_startup"] for run in sandbox_runs)
    box_idle_cpu = statistics.median(idle_cpu)
    figures = {
        "answers": len(answers),
        "workers": args.workers,
        "repeats": args.repeats,
        "reward_disagreements": disagreements,
        "mean_reward": statistics.fmean(sandbox_rewards),
        "naive_wall_s": naive_wall,
        "naive_cpu_s": naive_cpu,
        "sandbox_wall_s": box_wall,
        "sandbox_startup_s": box_startup,
        "sandbox_cpu_s_including_workers_and_startup": box_cpu,
        "sandbox_start_and_close_cpu_s": box_idle_cpu,
        "speed_ratio_sandbox_vs_naive": naive_wall / box_wall,
        "isolation": sandbox_runs[0]["isolation"],
        "one_row": start_up,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    print(f"rewards agree on {len(answers) - disagreements}/{len(answers)} answers")
    print(
        f"naive:   {naive_wall:.3f} s wall, {naive_cpu:.3f} s CPU "
        f"({naive_wall / len(answers) * 1e3:.2f} ms/answer)"
    )
    print(
        f"sandbox: {box_wall:.3f} s wall ({box_wall / len(answers) * 1e3:.2f} ms/answer), "
        f"{args.workers} workers, +{box_startup:.2f} s start-up"
    )
    print(
        f"sandbox CPU incl. workers and answer processes: {box_cpu:.3f} s, of which "
        f"{box_idle_cpu:.3f} s is starting and closing the pool "
        f"({(box_cpu - box_idle_cpu) / len(answers) * 1e3:.2f} ms/answer for scoring; "
        f"naive {naive_cpu / len(answers) * 1e3:.2f} ms/answer)"
    )
    print(f"speed ratio (naive wall / sandbox wall): {naive_wall / box_wall:.3f}x")
    print(
        f"one-row run, fresh process: {start_up['process_wall_s']:.3f} s wall "
        f"(imports {start_up['imports_s']:.3f} s, sandbox start {start_up['cold_start_s']:.3f} s, "
        f"scoring {start_up['cold_score_s']:.3f} s; interpreter start and exit the rest); "
        f"a second sandbox in that process: start {start_up['warm_start_s'] * 1e3:.1f} ms, "
        f"scoring {start_up['warm_score_s'] * 1e3:.1f} ms"
    )
    print(f"load average (1, 5, 15 min) at the end: {load_after}; before: {load_before}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if disagreements == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
