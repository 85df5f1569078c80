"""Duet's machine-learning library: ColBench, inference, SWEET-RL. Never imports Django."""

__version__ = "0.1.0"
