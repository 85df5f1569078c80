"""The layering rule of docs/architecture.md: ``training`` is a pure ML library and never imports
Django."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import training

REPO_ROOT = Path(__file__).resolve().parent.parent


def _training_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(training.__path__, prefix="training.")
    )


def test_every_training_module_imports_without_django():
    modules = _training_modules()
    assert "training.cli" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(REPO_ROOT), "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"training imported Django: {result.stdout}"
