"""Errors that describe the user's input, not a bug: the commands print them as one line."""

from __future__ import annotations


class TrainingDataError(ValueError):
    """The data gives a training step nothing to learn from (no pairs, no selected trajectories,
    no agent turns with a recorded prompt)."""
