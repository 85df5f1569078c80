"""GPU sampling throughput: Hugging Face ``generate`` vs Duet's local engine, same model, prompts.

Self-contained (torch + transformers only, no network, no weights): builds a random-init model of
Llama-3.2-1B's shape in bf16 and measures new tokens per second for

  (a) ``model.generate`` sampling at batch 16 and 64 with 512-token prompts (DESIGN.md's anchor:
      ~200 and ~1,000 new tokens/s on an H200), and
  (b) the local engine (``training.llm.local.LocalLLM``, the shipped code) on SWEET-RL's candidate
      workload: many prompts x N=16 samples, prefilled once per prompt.

Each measurement is guarded; a JSON line with everything measured so far is printed after each.
``--tiny`` runs a toy configuration on CPU to check the script itself.

    python bench/gpu_sampling.py            # on a GPU box, < 6 minutes on an H100
    python bench/gpu_sampling.py --tiny     # anywhere, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.llm.base import SamplingParams
from training.llm.local import LocalLLM

LLAMA_1B = dict(
    hidden_size=2048,
    intermediate_size=8192,
    num_hidden_layers=16,
    num_attention_heads=32,
    num_key_value_heads=8,
    vocab_size=128256,
    max_position_embeddings=4096,
    rope_theta=500000.0,
    tie_word_embeddings=True,
)
TINY = dict(
    hidden_size=128,
    intermediate_size=256,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    vocab_size=1024,
    max_position_embeddings=1024,
    rope_theta=10000.0,
    tie_word_embeddings=False,
)


def word_tokenizer(vocab_size: int):
    """One word per id (``t0``, ``t1``...): real decoding work without a hub download."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {f"t{i}": i for i in range(vocab_size)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="t0"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, eos_token="t1", pad_token="t0", unk_token="t0"
    )


def build_model(shape: dict, device: str, dtype: torch.dtype):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**shape, bos_token_id=2, eos_token_id=1, pad_token_id=0)
    torch.manual_seed(0)
    with torch.device(device):
        model = LlamaForCausalLM(config)
    return model.to(dtype).eval()


