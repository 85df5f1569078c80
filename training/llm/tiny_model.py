"""Build the tiny, random-init Llama chat model Duet uses offline (tests, laptops, CI).

No weights come from any hub: the tokenizer is a byte-level BPE trained on the project's own text
(bundled ColBench tasks and prompt templates) and the network is initialised from a seed. The
result is a normal Hugging Face model directory (``config.json``, ``model.safetensors``,
``tokenizer.json``, ``chat_template.jinja``...) that loads with ``AutoModelForCausalLM`` /
``AutoTokenizer`` and with vLLM. The same inputs give byte-identical files.

Shape constraints: vLLM's CPU attention supports head sizes 32, 64, 80, 96, 112, 128, ...; 16 makes
the engine die at start-up, so the default is 4 heads of 32.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

BOS = "<|bos|>"
EOS = "<|eot|>"
PAD = "<|pad|>"
TURN_START = "<|turn|>"
SPECIAL_TOKENS = [PAD, BOS, EOS, TURN_START]

#: Our chat format: ``<|bos|>`` once, then per message ``<|turn|>ROLE\nCONTENT<|eot|>\n``.
#: Content may be a string or a list of OpenAI-style content parts (text parts are joined; an image
#: part becomes ``[image]``, since the tiny model cannot see).
CHAT_TEMPLATE = (
    "{{- bos_token -}}"
    "{%- for message in messages -%}"
    "{{- '<|turn|>' + message['role'] + '\\n' -}}"
    "{%- if message['content'] is string -%}"
    "{{- message['content'] -}}"
    "{%- else -%}"
    "{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'text' -%}{{- part['text'] -}}"
    "{%- else -%}{{- '[image]' -}}{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{- '<|eot|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|turn|>assistant\\n' -}}{%- endif -%}"
)

#: A little text of our own so the tokenizer is useful even before any task data exists.
SEED_TEXT = """\
system user assistant
You are a helpful agent. Ask short questions, then answer.
I WANT TO ANSWER:
def solve(values, limit=10):
    result = []
    for index, value in enumerate(values):
        if value is None or value > limit:
            continue
        result.append((index, value * 2))
    return {"count": len(result), "items": result}
OUTPUT:
<html><head><title>Page</title></head><body class="bg-white text-gray-800">
<div class="flex items-center justify-between p-4"><h1 class="text-2xl font-bold">Hello</h1>
<a href="#" class="px-4 py-2 rounded bg-blue-500 text-white">Sign up</a></div></body></html>
"""


def project_texts() -> Iterator[str]:
    """Texts to train the tokenizer on: bundled tasks and prompt templates, in a stable order.

    Missing directories are fine (the seed text alone still gives a working tokenizer), and lines
    that are not JSON objects are skipped: this only feeds a tokenizer, task validation lives in
    ``training.colbench.tasks``.
    """
    from training import paths

    yield SEED_TEXT
    tasks_dir = paths.bundled_tasks_dir()
    if tasks_dir.is_dir():
        for file in sorted(tasks_dir.rglob("*.jsonl")):
            yield from _task_file_texts(file)
    prompts = paths.prompts_dir()
    if prompts.is_dir():
        for file in sorted(prompts.glob("*.txt")):
            yield file.read_text(encoding="utf-8", errors="replace")


def _task_file_texts(file: Path) -> Iterator[str]:
    with file.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(row, dict):
                continue
            for key in ("problem_description", "ground_truth"):
                if isinstance(row.get(key), str):
                    yield row[key]
            tests = row.get("test_cases")
            if isinstance(tests, dict):
                yield from (call for call in tests.values() if isinstance(call, str))


CODE_PIECES = r" ?[A-Za-z_][A-Za-z0-9_]*| ?-?[0-9]+(?:\.[0-9]+)?| ?[^\sA-Za-z0-9_]+|\s+"
"""Pre-tokenizer pieces for ``pieces="code"``: a whole identifier (``daily_rate``) or number
(``-1.35``) with its leading space, a punctuation run, or whitespace. GPT-2's pieces cut at every
underscore and decimal point, so copying a stated value back into code would take several tokens
whose boundaries differ between prose and code."""


def build_tokenizer(
    texts: Iterable[str], vocab_size: int, *, pieces: str = "words", whole: Iterable[str] = ()
):
    """Train a byte-level BPE (every byte is in the alphabet, so any text encodes).

    ``pieces`` decides where merges may not cross: ``words`` is GPT-2's split (letters, digits and
    punctuation apart), ``code`` is :data:`CODE_PIECES`. Each text of ``whole`` becomes one token
    wherever it occurs verbatim (a fixed system prompt: hundreds of tokens saved per sequence, and
    it decodes back to the same text).
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
        trainers,
    )

    tokenizer = Tokenizer(models.BPE())
    if pieces == "words":
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    elif pieces == "code":
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(CODE_PIECES), behavior="isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        raise ValueError(f"unknown pieces {pieces!r} (words or code)")
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    tokenizer.add_tokens([AddedToken(text, normalized=False) for text in whole])
    return chat_tokenizer(tokenizer)


