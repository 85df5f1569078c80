"""ColBench: tasks and loaders, protocol, environments, simulators, evaluation, rollouts."""
