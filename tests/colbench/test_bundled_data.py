"""The bundled ColBench task files: counts, ids, and frontend pages fit for the offline renderer.

Deep checks (ground truths pass their tests, details matter, guesses fail) belong to
``duet validate-tasks``; these are the fast structural guarantees the rest of Duet relies on.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest

from training.colbench.tasks import Task, load_tasks
from training.paths import REPO_ROOT, bundled_tasks_dir

FRONTEND_AUTHORING = REPO_ROOT / "data" / "colbench" / "authoring" / "frontend.py"
VENDORED_TAILWIND = (
    REPO_ROOT / "vendor" / "node_modules" / "tailwindcss" / "dist" / "tailwind.min.css"
)
TAILWIND_LINK = "https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css"
EXPECTED_COUNTS = {
    ("backend", "train"): 100,
    ("backend", "test"): 20,
    ("frontend", "train"): 30,
    ("frontend", "test"): 10,
}
ID_PATTERNS = {"backend": r"be-{split}-\d{{3}}", "frontend": r"fe-{split}-\d{{3}}"}


@cache
def bundled(kind: str, split: str) -> tuple[Task, ...]:
    return tuple(load_tasks(bundled_tasks_dir() / kind / f"{split}.jsonl", kind=kind))


def frontend_pages() -> list[Task]:
    return [*bundled("frontend", "train"), *bundled("frontend", "test")]


@cache
def frontend_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("duet_authoring_frontend", FRONTEND_AUTHORING)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


class _PageParser(HTMLParser):
    """Collects tags, class attributes, image URLs and script/handler use of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.image_urls: list[str] = []
        self.stylesheets: list[str] = []
        self.scripting: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            self.scripting.append("<script>")
        self.scripting += [f"{name}=" for name in values if name.startswith("on")]
        self.scripting += [
            v for v in values.values() if v.strip().lower().startswith("javascript:")
        ]
        if "class" in values:
            self.classes.append(values["class"])
        if tag == "img":
            self.image_urls.append(values.get("src", ""))
            self.image_urls += [
                part.split()[0] for part in values.get("srcset", "").split(",") if part
            ]
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values.get("href", ""))
        self.image_urls += re.findall(r"url\(['\"]?([^'\")]+)", values.get("style", ""))


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(("kind", "split"), sorted(EXPECTED_COUNTS))
def test_bundled_file_holds_the_expected_number_of_tasks(kind: str, split: str) -> None:
    tasks = bundled(kind, split)
    assert len(tasks) == EXPECTED_COUNTS[kind, split]
    assert {task.split for task in tasks} == {split}
    assert {task.source for task in tasks} == {"duet"}


@pytest.mark.parametrize(("kind", "split"), sorted(EXPECTED_COUNTS))
def test_task_ids_name_their_kind_and_split(kind: str, split: str) -> None:
    pattern = re.compile(ID_PATTERNS[kind].format(split=split))
    assert [task.id for task in bundled(kind, split) if not pattern.fullmatch(task.id)] == []


def test_task_ids_are_unique_across_all_bundled_files() -> None:
    ids = [task.id for kind, split in EXPECTED_COUNTS for task in bundled(kind, split)]
    assert len(ids) == len(set(ids))


def test_every_backend_task_has_ten_distinct_test_calls() -> None:
    for split in ("train", "test"):
        for task in bundled("backend", split):
            calls = list(task.test_cases.values())
            assert len(calls) == 10 and len(set(calls)) == 10, task.id


def test_requests_are_short_openers() -> None:
    """The opening request is vague: a sentence or two, the details stay hidden."""
    for kind, split in EXPECTED_COUNTS:
        for task in bundled(kind, split):
            assert 30 <= len(task.problem_description) <= 300, task.id


def test_frontend_pages_are_full_html_documents() -> None:
    for task in frontend_pages():
        page = task.ground_truth
        assert page.lstrip().lower().startswith("<!doctype html>"), task.id
        tags = parse(page).tags
        assert {"html", "head", "body"} <= set(tags), task.id


