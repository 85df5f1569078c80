"""Scripted dialogues over ColBench tasks: protocol-following targets a tiny model can imitate.

A scripted agent plays the real environments (:mod:`training.colbench.environments`) against the
project's oracle simulators, so every turn has the protocol's exact format and the exact prompt the
agent sees (rendered with the agent's chat template), and the finished episodes are scored with the
real rewards. The output is official trajectory JSONL, ready for rejection fine-tuning
(:mod:`training.baselines.rft`).

The agent decides from what it is shown only: the chat messages of
:meth:`~training.colbench.environments.ColBenchEnvironment.agent_messages` (system prompt, the
person's opening description, the dialogue so far). It never reads ``task.ground_truth`` or
``task.test_cases``; hidden facts reach its output only when the simulated person said them.

Backend
    Turn 1 asks for the function's name ("What is the function called?" — on the bundled train
    tasks the oracle answers it with the signature about 95% of the time). Turn 2 asks about one
    value the description leaves open, using the first argument the person named ("What is the
    result if <arg> is 0?"), or, when the name is still unknown, asks for the name and arguments
    again. Turn 3 answers: ``I WANT TO ANSWER:`` then a short function with the signature the
    person gave (defaults included) whose body is the person's own statements turned back into
    Python where that is mechanical ("If days_late is at most 3, the result is 0.0." ->
    ``if days_late <= 3: return 0.0``), each kept only if it parses and names nothing unknown,
    and a final ``return``. Why not the hidden reference function as the target: it is long, the
    agent never saw most of it (imitating it teaches a model to produce facts nobody told it), and
    a ~1M-parameter model garbles long code; a short formula over what was said is learnable and
    is valid Python by construction.

Frontend
    Every turn carries one short, formulaic Tailwind page (``OUTPUT:`` then ``<html>…</html>``;
    the last turn ``I WANT TO ANSWER:`` then the page). The first draft comes from the description:
    a title (the business it names), a navigation bar, a hero heading and one section per thing
    the description mentions (menu, prices, schedule, photos, contact...). Each later draft applies
    the person's feedback sentences that the oracle produces (background, navigation bar, columns,
    main heading, images, footer, buttons, sections, bands) to the page's spec.

``--per-task K`` varies the wording of questions and the number of refinements per episode
(seeded; up to six variants), so K episodes of one task are not all the same: a frontend episode
shows 1 to 6 drafts before its final answer (fewer when the person says the page already matches).
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from training.colbench import protocol
from training.colbench.environments import ColBenchEnvironment, make_environment
from training.colbench.simulators.base import BackendSimulator, FrontendSimulator
from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory
from training.llm.base import Message

ChatPrompt = Callable[[Sequence[Message]], str]
AGENT_NAME = "scripted"

# -- shared helpers ------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "no": 0, "none": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


def _number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _user_replies(messages: Sequence[Message]) -> list[str]:
    """The person's replies after the opening message (string contents only)."""
    users = [m["content"] for m in messages if m["role"] == "user"]
    return [u for u in users[1:] if isinstance(u, str)]


def _opening(messages: Sequence[Message]) -> str:
    for message in messages:
        if message["role"] == "user" and isinstance(message["content"], str):
            return message["content"]
    return ""


def _agent_turns(messages: Sequence[Message]) -> int:
    return sum(m["role"] == "assistant" for m in messages)


# -- backend: reading the person's replies ---------------------------------------------------------

_SIGNATURE = re.compile(r"The function is called (\w+) and takes (.+?), in that order\.")
_NO_ARGS = re.compile(r"The function is called (\w+) and takes no arguments")
_DEFAULT = re.compile(r"If (\w+) is not given, it defaults to (.+)\.$")
_ALLOWED_NAMES = frozenset(
    re.findall(
        r"\w+", "math round min max abs len int float str bool sum any all sorted None True False"
    )
)
_COMPARISONS = (
    (" is not one of ", " not in "),
    (" is one of ", " in "),
    (" is at most ", " <= "),
    (" is at least ", " >= "),
    (" is more than ", " > "),
    (" is less than ", " < "),
    (" is not ", " != "),
    (" is ", " == "),
)


