"""The default agent of ``make run``: a tiny Llama warm-started on protocol-following dialogues.

A random-init model only emits noise, so a newcomer's first session would show nothing of the
protocol. This module builds, from the project's own code and data only (nothing comes from a model
hub), a small chat model that has imitated scripted agents:

* **ColBench scripted dialogues** over the bundled *train* splits, backend and frontend
  (:mod:`training.colbench.scripted_dialogues`): several episodes per task with different seeds
  (wording, number of questions and of page refinements vary per episode);
* **MiniColBench noisy-expert dialogues** (:mod:`training.minicolbench.expert`) over generated
  backend tasks: the expert asks about each hidden detail (with skips, off-topic questions and
  early guesses), then answers with a function. Episodes that answer without asking first are
  dropped, so the model never sees "answer at once" as a target.

Every dialogue went through the real environments and the oracle simulators, so each agent turn's
recorded prompt is exactly what the agent sees at serving time (the tiny model's chat template).

Tokenizer: byte-level BPE trained on the bundled tasks, prompt templates, MiniColBench texts and the
train dialogues. Unlike :func:`training.llm.tiny_model.build_tokenizer` it does not split at every
space and punctuation mark: merges may span a line (cut at newlines, between adjacent tags and
around ``(`` / ``,``; with :attr:`Recipe.tag_boundaries`, on both sides of every tag, so no token
holds a tag and text together), so a formulaic Tailwind page costs 115-380 tokens (scripted train
pages: median 204 without the tag cut, 231 with it). That lets a whole page fit the web app's
512-token turn limit; with one token per word and mark the scripted pages themselves
would be cut off mid-``<body>``.

Optionally (:attr:`Recipe.whole_tags`, off in the committed build), every HTML tag the scripted
frontend turns write (attributes and a following newline included) and every run of tags with no
text between them is one token of its own on top of the BPE vocabulary (:func:`page_tags`).

Training is MiniColBench's SFT warm-start step (:func:`training.minicolbench.warm_start.sft`:
the rejection-fine-tuning loss of :mod:`training.baselines.rft` on agent turns, every dialogue
selected, full fine-tune, the shared trainer) on the whole mix.

The output is a normal Hugging Face model folder plus ``duet-agent.json`` (:data:`RECORD_NAME`):
what built it, the data sizes, the steps, the wall time, the protocol metrics reached on the
bundled *test* splits and the sha256 of the weights, which ``duet models bootstrap`` checks before
installing the committed copy (``data/models/default-agent/``).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory

RECORD_NAME = "duet-agent.json"
WEIGHTS_NAME = "model.safetensors"
ARTIFACT_DIR = Path(__file__).resolve().parent.parent / "data" / "models" / "default-agent"

#: Split points of the pre-tokenizer (each ends a chunk; BPE merges stay inside a chunk).
_CHUNK_PATTERN = r"\n|>(?=<)|\(|(?=[,)])"
#: The same, also cut after every ``>`` and before every ``<``: no token holds both tag and text.
_TAG_BOUNDARY_PATTERN = r"\n|>|(?=<)|\(|(?=[,)])"

#: One HTML tag, attributes included, with the newline after it (``<section class="py-8">``,
#: ``</head>\n``); and a run of tags with no text between them (``</h2><p class="mt-2">``).
_TAG = re.compile(r"<[^<>\s][^<>]*>\n?")
_TAG_RUN = re.compile(r"(?:<[^<>\s][^<>]*>\n?)+")


@dataclass
class Recipe:
    """Everything that decides the default agent. Defaults are the committed artifact's."""

    seed: int = 0
    # data
    backend_per_task: int = 2
    frontend_per_task: int = 6
    """Six: one episode per scripted variant (1 to 6 drafts before the answer). With three per
    task (90 frontend dialogues against ~790 backend ones) the model garbled its first page and
    from the second turn on asked backend questions ("What is the function called?") on frontend
    tasks: 0 of 55 test turns carried a well-formed page."""
    minicolbench_tasks: int = 120
    minicolbench_noise: str = "default"
    task_limit: int | None = None
    """Only the first N bundled train tasks per kind (None: all; smoke runs and tests)."""
    simulator: str = "oracle"
    """The simulated person for the training dialogues (``oracle:bm25``: no MiniLM to load)."""
    # tokenizer and model
    vocab_size: int = 8192
    max_token_chars: int = 12
    """Longest token. 32 let BPE merge whole phrases of the train descriptions, and the model
    keyed its first move on them: it asked on train tasks and answered at once on unseen ones."""
    tag_boundaries: bool = True
    """Cut the tokenizer's chunks at every tag boundary (:data:`_TAG_BOUNDARY_PATTERN`), so no
    token joins a tag to the text beside it. Without the cut BPE learned ``ont-bold">S`` (the
    end of a heading tag fused with the first letter of its text), ``-4">S`` and ``day of.</p>``:
    to write a heading the model had to pick its first letter together with the tag, and to close
    one it had to pick the closing tag together with the last word, so a title it had never seen
    was written as a train title (build 8 wrote "Dashboard" on every test page) and closed with
    that title's tag. Build 8 (without) had 10 of 55 test turns well-formed; see BENCHMARKS.md."""
    whole_tags: int = 0
    """If at least 1: every HTML tag (attributes and the newline after it included) and every run
    of tags with no text between them that the scripted frontend turns write at least this often
    becomes one token of its own (see :func:`page_tags`), so no merge fuses a closing tag with the
    text before it (plain BPE makes ``ing</h2>``, ``Repair</footer>``). Off: it did not help.
    With 3 (and 6 epochs) 7 of 39 test turns carried a well-formed page (the committed build, plain
    BPE: 6 of 30); with single tags without their newline, 0 of 50. The heading "More <title>" is
    still closed by ``</footer>\n</body>\n</html>``: the model picks the closing run from the
    words before it (the footer's text is the title), not from the tag that opened them."""
    shuffled_copies: int = 1
    """Per backend dialogue, copies whose opening request is a shuffle of words from other train
    requests (same agent turns): asking first must not depend on knowing the request."""
    retitled_copies: int = 2
    """Per scripted frontend dialogue, copies whose page title is other words (in the request,
    the replies and every page; see :func:`retitled_copies`). The bundled train split has 30
    frontend tasks, so 30 titles: without copies the model wrote *train* titles into test pages
    ("More Dentist Opening") and closed them with the tag that followed them in training."""
    renamed_copies: int = 1
    """Per scripted backend dialogue, copies whose function name is another identifier
    (:func:`renamed_copies`): the model must write the name the person gave, not a train name."""
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    num_kv_heads: int = 2
    intermediate_size: int = 512
    context_length: int = 4096
    # training
    epochs: int = 5
    batch_size: int = 8
    lr: float = 3e-3
    warmup_ratio: float = 0.05
    max_steps: int = 0
    """0: all epochs; otherwise stop after this many optimizer steps (smoke runs, tests)."""
    weights_dtype: str = "bfloat16"
    # measuring
    evaluate: bool = True
    max_tokens: int = 512
    """Per agent turn when measuring: the web app's DUET_GENERATION_MAX_TOKENS default."""
    eval_limit: int | None = None
    """Only the first N test tasks per kind (None: all)."""
    threads: int = 1
    """torch CPU threads. One: on a shared 2-core machine two threads made SFT steps ~10x
    slower (oversubscribed cores), and matrices this small gain little from a second one."""