def synchronize(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def random_prompts(count: int, length: int, vocab_size: int, seed: int) -> list[list[int]]:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(3, vocab_size, (count, length), generator=generator).tolist()


def hf_generate(model, prompts: list[list[int]], new_tokens: int, device: str) -> dict:
    ids = torch.tensor(prompts, device=device)
    mask = torch.ones_like(ids)
    kwargs = dict(do_sample=True, temperature=1.0, top_p=1.0, pad_token_id=0)
    with torch.inference_mode():
        model.generate(ids, attention_mask=mask, max_new_tokens=4, min_new_tokens=4, **kwargs)
        synchronize(device)
        start = time.perf_counter()
        out = model.generate(
            ids,
            attention_mask=mask,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
            **kwargs,
        )
        synchronize(device)
    seconds = time.perf_counter() - start
    generated = (out.shape[1] - ids.shape[1]) * out.shape[0]
    return {
        "batch": len(prompts),
        "new_tokens": generated,
        "seconds": round(seconds, 3),
        "tokens_per_s": round(generated / seconds, 1),
        "steps_per_s": round((out.shape[1] - ids.shape[1]) / seconds, 2),
    }


def engine_sampling(
    llm: LocalLLM, prompts: list[list[int]], n: int, new_tokens: int, device: str
) -> dict:
    texts = [llm.tokenizer.decode(p) for p in prompts]
    llm.eos_ids = {-1}  # random weights: count full-length samples, like min_new_tokens above
    llm.generate(texts[:1], SamplingParams(n=2, max_tokens=4, seed=1))
    synchronize(device)
    start = time.perf_counter()
    results = llm.generate(texts, SamplingParams(n=n, max_tokens=new_tokens, seed=0))
    synchronize(device)
    seconds = time.perf_counter() - start
    generated = sum(len(c.token_ids) for samples in results for c in samples)
    return {
        "prompts": len(prompts),
        "n": n,
        "rows": len(prompts) * n,
        "new_tokens": generated,
        "seconds": round(seconds, 3),
        "tokens_per_s": round(generated / seconds, 1),
        "steps_per_s": round(new_tokens / seconds, 2),
    }


def profile_step(llm: LocalLLM, rows: int, context: int, device: str) -> dict:
    """Milliseconds per part of one decode step (fast-path forward, sampling, host transfer)."""
    from training.llm.sampling import sample_next

    fast = llm._fast
    vocab = llm._model.config.vocab_size
    keys, values = fast.new_cache(rows, context + 64, torch.device(device), llm.dtype)
    for tensor in keys + values:
        tensor.normal_()
    mask = torch.ones((rows, context + 64), dtype=torch.bool, device=device)
    positions = torch.full((rows,), context, device=device)
    tokens = torch.randint(3, vocab, (rows,), device=device)
    generator = torch.Generator(device=device).manual_seed(0)

    def timed(fn, repeats: int = 20) -> float:
        fn()
        synchronize(device)
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        synchronize(device)
        return round((time.perf_counter() - start) / repeats * 1000, 2)

    logits = fast.step(tokens, positions, keys, values, mask, context)
    return {
        "rows": rows,
        "forward_ms": timed(lambda: fast.step(tokens, positions, keys, values, mask, context)),
        "sample_ms": timed(
            lambda: sample_next(logits, temperature=1.0, top_p=1.0, generator=generator)
        ),
        "log_softmax_ms": timed(lambda: torch.log_softmax(logits.float(), dim=-1)),
        "multinomial_ms": timed(
            lambda: torch.multinomial(torch.softmax(logits.float(), -1), 1, generator=generator)
        ),
        "tolist_ms": timed(lambda: tokens.tolist()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="toy model on CPU (script check)")
    parser.add_argument("--prompt-len", type=int, default=None)
    parser.add_argument("--new-tokens", type=int, default=None)
    parser.add_argument("--out", help="also write the JSON result to this file")
    parser.add_argument(
        "--profile", action="store_true", help="time the parts of one decode step, then exit"
    )
    args = parser.parse_args()

    device = "cpu" if args.tiny or not torch.cuda.is_available() else "cuda"
    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    shape = TINY if args.tiny else LLAMA_1B
    prompt_len = args.prompt_len or (32 if args.tiny else 512)
    new_tokens = args.new_tokens or (16 if args.tiny else 256)
    hf_batches = (4, 8) if args.tiny else (16, 64)
    engine_loads = ((4, 4), (8, 4)) if args.tiny else ((16, 16), (64, 16))

    results: dict = {
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "torch": torch.__version__,
        "dtype": str(dtype),
        "shape": "tiny" if args.tiny else "llama-3.2-1b",
        "prompt_len": prompt_len,
        "new_tokens_per_sample": new_tokens,
        "errors": [],
    }

    def report() -> None:
        print(json.dumps(results), flush=True)
        if args.out:
            Path(args.out).write_text(json.dumps(results, indent=2))

    def measure(key: str, fn) -> None:
        try:
            results[key] = fn()
        except Exception as error:  # keep going: partial results beat none
            results["errors"].append(f"{key}: {error!r}")
            traceback.print_exc()
            if device == "cuda":
                torch.cuda.empty_cache()
        report()

    import transformers

    results["transformers"] = transformers.__version__
    started = time.perf_counter()
    model = build_model(shape, device, dtype)
    results["build_s"] = round(time.perf_counter() - started, 1)
    vocab = shape["vocab_size"]

    if args.profile:
        llm = LocalLLM.from_model(model, word_tokenizer(vocab), max_rows=1024)
        for rows in (16, 256, 1024):
            measure(f"profile_{rows}", lambda r=rows: profile_step(llm, r, prompt_len, device))
        return 0

    for batch in hf_batches:
        prompts = random_prompts(batch, prompt_len, vocab, seed=batch)
        measure(
            f"hf_generate_b{batch}", lambda p=prompts: hf_generate(model, p, new_tokens, device)
        )

    tokenizer = word_tokenizer(vocab)
    llm = LocalLLM.from_model(model, tokenizer, name="llama-1b-shape", max_rows=1024)
    results["engine_fast_path"] = llm._fast is not None

    for count, n in engine_loads:
        prompts = random_prompts(count, prompt_len, vocab, seed=100 + count)
        measure(
            f"engine_p{count}_n{n}",
            lambda p=prompts, n=n: engine_sampling(llm, p, n, new_tokens, device),
        )
    # the same engine through the regular transformers forward (fast_decode=False), for contrast
    forward_llm = LocalLLM.from_model(model, tokenizer, max_rows=1024, fast_decode=False)
    count, n = engine_loads[0]
    prompts = random_prompts(count, prompt_len, vocab, seed=100 + count)
    measure(
        f"engine_forward_p{count}_n{n}",
        lambda: engine_sampling(forward_llm, prompts, n, new_tokens, device),
    )

    anchor = results.get(f"hf_generate_b{hf_batches[0]}", {}).get("tokens_per_s")
    for key in [k for k in results if k.startswith("engine_")]:
        if anchor and isinstance(results[key], dict):
            results[key]["x_hf_batch16"] = round(results[key]["tokens_per_s"] / anchor, 1)
    if device == "cuda":
        results["max_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
    results["total_s"] = round(time.perf_counter() - started, 1)
    report()
    return 0


if __name__ == "__main__":
    if os.environ.get("HF_HUB_OFFLINE") is None:
        os.environ["HF_HUB_OFFLINE"] = "1"
    sys.exit(main())
