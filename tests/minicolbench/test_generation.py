from __future__ import annotations

from training.minicolbench.families import FAMILIES
from training.minicolbench.generate import generate, split_families, task_family, task_values


def _rows(tasks):
    return [t.task.to_row() for t in tasks]


def test_generation_is_deterministic_from_a_seed():
    assert _rows(generate(3, 24, 12)) == _rows(generate(3, 24, 12))
    assert _rows(generate(3, 24, 12)) != _rows(generate(4, 24, 12))


def test_splits_have_disjoint_parameter_combinations():
    tasks = generate(0, 240, 60)
    combos = {"train": set(), "test": set()}
    for t in tasks:
        assert task_family(t.task) is t.family
        assert task_values(t.task) == t.values  # what the file says is what was generated
        combos[t.task.split].add((t.family.name, repr(t.values)))
    assert len(combos["train"]) == 240 and len(combos["test"]) == 60
    assert not combos["train"] & combos["test"]
    assert split_families(t.task for t in tasks) == {
        "train": {f.name for f in FAMILIES},
        "test": {f.name for f in FAMILIES},
    }


def test_held_out_families_appear_in_the_test_split_only():
    tasks = generate(0, 22, 24, holdout_families=["clamp_reading"])
    found = split_families(t.task for t in tasks)
    assert "clamp_reading" in found["test"] and "clamp_reading" not in found["train"]
    assert sum(t.task.split == "train" for t in tasks) == 22