@dataclass
class BuildData:
    trajectories: list[Trajectory] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    minicolbench_tasks: list[Task] = field(default_factory=list)


# -- data ------------------------------------------------------------------------------------------


def bundled_tasks(split: str, kinds: Iterable[str] = ("backend", "frontend")) -> list[Task]:
    """The bundled ColBench tasks of ``split`` (backend first)."""
    from training import paths
    from training.colbench.tasks import load_tasks

    tasks: list[Task] = []
    for kind in kinds:
        tasks += load_tasks(paths.bundled_tasks_dir() / kind / f"{split}.jsonl", kind=kind)
    return tasks


def asked_first(trajectory: Trajectory) -> bool:
    """The episode asked at least one question before its answer turn."""
    from training.colbench.protocol_checks import questions_before_answer

    asked = questions_before_answer(trajectory)
    return asked is not None and asked > 0


def training_dialogues(recipe: Recipe, *, progress: bool = True) -> BuildData:
    """The SFT mix: scripted ColBench dialogues over the bundled train splits and MiniColBench
    noisy-expert dialogues (only those that asked before answering)."""
    from training.colbench.scripted_dialogues import run_scripted
    from training.colbench.simulators.factory import make_simulators
    from training.minicolbench.expert import chat_prompt_text, parse_noise
    from training.minicolbench.generate import generate
    from training.minicolbench.measure import run_expert

    data = BuildData()
    kinds = [("backend", recipe.backend_per_task), ("frontend", recipe.frontend_per_task)]
    bar = _bar(1 + len(kinds), "dialogues", progress)
    simulators = make_simulators(recipe.simulator, ("backend", "frontend"))
    try:
        if recipe.minicolbench_tasks > 0:
            mini = [m.task for m in generate(recipe.seed, recipe.minicolbench_tasks, 0)]
            noise = parse_noise(recipe.minicolbench_noise)
            expert = run_expert(mini, noise, seed=recipe.seed, k=1, simulator=simulators["backend"])
            kept = [t for t in expert if asked_first(t)]
            data.trajectories += kept
            data.minicolbench_tasks = mini
            data.counts.update(minicolbench_episodes=len(expert), minicolbench_kept=len(kept))
        bar.update(1)
        for kind, per_task in kinds:
            if per_task:
                tasks = bundled_tasks("train", (kind,))[: recipe.task_limit]
                scripted = run_scripted(
                    tasks, simulators, chat_prompt_text, per_task=per_task, seed=recipe.seed
                )
                data.trajectories += scripted
                data.counts[f"{kind}_tasks"] = len(tasks)
                data.counts[f"{kind}_episodes"] = len(scripted)
            bar.update(1)
        if recipe.shuffled_copies:
            requests = [t.problem_description for t in bundled_tasks("train")]
            copies = shuffled_request_copies(
                data.trajectories, requests, recipe.shuffled_copies, recipe.seed
            )
            data.trajectories += copies
            data.counts["shuffled_request_copies"] = len(copies)
        scripted = [
            t
            for t in data.trajectories
            if t.meta.get("agent") == "scripted" and not t.meta.get("shuffled_request")
        ]
        words = replacement_words(t.problem_description for t in bundled_tasks("train"))
        if recipe.retitled_copies:
            copies = retitled_copies(
                scripted, words, recipe.retitled_copies, recipe.seed, chat_prompt_text
            )
            data.trajectories += copies
            data.counts["retitled_copies"] = len(copies)
        if recipe.renamed_copies:
            copies = renamed_copies(
                scripted, words, recipe.renamed_copies, recipe.seed, chat_prompt_text
            )
            data.trajectories += copies
            data.counts["renamed_copies"] = len(copies)
    finally:
        for simulator in simulators.values():
            getattr(simulator, "close", lambda: None)()
        bar.close()
    return data