def test_frontend_pages_load_tailwind_2_2_19_from_jsdelivr_and_nothing_else() -> None:
    for task in frontend_pages():
        assert parse(task.ground_truth).stylesheets == [TAILWIND_LINK], task.id


def test_frontend_pages_are_styled_with_tailwind_classes() -> None:
    for task in frontend_pages():
        classes = " ".join(parse(task.ground_truth).classes).split()
        assert len(classes) >= 40, task.id
        assert any(re.fullmatch(r"bg-\w+(-\d+)?", name) for name in classes), task.id
        assert any(re.fullmatch(r"text-(xs|sm|lg|\dxl)", name) for name in classes), task.id


def test_frontend_images_come_only_from_placeholder_urls_with_a_pixel_size() -> None:
    allowed = re.compile(frontend_module().PLACEHOLDER_IMAGE_PATTERN)
    urls = {task.id: parse(task.ground_truth).image_urls for task in frontend_pages()}
    assert sum(len(found) for found in urls.values()) >= 100
    bad = {key: [u for u in found if not allowed.fullmatch(u)] for key, found in urls.items()}
    assert {key: found for key, found in bad.items() if found} == {}


def test_frontend_pages_carry_no_javascript() -> None:
    for task in frontend_pages():
        assert parse(task.ground_truth).scripting == [], task.id


def test_frontend_pages_are_between_2_and_8_kb() -> None:
    sizes = {task.id: len(task.ground_truth.encode()) for task in frontend_pages()}
    assert {key: size for key, size in sizes.items() if not 2_000 <= size <= 8_000} == {}


def test_no_two_frontend_pages_share_a_layout() -> None:
    """Pages differ in structure and colour, not only in wording: compare their class skeletons."""
    skeletons = {}
    for task in frontend_pages():
        skeleton = tuple(parse(task.ground_truth).classes)
        assert skeleton not in skeletons, (
            f"{task.id} has the same classes as {skeletons.get(skeleton)}"
        )
        skeletons[skeleton] = task.id


@cache
def tailwind_2_classes() -> frozenset[str]:
    css = VENDORED_TAILWIND.read_text(encoding="utf-8")
    selectors = re.findall(r"\.((?:\\.|[A-Za-z0-9_-])+)", css)
    return frozenset(re.sub(r"\\(.)", r"\1", selector) for selector in selectors)


@pytest.mark.skipif(
    not VENDORED_TAILWIND.is_file(), reason="vendored Tailwind not built (make vendor)"
)
def test_every_frontend_class_exists_in_tailwind_2_2_19() -> None:
    """Tailwind 2 lacks v3 colours (amber, slate...): such a class would render unstyled."""
    known = tailwind_2_classes()
    for task in frontend_pages():
        used = set(" ".join(parse(task.ground_truth).classes).split())
        assert sorted(used - known) == [], task.id


def test_bundled_frontend_files_match_the_authoring_module(tmp_path: Path) -> None:
    module = frontend_module()
    counts = module.build(tmp_path)
    assert counts == {"test": 10, "train": 30}
    for split in ("train", "test"):
        built = (tmp_path / f"{split}.jsonl").read_text(encoding="utf-8")
        shipped = (bundled_tasks_dir() / "frontend" / f"{split}.jsonl").read_text(encoding="utf-8")
        assert built == shipped, (
            f"frontend/{split}.jsonl is stale: run data/colbench/authoring/frontend.py"
        )


def test_frontend_build_rejects_a_duplicate_id() -> None:
    module = frontend_module()
    page = module.PAGES[0]
    with pytest.raises(module.AuthoringError, match="fe-train-001: defined twice"):
        module.collect_tasks([page, page])


def test_frontend_build_rejects_an_id_without_a_split_prefix() -> None:
    module = frontend_module()
    page = {**module.PAGES[0], "id": "landing-1"}
    with pytest.raises(module.AuthoringError, match="must start with one of fe-train-, fe-test-"):
        module.collect_tasks([page])
