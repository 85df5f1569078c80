"""Baselines: multi-turn DPO and rejection fine-tuning."""