def replacement_words(texts: Iterable[str]) -> list[str]:
    """Lower-case words (3 to 10 letters) of ``texts``, sorted, that the scripted frontend agent
    would not skip when it reads a page title: the vocabulary of the surface-text copies."""
    from training.colbench.scripted_dialogues import page_title

    found = {w.lower() for text in texts for w in re.findall(r"\b[A-Za-z]{3,10}\b", text)}
    return sorted(w for w in found if page_title(f"a {w}") == w.capitalize())


def _same_case(new: str, old: str) -> str:
    return new.capitalize() if old[:1].isupper() else new


def _swap_words(text: str, mapping: dict[str, str]) -> str:
    """``text`` with each word of ``mapping`` (matched whole, any case) replaced, case kept."""
    if not mapping:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: _same_case(mapping[m[1].lower()], m[1]), text)


def _user_turns(trajectory: Trajectory) -> list[str]:
    return [turn.content for turn in trajectory.dialogue_history[1:] if turn.role == "user"]


def retitled_copies(
    trajectories: Sequence[Trajectory],
    words: Sequence[str],
    copies: int,
    seed: int,
    chat_prompt: Callable[[Sequence[Any]], str],
) -> list[Trajectory]:
    """Copies of scripted frontend dialogues whose page title is made of other words.

    The words the scripted agent takes its title from are replaced, wherever they occur in the
    request and in the person's replies, by random ``words``; then the episode is replayed
    (:func:`~training.colbench.scripted_dialogues.replay_scripted`), so every page and prompt is
    what the scripted agent writes for the new request. The person's feedback is kept: it is
    about colours, layout and counts, which the title does not change. A copy whose replayed
    title is not the new words is dropped.
    """
    from training.colbench.scripted_dialogues import page_title, replay_scripted

    rng = random.Random(f"retitled:{seed}")
    out: list[Trajectory] = []
    for trajectory in trajectories:
        if trajectory.task.kind != "frontend":
            continue
        opening = trajectory.task.problem_description
        title = page_title(opening)
        old = [w.lower() for w in title.split()]
        if title == "Welcome" or not old:
            continue
        for _ in range(copies):
            new = rng.sample([w for w in words if w not in old], len(old))
            mapping = dict(zip(old, new, strict=True))
            text = _swap_words(opening, mapping)
            if page_title(text) != " ".join(w.capitalize() for w in new):
                continue
            replies = [_swap_words(r, mapping) for r in _user_turns(trajectory)]
            twin = replay_scripted(trajectory, chat_prompt, opening=text, replies=replies)
            if twin is not None:
                twin.meta["retitled"] = " ".join(new)
                out.append(twin)
    return out


