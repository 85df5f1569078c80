"""SWEET-RL: trajectory pairs, privileged critic, candidates, ranking, step pairs, policy DPO."""
