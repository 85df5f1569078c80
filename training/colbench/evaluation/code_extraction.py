"""Take the Python code out of an agent's backend answer.

Agents answer in prose, in markdown fences, or as bare code. The rules, in order:

1. Fenced blocks (```` ```python ````, ```` ```py ````, or an untagged fence; an unterminated
   last fence runs to the end): keep the Python ones. One block is the code. With several,
   the blocks that define something (``def``, ``class``, ``import``, an assignment at column 0)
   are joined in order; usage examples that only call the function are left out. If none
   defines anything, the first block is the code.
2. No fences: the whole text if it compiles; otherwise the text from the first line that starts
   a top-level definition or import, with trailing prose lines dropped until it compiles; prose
   with no such line has no code (``""``).
"""

from __future__ import annotations

import re

_FENCE = re.compile(
    r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+.-]*)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S
)
_PYTHON_TAGS = {"", "python", "python3", "py", "py3"}
_DEFINES = re.compile(
    r"^(?:def |async def |class |import |from \S+ import |@|[A-Za-z_]\w*\s*=)", re.M
)
_CODE_START = re.compile(r"^(?:def |async def |class |import |from \S+ import |@)", re.M)
_MAX_TRIMMED_LINES = 50


def extract_code(answer: str) -> str:
    """The Python code in ``answer`` (see the module docstring); ``""`` when there is none."""
    if not isinstance(answer, str):
        raise TypeError(f"answer must be a string, got {type(answer).__name__}")
    blocks = [
        body
        for _, tag, body in _FENCE.findall(answer)
        if tag.lower() in _PYTHON_TAGS and body.strip()
    ]
    if blocks:
        if len(blocks) == 1:
            return _tidy(blocks[0])
        defining = [block for block in blocks if _DEFINES.search(block)]
        return _tidy("\n\n".join(defining) if defining else blocks[0])
    return _tidy(_bare_code(answer))


def _bare_code(text: str) -> str:
    if _compiles(text):
        return text
    start = _CODE_START.search(text)
    if start is None:
        return ""  # prose
    lines = text[start.start() :].splitlines()
    for _ in range(min(_MAX_TRIMMED_LINES, len(lines))):
        candidate = "\n".join(lines)
        if _compiles(candidate):
            return candidate
        lines.pop()
    return text[start.start() :]


def _compiles(source: str) -> bool:
    try:
        compile(source, "<answer>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _tidy(code: str) -> str:
    return code.strip("\n").rstrip() + "\n" if code.strip() else ""