def renamed_copies(
    trajectories: Sequence[Trajectory],
    words: Sequence[str],
    copies: int,
    seed: int,
    chat_prompt: Callable[[Sequence[Any]], str],
) -> list[Trajectory]:
    """Copies of scripted backend dialogues whose function name (the one the agent's answer
    defines) is a new snake_case identifier of one to three random ``words``, in the request, the
    replies and, by replaying the episode, in the agent's questions and code."""
    import ast
    import keyword

    from training.colbench.scripted_dialogues import replay_scripted

    rng = random.Random(f"renamed:{seed}")
    out: list[Trajectory] = []
    for trajectory in trajectories:
        if trajectory.task.kind != "backend":
            continue
        try:
            tree = ast.parse(trajectory.answer or "")
        except SyntaxError:
            continue
        names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        if not names:
            continue
        for _ in range(copies):
            new = "_".join(rng.sample(list(words), rng.randint(1, 3)))
            if keyword.iskeyword(new) or new == names[0]:
                continue
            pattern = re.compile(rf"\b{re.escape(names[0])}\b")
            opening = pattern.sub(new, trajectory.task.problem_description)
            replies = [pattern.sub(new, r) for r in _user_turns(trajectory)]
            twin = replay_scripted(trajectory, chat_prompt, opening=opening, replies=replies)
            if twin is not None and new in (twin.answer or ""):
                twin.meta["renamed"] = new
                out.append(twin)
    return out


def shuffled_request_copies(
    trajectories: Sequence[Trajectory], requests: Sequence[str], copies: int, seed: int
) -> list[Trajectory]:
    """Copies of backend dialogues whose opening request (in the dialogue and in every recorded
    prompt) is replaced by a random shuffle of words drawn from ``requests``.

    The scripted agent's questions and answers never depend on the request's wording (it asks for
    the name and reads the replies), so the targets stay right; what changes is that the model
    cannot tie "ask first" to requests it has memorised.
    """
    from dataclasses import replace

    rng = random.Random(f"shuffled-requests:{seed}")
    words = [w for r in requests for w in r.split()]
    out: list[Trajectory] = []
    for trajectory in trajectories:
        if trajectory.task.kind != "backend" or not trajectory.dialogue_history:
            continue
        opening = trajectory.dialogue_history[0].content
        for _ in range(copies):
            new = " ".join(rng.sample(words, min(len(words), rng.randint(12, 40))))
            turns = [replace(turn) for turn in trajectory.dialogue_history]
            turns[0].content = new
            for turn in turns:
                if turn.input:
                    turn.input = turn.input.replace(f"user\n{opening}", f"user\n{new}", 1)
            twin = replace(trajectory, dialogue_history=turns, meta=dict(trajectory.meta))
            twin.meta["shuffled_request"] = True
            out.append(twin)
    return out


# -- tokenizer and model ---------------------------------------------------------------------------


