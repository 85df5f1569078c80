"""Critic-training throughput on one GPU with the shipped SWEET-RL critic code (run once, offline).

A random-init Llama-3.2-1B-shaped model (hidden 2048, 16 layers, 32 heads, 8 KV heads,
intermediate 8192, vocab 128256, bf16) is trained with ``training.sweet.critic.pair_scores`` +
``bradley_terry_loss`` (the exact loss path of ``duet sweet critic``) on synthetic dialogue pairs
whose lengths follow a ColBench-like distribution (a privileged prefix plus 2-10 turns; agent turns
are about a third of the tokens). Reported tokens/s count REAL tokens only; padding is reported
separately as waste. Each measurement is isolated by try/except and printed as JSON.

    python bench/gpu_critic.py            # on the GPU box (< 6 minutes on an H100)
    python bench/gpu_critic.py --tiny     # CPU smoke test with a tiny model
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from training.sweet.batching import make_batches, padding_stats
from training.sweet.config import VLLM_LORA_MODULES, ModelConfig, SweetConfig
from training.sweet.critic import PairData, pair_scores
from training.sweet.losses import bradley_terry_loss
from training.sweet.model_loading import apply_lora, training_mode
from training.sweet.scoring import CriticScorer
from training.sweet.sequences import CONTEXT, TokenSequence

LLAMA_1B = dict(
    hidden_size=2048,
    num_hidden_layers=16,
    num_attention_heads=32,
    num_key_value_heads=8,
    intermediate_size=8192,
    vocab_size=128256,
    head_dim=64,
)
TINY = dict(
    hidden_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    intermediate_size=256,
    vocab_size=2048,
    head_dim=32,
)


def dialogue(rng: random.Random, vocab: int, max_len: int, scale: float) -> TokenSequence:
    """Prefix (ground truth) + alternating person/agent turns; agent turns labelled."""
    ids: list[int] = []
    turns: list[int] = []
    prefix = int(rng.lognormvariate(math.log(350 * scale), 0.4))
    ids += [rng.randrange(10, vocab) for _ in range(prefix)]
    turns += [CONTEXT] * prefix
    for turn in range(rng.randint(2, 10)):
        person = int(rng.lognormvariate(math.log(45 * scale), 0.5)) + 4
        agent = int(rng.lognormvariate(math.log(60 * scale), 0.8)) + 4
        if turn == 0 or rng.random() < 0.3:  # answers (code) are long
            agent += int(rng.lognormvariate(math.log(180 * scale), 0.5))
        ids += [rng.randrange(10, vocab) for _ in range(person + agent)]
        turns += [CONTEXT] * person + [turn] * agent
    return TokenSequence(ids[:max_len], turns[:max_len])


def pairs(n: int, vocab: int, max_len: int, scale: float, seed: int = 0) -> PairData:
    rng = random.Random(seed)
    data = PairData(
        [dialogue(rng, vocab, max_len, scale) for _ in range(n)],
        [dialogue(rng, vocab, max_len, scale) for _ in range(n)],
    )
    return data


def fixed_pairs(n: int, vocab: int, length: int) -> PairData:
    """The anchor shape: every row exactly ``length`` tokens, the second half agent tokens."""
    gen = torch.Generator().manual_seed(0)

    def seq() -> TokenSequence:
        ids = torch.randint(10, vocab, (length,), generator=gen).tolist()
        return TokenSequence(ids, [CONTEXT] * (length // 2) + [0] * (length - length // 2))

    return PairData([seq() for _ in range(n)], [seq() for _ in range(n)])


def build_model(shape: dict, device: str, dtype: torch.dtype):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**shape, max_position_embeddings=8192, tie_word_embeddings=False)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    with torch.device(device):
        model = LlamaForCausalLM(config).to(dtype)
    return model


def measure(
    name: str,
    base_model,
    data: PairData,
    *,
    lora: bool,
    targets: list[str],
    compile_model: bool,
    grad_ckpt: bool,
    bucket: bool,
    pairs_per_batch: int,
    warmup: int,
    steps: int,
    device: str,
) -> dict:
    cfg = ModelConfig(
        lora=lora,
        target_modules=targets,
        gradient_checkpointing=grad_ckpt,
        compile=compile_model,
        dtype="bfloat16",
    )
    config = SweetConfig(model=cfg)
    model = apply_lora(base_model, cfg) if lora else base_model
    for p in model.parameters():
        p.requires_grad_(True if not lora else p.requires_grad)
    model = training_mode(model, cfg)
    model.train()
    pad = 0
    scorer = CriticScorer(model) if lora else None
    started = time.time()
    if scorer is not None:  # the shipped path: reference once, adapter disabled
        data.ref_chosen = scorer.reference(data.chosen, pad_id=pad, batch_size=pairs_per_batch * 2)
        data.ref_rejected = scorer.reference(
            data.rejected, pad_id=pad, batch_size=pairs_per_batch * 2
        )
    else:  # full fine-tune: the reference is the same initial weights, scored up front
        frozen = CriticScorer(model, reference=model)
        data.ref_chosen = frozen.reference(data.chosen, pad_id=pad, batch_size=pairs_per_batch * 2)
        data.ref_rejected = frozen.reference(
            data.rejected, pad_id=pad, batch_size=pairs_per_batch * 2
        )
    if device == "cuda":
        torch.cuda.synchronize()
    ref_seconds = time.time() - started
    ref_tokens = sum(len(s) for s in data.chosen + data.rejected)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5, foreach=True)
    epoch = make_batches(data.lengths, pairs_per_batch, bucket_by_length=bucket, seed=0)
    # Warm up on EVERY distinct batch shape first (first-use kernel loading, allocator growth and,
    # when compiled, recompiles), then time steps over the same shapes again. A first H200 run
    # that warmed up on 3 batches only measured those one-off costs, not steady-state speed.
    warmup = max(warmup, len(epoch))
    needed = warmup + steps
    batches = (epoch * (needed // max(len(epoch), 1) + 1))[:needed]
    real = padded = 0
    t0 = compile_s = None
    warm_start = time.time()
    for i, index in enumerate(batches):
        if i == warmup:
            if device == "cuda":
                torch.cuda.synchronize()
            compile_s = time.time() - warm_start
            t0 = time.time()
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            chosen, rejected = pair_scores(model, data, index, config.critic, pad)
            loss = bradley_terry_loss(chosen, rejected)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if i >= warmup:
            rows = [data.chosen[j] for j in index] + [data.rejected[j] for j in index]
            real += sum(len(r) for r in rows)
            padded += max(len(r) for r in rows) * len(rows)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.time() - t0
    out = {
        "name": name,
        "real_tokens_per_s": round(real / seconds),
        "padded_tokens_per_s": round(padded / seconds),
        "padding_waste": round(1 - real / max(padded, 1), 4),
        "step_s": round(seconds / steps, 4),
        "warmup_s": round(compile_s, 1),
        "reference_scoring_tokens_per_s": round(ref_tokens / max(ref_seconds, 1e-9)),
        "trainable_params": sum(p.numel() for p in params),
    }
    if device == "cuda":
        out["peak_mem_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="tiny model on CPU (smoke test)")
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    parser.add_argument("--steps", type=int, default=0, help="timed steps (default 20; tiny 3)")
    args = parser.parse_args()
    device = "cpu" if args.tiny or not torch.cuda.is_available() else "cuda"
    torch.set_float32_matmul_precision("high")
    shape = TINY if args.tiny else LLAMA_1B
    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    steps = args.steps or (3 if args.tiny else 20)
    warmup = 1 if args.tiny else 3
    scale = 0.1 if args.tiny else 1.0
    max_len = 256 if args.tiny else 4096
    anchor_len = 128 if args.tiny else 2048
    n_pairs = 16 if args.tiny else 32
    qv = ["q_proj", "v_proj"]
    plan = [
        # name, lora, targets, compile, grad ckpt, data kind, bucket, pairs per batch
        ("anchor_4x2048_lora_all_eager", True, VLLM_LORA_MODULES, False, False, "fixed", True, 2),
        ("dialogue_lora_all_eager", True, VLLM_LORA_MODULES, False, False, "dialogue", True, 2),
        (
            "dialogue_lora_all_eager_naive_padding",
            True,
            VLLM_LORA_MODULES,
            False,
            False,
            "dialogue",
            False,
            2,
        ),
        ("dialogue_lora_all_gradckpt", True, VLLM_LORA_MODULES, False, True, "dialogue", True, 2),
        ("dialogue_lora_qv_eager", True, qv, False, False, "dialogue", True, 2),
        ("dialogue_full_ft_eager", False, [], False, False, "dialogue", True, 2),
        ("dialogue_lora_all_compiled", True, VLLM_LORA_MODULES, True, False, "dialogue", True, 2),
        ("dialogue_lora_qv_compiled", True, qv, True, False, "dialogue", True, 2),
    ]
    wanted = set(filter(None, args.only.split(",")))
    results = {"device": torch.cuda.get_device_name() if device == "cuda" else "cpu"}
    results.update(torch=torch.__version__, shape=shape, measurements=[])
    stats = padding_stats(
        pairs(n_pairs, shape["vocab_size"], max_len, scale).lengths,
        make_batches(pairs(n_pairs, shape["vocab_size"], max_len, scale).lengths, 2, seed=0),
    )
    results["dialogue_lengths"] = {"pairs": n_pairs, **stats}
    for name, lora, targets, comp, ckpt, kind, bucket, per in plan:
        if wanted and name not in wanted:
            continue
        start = time.time()
        try:
            base = build_model(shape, device, dtype)
            if kind == "fixed":
                data = fixed_pairs(8, shape["vocab_size"], anchor_len)
            else:
                data = pairs(n_pairs, shape["vocab_size"], max_len, scale)
            row = measure(
                name,
                base,
                data,
                lora=lora,
                targets=list(targets),
                compile_model=comp,
                grad_ckpt=ckpt,
                bucket=bucket,
                pairs_per_batch=per,
                warmup=warmup,
                steps=steps,
                device=device,
            )
        except Exception as exc:  # one failed measurement must not lose the others
            row = {"name": name, "error": f"{type(exc).__name__}: {exc}"[:500]}
            traceback.print_exc()
        row["wall_s"] = round(time.time() - start, 1)
        results["measurements"].append(row)
        print(json.dumps(row), flush=True)
        base = data = None
        gc.collect()
        if device == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
            torch._dynamo.reset()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
