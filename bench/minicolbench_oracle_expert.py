"""The scripted expert through the BM25 oracle on 300 MiniColBench test tasks (seed 0).

Success per family with no noise (what the oracle lets a perfect asker reach) and with the
repro's noise. Usage: ``.venv/bin/python bench/minicolbench_oracle_expert.py OUT.json``.
"""
import collections
import json
import sys

import torch

from training.minicolbench.generate import generate
from training.minicolbench.warm_start import expert_dialogues, make_simulator

torch.set_num_threads(1)
tasks = [m.task for m in generate(0, 0, 300)]
out = {}
for noise in ("none", "skip=0.15,irrelevant=0.1,guess=0.1"):
    trajs = expert_dialogues(tasks, noise, seed=0, k=1, simulator=make_simulator("oracle:bm25"))
    fam = collections.defaultdict(list)
    for t in trajs:
        fam[t.meta["family"]].append(bool(t.success))
    out[noise] = {
        "success": sum(bool(t.success) for t in trajs) / len(trajs),
        "families": {f: sum(v) / len(v) for f, v in sorted(fam.items())},
    }
    print(noise, json.dumps(out[noise]), flush=True)
with open(sys.argv[1], "w") as handle:
    json.dump(out, handle, indent=1)