def tokenizer_corpus(data: BuildData) -> list[str]:
    """The project's texts: bundled tasks, prompt templates, MiniColBench texts, train dialogues."""
    from training.llm.tiny_model import project_texts
    from training.minicolbench.measure import tokenizer_texts

    texts = list(project_texts()) + tokenizer_texts(data.minicolbench_tasks)
    texts += [turn.content for t in data.trajectories for turn in t.dialogue_history]
    return texts


def page_tags(trajectories: Iterable[Trajectory], min_count: int) -> list[str]:
    """The HTML tags (each with the newline after it, if any) and the runs of tags with no text
    between them that frontend agent turns write at least ``min_count`` times (none if it is
    below 1), most frequent first, ties alphabetical: the fixed tag+class strings of the scripted
    pages (``<section class="py-8"><h2 class="text-2xl font-bold">``, ``</h2><p class="mt-2">``,
    ``</footer>\n</body>\n</html>``)."""
    from collections import Counter

    if min_count < 1:
        return []
    counts: Counter[str] = Counter()
    for trajectory in trajectories:
        if trajectory.task.kind == "frontend":
            for turn in trajectory.agent_turns:
                tags = _TAG.findall(turn.content)
                runs = [
                    run for run in _TAG_RUN.findall(turn.content) if _TAG.fullmatch(run) is None
                ]
                counts.update(tags + runs)
    frequent = [tag for tag, n in counts.items() if n >= min_count]
    return sorted(frequent, key=lambda tag: (-counts[tag], tag))


def build_tokenizer(
    texts: Sequence[str],
    vocab_size: int,
    max_token_chars: int = 32,
    whole: Sequence[str] = (),
    *,
    tag_boundaries: bool = False,
) -> Any:
    """Byte-level BPE whose merges may span spaces within a chunk (see the module docstring);
    ``tag_boundaries`` also ends a chunk at every tag boundary (:attr:`Recipe.tag_boundaries`).

    Each text of ``whole`` becomes one token wherever it occurs verbatim, so BPE merges never join
    it to its neighbours; it is cut out of ``texts`` before BPE is trained (the merges go to the
    rest). The added tokens come after the BPE vocabulary of ``vocab_size``.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

    from training.llm.tiny_model import SPECIAL_TOKENS, chat_tokenizer

    pattern = _TAG_BOUNDARY_PATTERN if tag_boundaries else _CHUNK_PATTERN
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(pattern), behavior="merged_with_previous"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=3,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        max_token_length=max_token_chars,
        show_progress=False,
    )
    cut = re.compile("|".join(re.escape(w) for w in sorted(whole, key=len, reverse=True)))
    corpus = [cut.sub("\n", text) for text in texts] if whole else list(texts)
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    tokenizer.add_tokens([AddedToken(w, normalized=False) for w in whole])
    return chat_tokenizer(tokenizer)


def init_model(tokenizer: Any, recipe: Recipe, out_dir: Path) -> Path:
    """Write a random-init Llama of the recipe's shape (and the tokenizer) to ``out_dir``."""
    from transformers import GenerationConfig

    from training.llm.tiny_model import init_llama

    head_dim = recipe.hidden_size // recipe.num_heads
    if head_dim < 32 or head_dim * recipe.num_heads != recipe.hidden_size:
        raise ValueError("head size must divide hidden_size and be >= 32 (vLLM's CPU attention)")
    model = init_llama(
        tokenizer, seed=recipe.seed, hidden_size=recipe.hidden_size,
        intermediate_size=recipe.intermediate_size, num_layers=recipe.num_layers,
        num_heads=recipe.num_heads, num_kv_heads=recipe.num_kv_heads,
        context_length=recipe.context_length,
    )  # fmt: skip
    model.generation_config = _generation_config(tokenizer, GenerationConfig)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _generation_config(tokenizer: Any, cls: Any) -> Any:
    return cls(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
    )


# -- training --------------------------------------------------------------------------------------


