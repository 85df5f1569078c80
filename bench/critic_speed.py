"""CPU: critic-training tokens/s with length-bucketed batches vs naive (shuffled) padding.

Same model, same synthetic ColBench-like dialogue pairs, same shipped loss path
(``training.sweet.critic.pair_scores``); only the batch order differs. Tokens/s counts real
tokens. Prints one JSON object with both rates and their ratio.

    .venv/bin/python bench/critic_speed.py [--pairs 48] [--steps 24]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from gpu_critic import TINY, build_model, measure, pairs

from training.sweet.config import VLLM_LORA_MODULES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=48)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--pairs-per-batch", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = {}
    for bucket in (True, False):
        data = pairs(args.pairs, TINY["vocab_size"], 1024, 0.4)
        rows["bucketed" if bucket else "naive"] = measure(
            "bucketed" if bucket else "naive",
            build_model(TINY, "cpu", torch.float32),
            data,
            lora=True,
            targets=list(VLLM_LORA_MODULES),
            compile_model=False,
            grad_ckpt=False,
            bucket=bucket,
            pairs_per_batch=args.pairs_per_batch,
            warmup=1,
            steps=args.steps,
            device="cpu",
        )
    ratio = rows["bucketed"]["real_tokens_per_s"] / rows["naive"]["real_tokens_per_s"]
    print(json.dumps({**rows, "bucketed_over_naive": round(ratio, 2), "threads": args.threads}))


if __name__ == "__main__":
    main()
