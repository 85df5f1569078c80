"""`duet` subcommands of training.colbench (registered by training/cli.py)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands. Each sets `handler`; heavy imports go inside handlers."""