def supervised_fine_tune(
    trajectories: Sequence[Trajectory], init_dir: Path, run_dir: Path, recipe: Recipe
) -> dict[str, Any]:
    """Full fine-tune on every agent turn of every dialogue (mean NLL of the agent's tokens given
    the exact prompts it saw), with MiniColBench's warm-start step
    (:func:`training.minicolbench.warm_start.sft`: rejection fine-tuning with every dialogue
    selected, through the shared trainer); the weights go to ``run_dir/model``."""
    from training.minicolbench.warm_start import sft

    result = sft(
        init_dir,
        trajectories,
        run_dir,
        lr=recipe.lr,
        epochs=recipe.epochs,
        batch_size=recipe.batch_size,
        max_steps=recipe.max_steps,
        seed=recipe.seed,
        max_length=recipe.context_length,
    )
    losses = [h["loss"] for h in result.pop("history", []) if "loss" in h]
    result.pop("train_seconds", None)
    tail = losses[-10:]
    return {
        **result,
        "first_loss": round(losses[0], 4) if losses else None,
        "last_loss": round(sum(tail) / len(tail), 4) if tail else None,
    }


# -- measuring -------------------------------------------------------------------------------------


def check_agent(
    agent_spec: str,
    *,
    split: str = "test",
    max_tokens: int = 512,
    temperature: float = 0.0,
    limit: int | None = None,
    progress: bool = True,
    out: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Real rollouts of ``agent_spec`` on the bundled ``split`` tasks against the oracle
    simulators, scored with the real rewards; returns :func:`protocol_report` (+ settings).
    ``out`` writes the scored trajectories as JSONL."""
    from training.colbench.evaluation.rewards import score_trajectories
    from training.colbench.protocol_checks import protocol_report
    from training.colbench.rollouts import RolloutConfig, rollout
    from training.colbench.simulators.factory import make_simulators
    from training.colbench.trajectories import write_trajectories
    from training.llm.spec import load_llm

    started = time.perf_counter()
    tasks: list[Task] = []
    for kind in ("backend", "frontend"):
        kind_tasks = bundled_tasks(split, (kind,))
        tasks += kind_tasks[:limit] if limit else kind_tasks
    agent = load_llm(agent_spec)
    simulators = make_simulators("oracle", {t.kind for t in tasks})
    config = RolloutConfig(k=1, temperature=temperature, max_tokens=max_tokens, seed=0)
    try:
        trajectories = rollout(tasks, agent, simulators, config, progress=progress)
        score_trajectories(trajectories)
    finally:
        agent.close()
        for simulator in simulators.values():
            getattr(simulator, "close", lambda: None)()
    if out is not None:
        write_trajectories(out, trajectories)
    report = protocol_report(trajectories)
    report["settings"] = {
        "split": split,
        "agent": agent_spec,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "simulator": "oracle",
        "tasks": len(tasks),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return report


def criteria_met(report: dict[str, Any]) -> bool:
    """Every criterion of the report was measured and met."""
    return all(item["met"] is True for item in report.get("criteria", {}).values())


# -- the build -------------------------------------------------------------------------------------


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bar(total: int, desc: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not enabled, dynamic_ncols=True)


def _save_weights(model_dir: Path, dtype: str) -> None:
    """Rewrite the trained weights in ``dtype`` (bfloat16 halves the artifact; the local engine
    and vLLM on CPU load it as float32)."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32)
    model = model.to(getattr(torch, dtype))
    model.config.dtype = dtype
    model.save_pretrained(str(model_dir), safe_serialization=True)


def build_default_agent(
    out_dir: str | os.PathLike[str],
    *,
    seed: int = 0,
    progress: bool = True,
    recipe: Recipe | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Build the default agent into ``out_dir`` (replaced atomically) and return the path.

    Steps: training dialogues -> tokenizer -> random-init tiny Llama -> SFT -> weights in
    ``recipe.weights_dtype`` -> (``recipe.evaluate``) protocol metrics on the bundled test splits
    -> ``duet-agent.json``.
    """
    recipe = recipe or Recipe(seed=seed)
    recipe.seed = seed
    say = log or (lambda message: None)
    started = time.perf_counter()
    cpu_started = time.process_time()
    random.seed(seed)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(recipe.threads)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    timings: dict[str, float] = {}
    try:
        mark = time.perf_counter()
        say("generating training dialogues (scripted ColBench + MiniColBench expert)")
        data = training_dialogues(recipe, progress=progress)
        timings["dialogues_s"] = round(time.perf_counter() - mark, 1)

        mark = time.perf_counter()
        tokenizer = build_tokenizer(
            tokenizer_corpus(data), recipe.vocab_size, recipe.max_token_chars,
            whole=page_tags(data.trajectories, recipe.whole_tags),
            tag_boundaries=recipe.tag_boundaries,
        )  # fmt: skip
        init_dir = init_model(tokenizer, recipe, work / "init")
        timings["tokenizer_s"] = round(time.perf_counter() - mark, 1)

        mark = time.perf_counter()
        say(f"fine-tuning on {len(data.trajectories)} dialogues")
        training = supervised_fine_tune(data.trajectories, init_dir, work / "run", recipe)
        timings["train_s"] = round(time.perf_counter() - mark, 1)
        model_dir = Path(training.pop("output"))
        _save_weights(model_dir, recipe.weights_dtype)
        from transformers import GenerationConfig

        _generation_config(tokenizer, GenerationConfig).save_pretrained(str(model_dir))

        metrics: dict[str, Any] | None = None
        if recipe.evaluate:
            mark = time.perf_counter()
            say("measuring the protocol metrics on the bundled test splits")
            metrics = check_agent(
                f"local:{model_dir}",
                max_tokens=recipe.max_tokens,
                limit=recipe.eval_limit,
                progress=progress,
            )
            timings["evaluate_s"] = round(time.perf_counter() - mark, 1)
            metrics["settings"]["agent"] = "local:<this model>"

        record = {
            "name": "duet-default-agent",
            "built_by": "training.default_agent.build_default_agent",
            "recipe": asdict(recipe),
            "data": data.counts,
            "dialogues": len(data.trajectories),
            "tokenizer_vocab": len(tokenizer),
            "parameters": _parameter_count(model_dir),
            "training": training,
            "wall_seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu_started, 1),
            "timings": timings,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "test_metrics": _metrics_summary(metrics) if metrics else None,
            "weights": WEIGHTS_NAME,
            "sha256": file_sha256(model_dir / WEIGHTS_NAME),
        }
        (model_dir / RECORD_NAME).write_text(json.dumps(record, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        model_dir.rename(out)
    finally:
        torch.set_num_threads(threads)
        shutil.rmtree(work, ignore_errors=True)
    return out


def _parameter_count(model_dir: Path) -> int:
    from safetensors import safe_open

    total = 0
    with safe_open(str(model_dir / WEIGHTS_NAME), framework="pt") as handle:
        for key in handle.keys():  # noqa: SIM118 (safe_open has no __iter__)
            count = 1
            for size in handle.get_slice(key).get_shape():
                count *= size
            total += count
    return total


def _metrics_summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures worth keeping from a :func:`check_agent` report."""
    keep = {"settings": report.get("settings"), "criteria": report.get("criteria")}
    for kind in ("backend", "frontend"):
        if kind in report:
            keep[kind] = report[kind]
    return keep


# -- installing the committed artifact -------------------------------------------------------------


class ArtifactError(RuntimeError):
    """The committed default agent is missing or does not match its recorded sha256."""


def verify_artifact(model_dir: str | os.PathLike[str] = ARTIFACT_DIR) -> dict[str, Any]:
    """The artifact's record, after checking its weights against the recorded sha256."""
    folder = Path(model_dir)
    record_path = folder / RECORD_NAME
    if not record_path.is_file():
        raise ArtifactError(f"{folder}: no {RECORD_NAME}; not a default-agent artifact")
    record = json.loads(record_path.read_text())
    weights = folder / record.get("weights", WEIGHTS_NAME)
    if not weights.is_file():
        raise ArtifactError(f"{folder}: weights {weights.name} are missing")
    actual = file_sha256(weights)
    if actual != record.get("sha256"):
        raise ArtifactError(
            f"{weights}: sha256 {actual} does not match {record.get('sha256')} recorded in "
            f"{RECORD_NAME}; the artifact is corrupted or was changed without rebuilding "
            "(rebuild with `duet models bootstrap --train`, or restore it with git)"
        )
    return record


def install_artifact(
    out_dir: str | os.PathLike[str], source: str | os.PathLike[str] = ARTIFACT_DIR
) -> Path:
    """Copy the verified artifact to ``out_dir`` (replaced atomically); returns the path."""
    verify_artifact(source)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for item in sorted(Path(source).iterdir()):
            if item.is_file():
                shutil.copyfile(item, staging / item.name)
        verify_artifact(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