@dataclass
class Signature:
    name: str
    args: list[str]
    defaults: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        """``def name(args):``; a default is kept only when every later argument has one."""
        keep: set[str] = set()
        for arg in reversed(self.args):
            if arg not in self.defaults or arg.startswith("*"):
                break
            keep.add(arg)
        parts = [f"{a}={self.defaults[a]}" if a in keep else a for a in self.args]
        text = f"def {self.name}({', '.join(parts)}):"
        try:
            ast.parse(text + "\n    pass")
        except SyntaxError:
            text = f"def {self.name}({', '.join(self.args)}):"
        return text


def read_signature(replies: Sequence[str]) -> Signature | None:
    """The signature the person stated, with any defaults they mentioned; ``None`` if never."""
    signature: Signature | None = None
    defaults: dict[str, str] = {}
    for reply in replies:
        for sentence in _sentences(reply):
            if (match := _SIGNATURE.search(sentence)) and signature is None:
                args = [a.strip() for a in match.group(2).split(",") if a.strip()]
                signature = Signature(match.group(1), args)
            elif (match := _NO_ARGS.search(sentence)) and signature is None:
                signature = Signature(match.group(1), [])
            elif match := _DEFAULT.search(sentence):
                defaults[match.group(1)] = match.group(2)
    if signature is not None:
        signature.defaults = {
            arg: value
            for arg, value in defaults.items()
            if arg in signature.args and _is_expression(value)
        }
    return signature