def chat_tokenizer(tokenizer):
    """A trained ``tokenizers.Tokenizer`` as a transformers tokenizer with Duet's special tokens
    and chat template (left padding, as batched decoding needs)."""
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=[TURN_START],
        model_max_length=None,
        padding_side="left",
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_model(
    out_dir: str | os.PathLike[str],
    texts: Iterable[str],
    *,
    seed: int = 0,
    vocab_size: int = 2048,
    hidden_size: int = 128,
    num_layers: int = 2,
    num_heads: int = 4,
    num_kv_heads: int = 2,
    intermediate_size: int = 256,
    context_length: int = 4096,
    init_std: float = 0.02,
    pieces: str = "words",
    whole: Iterable[str] = (),
) -> Path:
    """Write a random-init Llama chat model and its tokenizer to ``out_dir``; return the path.

    ``vocab_size`` is an upper bound: a small corpus may yield fewer merges, and the model's
    embedding matrix matches the tokenizer exactly. The directory is written to a temporary
    sibling and renamed into place, so a crash never leaves a half-written model behind; an
    existing ``out_dir`` is replaced.
    """
    from transformers import GenerationConfig

    head_dim = hidden_size // num_heads
    if head_dim * num_heads != hidden_size:
        raise ValueError(f"hidden_size {hidden_size} is not divisible by num_heads {num_heads}")
    if head_dim < 32:
        raise ValueError(f"head size {head_dim} < 32: vLLM's CPU attention cannot run it")

    tokenizer = build_tokenizer(texts, vocab_size, pieces=pieces, whole=whole)
    model = init_llama(
        tokenizer, seed=seed, hidden_size=hidden_size, intermediate_size=intermediate_size,
        num_layers=num_layers, num_heads=num_heads, num_kv_heads=num_kv_heads,
        context_length=context_length, init_std=init_std,
    )  # fmt: skip
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        do_sample=True,
        temperature=1.0,
        top_p=1.0,
    )

    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def build_tiny_adapter(
    base_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    seed: int = 0,
    rank: int = 8,
    target_modules: tuple[str, ...] = ("q_proj", "v_proj"),
    init_std: float = 0.5,
) -> Path:
    """Write a random LoRA adapter for the model at ``base_dir`` (for tests and demos).

    peft initialises LoRA's B matrix to zero (an adapter that changes nothing); here both A and B
    are drawn from the seed so the adapter visibly changes the model's outputs.
    """
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    config = LoraConfig(
        r=rank, lora_alpha=2 * rank, target_modules=list(target_modules), task_type="CAUSAL_LM"
    )
    model = get_peft_model(base, config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            if "lora_A" in name or "lora_B" in name:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * init_std)
    out = Path(out_dir)
    model.save_pretrained(out, safe_serialization=True)
    return out


def init_llama(
    tokenizer,
    *,
    seed: int,
    hidden_size: int,
    intermediate_size: int,
    num_layers: int,
    num_heads: int,
    num_kv_heads: int,
    context_length: int,
    init_std: float = 0.02,
):
    """A random-init float32 ``LlamaForCausalLM`` sized to ``tokenizer``, from ``seed`` alone
    (torch's global generator is restored afterwards)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=intermediate_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_kv_heads,
        head_dim=hidden_size // num_heads,
        max_position_embeddings=context_length,
        initializer_range=init_std,
        rope_theta=10000.0,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        dtype="float32",
    )
    generator_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        return LlamaForCausalLM(config).eval()
    finally:
        torch.random.set_rng_state(generator_state)
