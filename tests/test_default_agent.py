"""The default agent of `make run`: the committed artifact, its install, and its build."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from training import default_agent
from training.cli import main
from training.default_agent import ARTIFACT_DIR, RECORD_NAME, WEIGHTS_NAME, Recipe


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    out = tmp_path_factory.mktemp("agent") / "tiny-agent"
    assert main(["models", "bootstrap", "--out", str(out)]) == 0
    return out


def test_bootstrap_installs_the_committed_artifact(installed):
    record = json.loads((installed / RECORD_NAME).read_text())
    assert record == json.loads((ARTIFACT_DIR / RECORD_NAME).read_text())
    assert default_agent.file_sha256(installed / WEIGHTS_NAME) == record["sha256"]
    for name in ("config.json", "tokenizer.json", "chat_template.jinja", "generation_config.json"):
        assert (installed / name).is_file(), name


def test_bootstrap_refuses_an_artifact_whose_weights_do_not_match(tmp_path, monkeypatch, capsys):
    corrupted = tmp_path / "artifact"
    shutil.copytree(ARTIFACT_DIR, corrupted)
    weights = bytearray((corrupted / WEIGHTS_NAME).read_bytes())
    weights[-1] ^= 0xFF
    (corrupted / WEIGHTS_NAME).write_bytes(bytes(weights))
    monkeypatch.setattr(default_agent, "ARTIFACT_DIR", corrupted)
    out = tmp_path / "agent"
    assert main(["models", "bootstrap", "--out", str(out)]) == 2
    assert "does not match" in capsys.readouterr().err
    assert not out.exists()


def test_installed_agent_loads_with_transformers_and_the_local_engine(installed):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.llm.base import SamplingParams
    from training.llm.spec import load_llm

    model = AutoModelForCausalLM.from_pretrained(str(installed))
    tokenizer = AutoTokenizer.from_pretrained(str(installed))
    assert model.config.vocab_size == len(tokenizer)
    agent = load_llm(f"local:{installed}")
    try:
        prompt = agent.chat_prompt([{"role": "user", "content": "Hello"}])
        [[completion]] = agent.generate([prompt], SamplingParams(temperature=0.0, max_tokens=8))
        assert isinstance(completion.text, str)
    finally:
        agent.close()


def test_greedy_first_turn_on_a_backend_test_task_is_a_question(installed):
    """The acceptance in miniature: the first agent turn asks, it does not answer."""
    from training.colbench import protocol
    from training.colbench.environments import make_environment
    from training.llm.base import SamplingParams
    from training.llm.spec import load_llm

    task = default_agent.bundled_tasks("test", ("backend",))[0]
    env = make_environment("backend", None)
    env.reset(task)
    agent = load_llm(f"local:{installed}")
    try:
        prompt = agent.chat_prompt(env.agent_messages())
        [[completion]] = agent.generate([prompt], SamplingParams(temperature=0.0, max_tokens=64))
    finally:
        agent.close()
    assert protocol.ANSWER_MARKER not in completion.text
    assert "?" in completion.text


def _frontend_dialogue(*agent_texts: str, kind: str = "frontend"):
    from training.colbench.tasks import Task
    from training.colbench.trajectories import Trajectory, Turn

    task = Task("fe-1", kind, "I want a page.", "<html></html>")
    turns = [Turn("user", "I want a page.")]
    for text in agent_texts:
        turns += [Turn("assistant", text), Turn("user", "Make it <b>bold</b>.")]
    return Trajectory(task, turns)


def test_page_tags_are_the_tags_and_tag_runs_frontend_turns_write_often_enough():
    page = '<html>\n<body class="bg-white">\n<h2 class="text-2xl">Car Repair</h2>\n</body>\n</html>'
    dialogues = [
        _frontend_dialogue(f"OUTPUT:\n{page}"),
        _frontend_dialogue(f"OUTPUT:\n{page}", f"OUTPUT:\n<hr>{page}"),
        _frontend_dialogue(f"OUTPUT:\n<hr>{page}", kind="backend"),
    ]
    tags = default_agent.page_tags(dialogues, min_count=3)
    assert set(tags) == {
        "<html>\n", '<body class="bg-white">\n', '<h2 class="text-2xl">', "</h2>\n",
        "</body>\n", "</html>", '</h2>\n</body>\n</html>',
    }  # fmt: skip
    assert '<html>\n<body class="bg-white">\n<h2 class="text-2xl">' in (
        default_agent.page_tags(dialogues, min_count=2)
    )
    assert default_agent.page_tags(dialogues, min_count=0) == []


def test_a_whole_tag_is_one_token_apart_from_the_text_before_it():
    page = '<section class="py-8"><h2 class="text-2xl font-bold">Car Repair</h2></section>'
    corpus = [f"{page}\n{page.replace('Car Repair', 'More Car Repair')}"] * 20
    whole = ['<section class="py-8">', '<h2 class="text-2xl font-bold">', "</h2>", "</section>"]
    tokenizer = default_agent.build_tokenizer(corpus, 400, 12, whole=whole)
    ids = tokenizer(page, add_special_tokens=False)["input_ids"]
    pieces = [tokenizer.decode([i]) for i in ids]
    assert pieces[:2] == whole[:2] and pieces[-2:] == whole[2:]
    assert "".join(pieces[2:-2]) == "Car Repair"
    assert tokenizer.decode(ids) == page


def test_with_tag_boundaries_no_token_joins_a_tag_to_the_text_beside_it():
    page = '<nav class="bg-gray-800"><a href="#" class="font-bold">Sea Cabin</a></nav>\n'
    corpus = [page.replace("Sea Cabin", name) for name in ("Sea Cabin", "Shop", "Sun Deck")] * 30
    plain = default_agent.build_tokenizer(corpus, 400, 12)
    split = default_agent.build_tokenizer(corpus, 400, 12, tag_boundaries=True)

    def pieces(tokenizer):
        ids = tokenizer(page, add_special_tokens=False)["input_ids"]
        return [tokenizer.decode([i]) for i in ids]

    def mixed(piece):  # holds part of a tag and text outside it
        return ("<" in piece or ">" in piece) and bool(re.search(r">[^<>\n]|[^<>\n]<", piece))

    assert any(mixed(p) for p in pieces(plain))  # e.g. 'bold">S'
    assert not any(mixed(p) for p in pieces(split))
    assert "Sea Cabin" in "".join(p for p in pieces(split) if "<" not in p and ">" not in p)
    assert split.decode(split(page, add_special_tokens=False)["input_ids"]) == page


def test_build_default_agent_runs_end_to_end_on_a_tiny_budget(tmp_path):
    recipe = Recipe(
        backend_per_task=1,
        frontend_per_task=0,
        minicolbench_tasks=4,
        task_limit=3,
        simulator="oracle:bm25",
        vocab_size=600,
        num_layers=1,
        context_length=1024,
        max_steps=2,
        batch_size=2,
        evaluate=False,
    )
    out = default_agent.build_default_agent(
        tmp_path / "agent", seed=1, progress=False, recipe=recipe
    )
    record = json.loads((out / RECORD_NAME).read_text())
    assert record["training"]["steps"] == 2
    assert record["data"]["backend_episodes"] == 3
    assert record["sha256"] == default_agent.file_sha256(out / WEIGHTS_NAME)
    assert record["test_metrics"] is None
    default_agent.verify_artifact(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent"]  # no build leftovers


def _scripted(kind: str, description: str, replies: list[str], variant: int):
    """A scripted episode played without a simulator, on the given person replies."""
    from training.colbench.scripted_dialogues import replay_scripted
    from training.colbench.tasks import Task
    from training.colbench.trajectories import Trajectory, Turn
    from training.minicolbench.expert import chat_prompt_text

    task = Task(f"{kind}-1", kind, description, "def f(x):\n    return x\n")
    seed = Trajectory(task, [Turn("user", description)], meta={"agent": "scripted"})
    seed.meta["variant"] = variant
    episode = replay_scripted(seed, chat_prompt_text, opening=description, replies=replies)
    assert episode is not None
    return episode


FEEDBACK = "The background of my page is dark blue, not white."
WORDS = ["anchor", "basil", "cobalt", "drum", "ember", "fjord"]


def test_retitled_copies_put_the_new_title_in_every_page_and_never_the_old():
    from training.minicolbench.expert import chat_prompt_text

    original = _scripted("frontend", "A page for my sunny bakery.", [FEEDBACK] * 3, variant=2)
    copies = default_agent.retitled_copies([original], WORDS, 3, 0, chat_prompt_text)
    assert len(copies) == 3
    for copy in copies:
        title = copy.meta["retitled"].title()
        pages = [turn.content for turn in copy.agent_turns]
        assert len(pages) == len(original.agent_turns)
        assert all(f"<title>{title}</title>" in page for page in pages)
        assert not any("Sunny" in turn.input + turn.content for turn in copy.agent_turns)
        assert "bg-blue-800" in pages[-1]


def test_retitled_copies_skip_dialogues_without_a_title():
    from training.minicolbench.expert import chat_prompt_text

    original = _scripted("frontend", "Make the shop look good.", [FEEDBACK], variant=0)
    assert default_agent.retitled_copies([original], WORDS, 2, 0, chat_prompt_text) == []


def test_renamed_copies_define_the_name_the_person_gave():
    from training.minicolbench.expert import chat_prompt_text

    replies = ["The function is called late_fee and takes days_late, in that order."]
    original = _scripted("backend", "Work out the late fee for a book.", replies, variant=0)
    assert "def late_fee(days_late):" in original.answer
    [copy] = default_agent.renamed_copies([original], WORDS, 1, 0, chat_prompt_text)
    new = copy.meta["renamed"]
    assert f"def {new}(days_late):" in copy.answer
    assert f"The function is called {new} " in copy.dialogue_history[2].content
    assert "late_fee" not in copy.agent_turns[-1].input + copy.answer
