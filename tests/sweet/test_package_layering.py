"""The arrows between training/sweet and training/baselines point one way.

SWEET-RL never imports a baseline; a baseline uses only the shared lower modules of
training/sweet (config, model loading, sequences, log-probs, the trainer, DPO, pairs...), never a
SWEET-RL step (critic, ranking, candidates, pipeline, commands) nor another baseline.
"""

from __future__ import annotations

import ast
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[2] / "training"
SHARED = {
    "cli_common",
    "config",
    "dpo",
    "errors",
    "logprobs",
    "model_loading",
    "pairs",
    "runfolder",
    "sequences",
    "trainer",
}


def _imports(package: str) -> dict[str, set[str]]:
    """Module file name -> every ``training.*`` module it imports (at any depth of the file)."""
    found = {}
    for path in sorted((TRAINING / package).glob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.name] = {n for n in names if n.startswith("training.")}
    return found


def test_sweet_never_imports_the_baselines():
    offenders = {
        name: sorted(m for m in modules if m.startswith("training.baselines"))
        for name, modules in _imports("sweet").items()
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_baselines_use_only_shared_lower_modules_of_sweet():
    bad = {}
    for name, modules in _imports("baselines").items():
        sweet = {m.split(".")[2] for m in modules if m.startswith("training.sweet.")}
        others = {
            m for m in modules if m.startswith("training.baselines.") and name != "commands.py"
        }
        if sweet - SHARED or others:
            bad[name] = sorted(sweet - SHARED) + sorted(others)
    assert bad == {}
