"""Evaluation of ColBench answers.

Backend answers run in an isolated sandbox (:mod:`.sandbox`) and are scored against the ground
truth's outputs with Python's ``==`` on values rebuilt from trusted types (:mod:`.backend_scoring`,
:mod:`.value_codec`); frontend pages are rendered and compared
(:mod:`.render`, :mod:`.similarity`). Submodules are imported on demand: this package does no eager
imports so that light callers never pay for heavy dependencies.
"""