def _is_expression(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def spoken_expression(text: str) -> str | None:
    """A fact's spoken value back as Python (the inverse of the oracle's phrasing), or ``None``."""
    text = text.strip()
    rules: tuple[tuple[str, Callable[[re.Match[str]], str | None]], ...] = (
        (r"(.+) rounded to (\d+) decimals", lambda m: _call("round", m[1], m[2])),
        (r"(.+) rounded to a whole number", lambda m: _call("round", m[1])),
        (r"(.+), capped at a maximum of (.+)", lambda m: _call("min", m[1], m[2])),
        (r"(.+), but never below a minimum of (.+)", lambda m: _call("max", m[1], m[2])),
        (r"the length of (.+)", lambda m: _call("len", m[1])),
        (r"the absolute value of (.+)", lambda m: _call("abs", m[1])),
        (r"whether (.+)", lambda m: spoken_condition(m[1])),
    )
    for pattern, build in rules:
        match = re.fullmatch(pattern, text)
        if match:
            return build(match)
    return text if _is_expression(text) else None


def _call(function: str, *spoken: str) -> str | None:
    parts = [spoken_expression(s) for s in spoken]
    if any(p is None for p in parts):
        return None
    return f"{function}({', '.join(p for p in parts if p is not None)})"


def spoken_condition(text: str) -> str | None:
    """A spoken condition ("days_late is at most 3") as Python, or ``None``."""
    text = text.strip()
    for joiner in (" or ", " and "):
        if joiner in text:
            parts = [spoken_condition(p) for p in text.split(joiner)]
            if any(p is None for p in parts):
                return None
            return joiner.join(f"({p})" for p in parts if p is not None)
    if text.startswith("not "):
        inner = spoken_condition(text[4:])
        return None if inner is None else f"not ({inner})"
    for words, operator in _COMPARISONS:
        if words in text:
            left, right = text.split(words, 1)
            left_code, right_code = spoken_expression(left), spoken_expression(right)
            if left_code is None or right_code is None:
                return None
            code = f"{left_code}{operator}{right_code}"
            return code if _is_expression(code) else None
    return spoken_expression(text)


_IF_RESULT = re.compile(r"If (.+?), the result is (.+)\.$")
_RESULT = re.compile(r"(?:Otherwise, )?[Tt]he result is (.+)\.$")
_ASSIGN = re.compile(r"(\w+) is (.+)\.$")


def _names(code: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}


def answer_code(signature: Signature, replies: Sequence[str]) -> str:
    """A short function: the stated signature, the person's statements as Python, a return."""
    known = set(signature.args) | _ALLOWED_NAMES
    assigns: list[str] = []
    branches: list[str] = []
    final: str | None = None
    for reply in replies:
        for sentence in _sentences(reply):
            if _SIGNATURE.search(sentence) or _DEFAULT.search(sentence):
                continue
            if match := _IF_RESULT.fullmatch(sentence):
                condition, value = spoken_condition(match[1]), spoken_expression(match[2])
                if condition and value and _names(f"({condition}, {value})") <= known:
                    line = f"    if {condition}:\n        return {value}"
                    if line not in branches:
                        branches.append(line)
            elif match := _RESULT.fullmatch(sentence):
                value = spoken_expression(match[1])
                if value and final is None:
                    final = value
            elif (match := _ASSIGN.fullmatch(sentence)) and match[1] not in signature.args:
                value = spoken_expression(match[2])
                if value and _names(value) <= known:
                    assigns.append(f"    {match[1]} = {value}")
                    known.add(match[1])
    if final is None or not _names(final) <= known:
        final = "None"
    lines = [signature.line(), *assigns, *branches, f"    return {final}"]
    code = "\n".join(lines)
    if "math." in code:
        code = "import math\n\n" + code
    try:
        ast.parse(code)
    except SyntaxError:
        code = f"{signature.line()}\n    return None"
    return code


def _fallback_signature(description: str) -> Signature:
    """A name from the description when the person never said one (e.g. ``late_fee``)."""
    words = re.findall(r"[a-z]+", description.lower())
    skip = set(
        re.findall(
            r"\w+",
            "i a an the my our me you it that this for of to and or can write want need "
            "python function works out tells how much many what is are be",
        )
    )
    content = [w for w in words if w not in skip][:2] or ["solve"]
    return Signature("_".join(content), ["value"])


_NAME_QUESTIONS = ("What is the function called?", "What should the function be called?")
_NAME_AGAIN = "What is the function called, and what arguments does it take, in that order?"
_VALUE_QUESTIONS = (
    "What is the result if {arg} is 0?",
    "What is the result when {arg} is small?",
    "What is the result, and when is it different?",
)


def backend_turn(messages: Sequence[Message], variant: int = 0) -> str:
    """The scripted backend agent's next turn, from the messages it is shown only."""
    replies = _user_replies(messages)
    turn = _agent_turns(messages)
    signature = read_signature(replies)
    if turn == 0:
        return _NAME_QUESTIONS[variant % len(_NAME_QUESTIONS)]
    asks = 1 + (variant // len(_NAME_QUESTIONS)) % 2  # one or two questions before answering
    if turn < asks or (turn == 1 and signature is None):
        if signature is None:
            return _NAME_AGAIN
        arg = signature.args[0] if signature.args else "the input"
        template = _VALUE_QUESTIONS[variant % len(_VALUE_QUESTIONS)]
        return template.format(arg=arg)
    signature = signature or _fallback_signature(_opening(messages))
    return f"{protocol.ANSWER_MARKER}\n{answer_code(signature, replies)}"


# -- frontend: a page spec, drafted from the description and refined from feedback ---------------

TAILWIND_LINK = (
    '<link href="https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css" '
    'rel="stylesheet">'
)
_FAMILIES = {
    "grey": "gray", "gray": "gray", "red": "red", "orange": "yellow", "yellow": "yellow",
    "brown": "yellow", "green": "green", "teal": "green", "sky blue": "blue", "blue": "blue",
    "indigo": "indigo", "purple": "purple", "pink": "pink",
}  # fmt: skip
_COLOR = (
    r"(white|black|(?:light |dark )?"
    r"(?:grey|gray|red|orange|yellow|brown|green|teal|sky blue|blue|indigo|purple|pink))"
)
_SECTION_WORDS = (
    (("menu",), "Menu"),
    (("price", "prices", "pricing", "quote"), "Prices"),
    (("schedule", "classes", "class", "dates", "tour"), "Schedule"),
    (("photo", "photos", "portfolio", "work", "gallery", "bouquets", "houses"), "Gallery"),
    (("services", "service", "repair", "what we do"), "Services"),
    (("posts", "blog", "episodes"), "Latest posts"),
    (("team", "stylists", "teachers"), "Our team"),
    (("trips", "trip", "travel"), "Trips"),
    (("book", "enquire", "contact", "find me", "exhibition"), "Contact"),
    (("sign up", "signup", "members", "students", "download", "register"), "Sign up"),
)  # fmt: skip
_TITLE_SKIP = set(
    re.findall(
        r"\w+",
        "page website site web landing homepage home simple nice bold pretty elegant professional "
        "calm minimal online small little new internal",
    )
)
_TITLE_STOP = set(re.findall(r"\w+", "and that to for where so with i it who of which we our my"))
_HEADING_SIZES = ((30, "text-3xl"), (36, "text-4xl"), (48, "text-5xl"), (60, "text-6xl"))


def tailwind_color(name: str, prefix: str = "bg") -> str:
    """A Tailwind 2 class for one of the oracle's colour names ("dark blue" -> ``bg-blue-800``)."""
    name = name.lower().strip()
    if name == "white":
        return f"{prefix}-white"
    if name == "black":
        return f"{prefix}-black"
    shade = 500
    if name.startswith("light "):
        name, shade = name[6:], 100
    elif name.startswith("dark "):
        name, shade = name[5:], 800
    if name == "brown":
        shade = 800 if shade == 500 else 600
    family = _FAMILIES.get(name, "gray")
    if family == "gray" and shade == 500:
        shade = 400
    return f"{prefix}-{family}-{shade}"


def _is_dark(color_class: str) -> bool:
    if color_class.endswith("-black"):
        return True
    match = re.search(r"-(\d+)$", color_class)
    return bool(match) and int(match.group(1)) >= 600


@dataclass
class PageSpec:
    """What the scripted frontend agent knows about the page the person wants."""

    title: str
    sections: list[str]
    background: str = "bg-white"
    text: str | None = None
    nav: str | None = "bg-gray-800"
    nav_links: int = 3
    heading: str = ""
    heading_size: str = "text-4xl"
    columns: int = 1
    images: int = 0
    footer: str | None = "bg-gray-800"
    buttons: int = 1
    band: str | None = None
    paragraph_words: int = 8

    def text_class(self) -> str:
        if self.text:
            return self.text
        return "text-white" if _is_dark(self.background) else "text-gray-800"


def page_title(description: str) -> str:
    """The page title the scripted agent reads off a description: up to two words after "a",
    "an", "my" or "our" ("a small bakery in town" -> "Bakery In"), else "Welcome"."""
    words = re.findall(r"[A-Za-z'-]+|[.,!?]", description)
    for index, word in enumerate(words):
        if word.lower() not in ("a", "an", "my", "our"):
            continue
        phrase: list[str] = []
        for following in words[index + 1 : index + 4]:
            lower = following.lower()
            if lower in ("own",) and not phrase:
                continue
            if lower in _TITLE_STOP or not following[0].isalpha():
                break
            if lower in _TITLE_SKIP:
                if phrase:
                    break
                continue
            phrase.append(following)
        if phrase:
            return " ".join(w.capitalize() for w in phrase[:2])
    return "Welcome"


def draft_page(description: str) -> PageSpec:
    """The first draft: title and sections from the person's description only."""
    lower = description.lower()
    sections: list[str] = []
    for keys, heading in _SECTION_WORDS:
        if any(re.search(rf"\b{re.escape(k)}\b", lower) for k in keys) and heading not in sections:
            sections.append(heading)
    if not sections:
        sections = ["About"]
    title = page_title(description)
    return PageSpec(title=title, sections=sections[:3], heading=title)


MAX_SECTIONS = 5
"""Sections a scripted page grows to at most. The oracle says "My page is much longer than
yours" after every draft of a long target, and each added a section ("More <title>", all alike):
six drafts made eight identical blocks, and the default agent imitating them repeated the block
until its 512 tokens ran out (9 of 63 test turns of build 9). Added sections are numbered, so no
two blocks are alike."""


def apply_feedback(spec: PageSpec, reply: str) -> PageSpec:
    """The spec changed by each feedback sentence the oracle writes (unknown sentences ignored)."""
    spec = replace(spec, sections=list(spec.sections))
    for sentence in _sentences(reply):
        s = sentence
        if m := re.match(rf"The background of my page is {_COLOR}, not", s):
            spec.background = tailwind_color(m[1])
        elif m := re.match(rf"The background of my page is an? (lighter|darker) {_COLOR}", s):
            spec.background = tailwind_color(
                ("light " if m[1] == "lighter" else "dark ") + m[2].split()[-1]
            )
        elif m := re.match(
            rf"My page has an? {_COLOR} navigation bar .*?(?:with (\w+) links?)?; yours has none", s
        ):
            spec.nav = tailwind_color(m[1])
            if m[2] and _number(m[2]) is not None:
                spec.nav_links = _number(m[2]) or 0
        elif s.startswith("My page has no navigation bar"):
            spec.nav = None
        elif m := re.match(rf"My navigation bar is {_COLOR}, not", s):
            spec.nav = tailwind_color(m[1])
        elif m := re.match(r"My navigation bar has (\w+) links?", s):
            spec.nav_links = _number(m[1]) or 0
        elif m := re.match(
            r"The main part of my page is laid out in (a single column|(\w+) columns)", s
        ):
            spec.columns = 1 if m[1] == "a single column" else (_number(m[2]) or 1)
        elif m := re.match(r'My (?:page has a main heading, |main heading says )"(.+?)"', s):
            spec.heading = m[1]
        elif m := re.match(
            r"My main heading is (?:bigger|smaller) than yours \(text about (\d+) px", s
        ):
            size = int(m[1])
            spec.heading_size = min(_HEADING_SIZES, key=lambda item: abs(item[0] - size))[1]
        elif m := re.match(rf"Most of the text on my page is {_COLOR}, not", s):
            spec.text = tailwind_color(m[1], "text")
        elif m := re.match(r"My page has (\w+) images?\b.*; yours has", s):
            spec.images = min(_number(m[1]) or 0, 8)
        elif m := re.match(rf"My page has an? {_COLOR} band across the page", s):
            spec.band = tailwind_color(m[1])
        elif m := re.match(r"My page is much (longer|shorter) than yours", s):
            if m[1] == "longer" and len(spec.sections) < MAX_SECTIONS:
                spec.sections.append(f"Section {len(spec.sections) + 1}")
            elif m[1] == "shorter" and len(spec.sections) > 1:
                spec.sections.pop()
        elif m := re.match(r"My page has (\w+) sections? stacked", s):
            wanted = max(1, min((_number(m[1]) or 1) - 1 - bool(spec.nav), MAX_SECTIONS))
            while len(spec.sections) < wanted:
                spec.sections.append(f"Section {len(spec.sections) + 1}")
            del spec.sections[wanted:]
        elif m := re.match(rf"My page ends with an? {_COLOR} footer", s):
            spec.footer = tailwind_color(m[1])
        elif s.startswith("My page has no footer"):
            spec.footer = None
        elif m := re.match(rf"My footer is {_COLOR}, not", s):
            spec.footer = tailwind_color(m[1])
        elif m := re.match(r"My page has (\w+) buttons?; yours has", s):
            spec.buttons = min(_number(m[1]) or 0, 6)
        elif m := re.match(r"My page has much (more|less) text than yours", s):
            step = 12 if m[1] == "more" else -4
            spec.paragraph_words = max(4, min(spec.paragraph_words + step, 60))
    return spec


_FILLER = re.findall(
    r"\w+",
    "We are glad you are here and hope you enjoy what we offer every day of the week "
    "with friendly people good prices and a warm welcome for everyone who visits us soon",
)


def render_page(spec: PageSpec) -> str:
    """The spec as one short, well-formed Tailwind page."""
    words = " ".join(_FILLER[: spec.paragraph_words]).capitalize() + "."
    parts = [
        "<html>",
        "<head>",
        f"<title>{spec.title}</title>",
        TAILWIND_LINK,
        "</head>",
        f'<body class="{spec.background} {spec.text_class()}">',
    ]
    if spec.nav:
        links = "".join(
            f'<a href="#" class="ml-4">{s}</a>' for s in spec.sections[: spec.nav_links]
        )
        more = "".join(
            '<a href="#" class="ml-4">Link</a>' for _ in range(spec.nav_links - len(spec.sections))
        )
        nav_text = "text-white" if _is_dark(spec.nav) else "text-gray-800"
        parts.append(
            f'<nav class="{spec.nav} {nav_text} px-8 py-4 flex justify-between">'
            f'<a href="#" class="font-bold">{spec.title}</a><div>{links}{more}</div></nav>'
        )
    hero = f" {spec.band}" if spec.band else ""
    buttons = "".join(
        '<a href="#" class="inline-block bg-blue-600 text-white px-4 py-2 rounded mr-2">'
        "Get started</a>"
        for _ in range(spec.buttons)
    )
    parts.append(
        f'<section class="py-16 px-6 text-center{hero}">'
        f'<h1 class="{spec.heading_size} font-bold">{spec.heading}</h1>'
        f'<p class="mt-4">{words}</p><div class="mt-6">{buttons}</div></section>'
    )
    grid = f"grid grid-cols-{spec.columns} gap-6" if spec.columns > 1 else ""
    main_class = " ".join(part for part in ("px-6 py-8", grid) if part)
    parts.append(f'<main class="{main_class}">')
    for heading in spec.sections:
        parts.append(
            f'<section class="py-8"><h2 class="text-2xl font-bold">{heading}</h2>'
            f'<p class="mt-2">{words}</p></section>'
        )
    images = "".join(
        f'<img src="https://placehold.co/400x300" alt="photo {i + 1}" class="w-full rounded">'
        for i in range(spec.images)
    )
    if images:
        parts.append(f'<div class="grid grid-cols-{min(spec.images, 3)} gap-4">{images}</div>')
    parts.append("</main>")
    if spec.footer:
        footer_text = "text-white" if _is_dark(spec.footer) else "text-gray-800"
        parts.append(
            f'<footer class="{spec.footer} {footer_text} py-6 text-center">{spec.title}</footer>'
        )
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


def frontend_turn(messages: Sequence[Message], variant: int = 0) -> str:
    """The scripted frontend agent's next turn, from the messages it is shown only."""
    spec = draft_page(_opening(messages))
    replies = _user_replies(messages)
    for reply in replies:
        spec = apply_feedback(spec, reply)
    refinements = 1 + variant % 6  # drafts shown before the final answer: 1 to 6
    done = bool(replies) and replies[-1].startswith("Your page looks just like")
    if done or _agent_turns(messages) >= refinements:
        return f"{protocol.ANSWER_MARKER}\n{render_page(spec)}"
    return f"{protocol.OUTPUT_MARKER}\n{render_page(spec)}"


# -- driving the real environments ---------------------------------------------------------------


def scripted_turn(kind: str, messages: Sequence[Message], variant: int = 0) -> str:
    """The scripted agent's next turn for a task of ``kind``."""
    if kind == "backend":
        return backend_turn(messages, variant)
    if kind == "frontend":
        return frontend_turn(messages, variant)
    raise ValueError(f"unknown task kind {kind!r}")


def _plain_messages(messages: Sequence[Message]) -> list[Message]:
    """A copy the agent may read: only roles and contents (no task object is reachable)."""
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def run_scripted(
    tasks: Sequence[Task],
    simulators: dict[str, BackendSimulator | FrontendSimulator],
    chat_prompt: ChatPrompt,
    *,
    per_task: int = 1,
    seed: int = 0,
) -> list[Trajectory]:
    """``per_task`` scripted episodes per task, in task order, through the real environments.

    ``chat_prompt`` formats the agent's messages as the agent model's prompt (its chat template);
    it is recorded as each agent turn's ``input``. Simulator replies are requested in one
    ``reply_many`` call per kind and round. Rewards are not set here (see :func:`score`).
    """
    if per_task < 1:
        raise ValueError("per_task must be at least 1")
    envs: list[tuple[ColBenchEnvironment, int]] = []
    for task in tasks:
        for index in range(per_task):
            env = make_environment(task.kind, simulators[task.kind])
            env.reset(task)
            offset = random.Random(f"{seed}:{task.id}").randrange(6)
            variant = (offset + index) % 6
            env.trajectory.meta.update(
                agent=AGENT_NAME, simulator=simulators[task.kind].name, rollout=index,
                variant=variant, seed=seed,
            )  # fmt: skip
            envs.append((env, variant))
    while True:
        live = [(env, variant) for env, variant in envs if not env.done]
        if not live:
            break
        for env, variant in live:
            messages = env.agent_messages()
            text = scripted_turn(env.kind, _plain_messages(messages), variant)
            env.act(text, prompt=chat_prompt(messages), model=AGENT_NAME)
        pending: dict[int, list[tuple[ColBenchEnvironment, Any]]] = {}
        for env, _ in live:
            query = env.pending_query()
            if query is not None:
                pending.setdefault(id(env.simulator), []).append((env, query))
        for items in pending.values():
            simulator = items[0][0].simulator
            assert simulator is not None
            replies = simulator.reply_many([query for _, query in items])
            for (env, _), reply in zip(items, replies, strict=True):
                env.observe(reply)
    return [env.trajectory for env, _ in envs]


def replay_scripted(
    trajectory: Trajectory,
    chat_prompt: ChatPrompt,
    *,
    opening: str,
    replies: Sequence[str],
) -> Trajectory | None:
    """The scripted episode of ``trajectory`` played again with another opening message and
    other person replies, without a simulator: the agent turns (and their recorded prompts) are
    the scripted agent's answers to the new messages. ``replies`` are the person's turns after
    the opening, in order. ``None`` if the new episode needs more replies than given (the agent
    took a different path) or the trajectory is not a scripted one.

    Used to make training copies whose surface text differs (a new page title, a new function
    name) while every target stays what the scripted agent would have written.
    """
    variant = trajectory.meta.get("variant")
    if trajectory.meta.get("agent") != AGENT_NAME or variant is None:
        return None
    env = make_environment(trajectory.task.kind)
    env.reset(replace(trajectory.task, problem_description=opening))
    env.trajectory.meta.update(trajectory.meta)
    pending = iter(replies)
    while not env.done:
        messages = env.agent_messages()
        text = scripted_turn(env.kind, _plain_messages(messages), variant)
        env.act(text, prompt=chat_prompt(messages), model=AGENT_NAME)
        reply = next(pending, None)
        if env.done:
            break
        if env.pending_query() is None:  # the environment answered the turn itself
            continue
        if reply is None:
            return None
        env.observe(reply)
    return env.trajectory


def score(trajectories: Sequence[Trajectory]) -> list[Trajectory]:
    """Set the real rewards (sandboxed tests; page similarity) on every trajectory."""
    from training.colbench.evaluation.rewards import score_trajectories

    return score_trajectories(trajectories)


def template_chat_prompt(template: str, bos_token: str = "") -> ChatPrompt:
    """A :data:`ChatPrompt` from a Jinja chat template (as Hugging Face tokenizers apply it)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    compiled = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(
        template
    )

    def render(messages: Sequence[Message]) -> str:
        return compiled.render(
            messages=list(messages), bos_token=bos_token, add_generation_prompt=True
        )

    return render
