"""Prompt templates, read from ``prompts/`` (or ``DUET_PROMPTS_DIR``) as text files.

Templates use ``$name`` placeholders (:class:`string.Template`) so that code and HTML, full of
braces, can be substituted without escaping. Files are read on each call: an edited template takes
effect on the next episode without a restart.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

from training import paths


class PromptTemplateError(ValueError):
    """A template file is missing or names a placeholder that was not supplied."""


def prompt_path(name: str, directory: Path | None = None) -> Path:
    return (directory or paths.prompts_dir()) / f"{name}.txt"


def render_prompt(name: str, directory: Path | None = None, **values: object) -> str:
    """Read template ``name`` and substitute ``values``; trailing whitespace is dropped."""
    path = prompt_path(name, directory)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptTemplateError(f"{path}: prompt template not found") from None
    try:
        return Template(text).substitute({k: str(v) for k, v in values.items()}).rstrip()
    except KeyError as exc:
        raise PromptTemplateError(f"{path}: placeholder ${exc.args[0]} has no value") from None
    except ValueError as exc:
        raise PromptTemplateError(f"{path}: {exc}") from None
