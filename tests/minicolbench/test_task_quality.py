from __future__ import annotations

from training.colbench.validation import validate_file
from training.minicolbench.families import wrong_variants
from training.minicolbench.generate import generate, write_splits


def test_every_generated_task_passes_the_projects_task_validation(tmp_path):
    paths = write_splits(generate(5, 12, 12), tmp_path / "backend")
    for path in paths.values():
        report = validate_file(path)
        assert report.problem_lines() == []
        assert len(report.tasks) == 12


def _outputs(source: str, calls: dict[str, str]) -> dict[str, object]:
    """Our own generated code, run in-process (the sandbox path is covered by the expert test)."""
    namespace: dict[str, object] = {}
    exec(source, namespace)
    out = {}
    for name, call in calls.items():
        try:
            out[name] = eval(call, dict(namespace))
        except Exception as error:  # a wrong signature: the call itself fails
            out[name] = error
    return out


def test_each_wrong_value_of_each_detail_fails_the_hidden_tests(one_per_family):
    for mini in one_per_family:
        truth = _outputs(mini.task.ground_truth, mini.task.test_cases)
        for detail, variant in wrong_variants(mini.family, mini.values):
            wrong = _outputs(mini.family.source(variant), mini.task.test_cases)
            failing = [n for n in truth if isinstance(wrong[n], Exception) or wrong[n] != truth[n]]
            assert failing, f"{mini.task.id}: {detail}={variant[detail]!r} passes every test"
