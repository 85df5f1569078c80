"""The configuration of `duet repro minicolbench`: configs/minicolbench.yaml, its ``quick:``
section and ``--set`` overrides (shared by the repro and the warm start)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "minicolbench.yaml"


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_repro_config(
    path: str | Path | None = None, *, quick: bool = False, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The YAML config; ``quick`` merges its ``quick:`` section; ``overrides`` last."""
    data = yaml.safe_load(Path(path or DEFAULT_CONFIG).read_text()) or {}
    quick_section = data.pop("quick", {}) or {}
    if quick:
        data = deep_merge(data, quick_section)
    if overrides:
        data = deep_merge(data, overrides)
    return data


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``["rollouts.temperature=0.5", "methods=[rft, sweet]"]`` as a nested dict (YAML values)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"override {item!r} is not KEY=VALUE")
        *parents, leaf = key.strip().split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(value)
    return out
