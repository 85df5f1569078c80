"""How well an offline similarity metric orders answers of known quality against a hidden page.

    .venv/bin/python bench/similarity_quality.py [--metrics offline-v1 offline-v2] [--renders DIR]

For every bundled frontend ground truth (data/colbench/frontend/*.jsonl) the target is compared
with four classes of candidate page, each rendered offline exactly as the reward renders them:

* ``a  identical``     the target itself (must score 1.0);
* ``b  perturbed``     small edits of the target's HTML: one background-colour class swapped to
                       another hue, one ``<section>`` removed, the first heading two sizes smaller;
* ``c  other page``    three other bundled pages (the next three in file order);
* ``d  degenerate``    a blank page, and a page with only the target's title as a heading.

A metric that is useful as a reward scores a > b > c > d. The script reports, per metric, the mean
score of each class and the ordering accuracy: the fraction of targets where
mean(b) > mean(c) > mean(d) (and, separately, b > c and c > d), over all pages and over the
``test`` split alone (the v2 weights were chosen looking at all pages; the test split is not held
out from that choice, it is reported so a reader can see the spread between subsets). It also
times one score. Renders are cached as PNGs in ``--renders`` (default ``var/bench/similarity``),
so a second run only scores.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.colbench.evaluation.similarity import scorer_for_metric
from training.colbench.tasks import load_tasks
from training.paths import bundled_tasks_dir

TW2 = (
    '<link rel="stylesheet" '
    'href="https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css">'
)
HUES = ["red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"]
TEXT_SIZES = ["text-xl", "text-2xl", "text-3xl", "text-4xl", "text-5xl", "text-6xl", "text-7xl"]
TEXT_SIZES += ["text-8xl", "text-9xl"]


def swap_one_colour(html: str) -> str | None:
    """Every use of the first coloured background class, in another hue (``bg-yellow-900`` ->
    ``bg-blue-900``)."""
    match = re.search(r"\bbg-(red|yellow|green|blue|indigo|purple|pink|gray)-(\d{2,3})\b", html)
    if match is None:
        return None
    hue, shade = match.groups()
    other = HUES[(HUES.index(hue) + 3) % len(HUES)]
    return re.sub(rf"\bbg-{hue}-{shade}\b", f"bg-{other}-{shade}", html)


def remove_one_section(html: str) -> str | None:
    """The page without its second ``<section>`` (the first is usually the hero)."""
    starts = [m.start() for m in re.finditer(r"<section\b", html)]
    if len(starts) < 2:
        return None
    end = html.find("</section>", starts[1])
    if end < 0:
        return None
    return html[: starts[1]] + html[end + len("</section>") :]


def shrink_heading(html: str) -> str | None:
    """The first heading's text size two steps smaller (``text-6xl`` -> ``text-4xl``)."""
    match = re.search(r"<h[1-3][^>]*\b(text-\dxl)\b", html)
    if match is None:
        return None
    size = match.group(1)
    smaller = TEXT_SIZES[max(TEXT_SIZES.index(size) - 2, 0)]
    start, end = match.span(1)
    return html[:start] + smaller + html[end:]


def heading_only(html: str) -> str:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    text = title.group(1).strip() if title else "Welcome"
    return (
        f'<html><head>{TW2}</head><body><h1 class="text-4xl font-bold p-8">{text}</h1>'
        "</body></html>"
    )


BLANK = "<html><body></body></html>"


PERTURBATIONS = {"colour": swap_one_colour, "section": remove_one_section,
                 "heading": shrink_heading}  # fmt: skip


def candidate_pages(targets: list[str]) -> list[dict[str, list[str]]]:
    """Per target, the HTML of each class of candidate (``b:<kind>`` holds each perturbation
    alone as well, for the per-kind table)."""
    out = []
    for i, target in enumerate(targets):
        case = {"a": [target], "b": []}
        for kind, perturb in PERTURBATIONS.items():
            if (page := perturb(target)) is not None and page != target:
                case["b"].append(page)
                case[f"b:{kind}"] = [page]
        case["c"] = [targets[(i + k) % len(targets)] for k in (1, 2, 3)]
        case["d"] = [BLANK, heading_only(target)]
        out.append(case)
    return out


def render_all(pages: set[str], cache: Path) -> dict[str, bytes]:
    """PNG per page, rendered once with one shared renderer and kept in ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    key = {html: hashlib.sha1(html.encode()).hexdigest() for html in pages}
    missing = [html for html in pages if not (cache / f"{key[html]}.png").exists()]
    if missing:
        from training.colbench.evaluation.render import RenderConfig, Renderer

        print(f"rendering {len(missing)} pages into {cache} ...", file=sys.stderr)
        with Renderer(RenderConfig(pool_size=2, cache_size=0)) as renderer:
            for html, result in zip(missing, renderer.render_many(missing), strict=True):
                if isinstance(result, Exception):
                    raise result
                (cache / f"{key[html]}.png").write_bytes(result.png)
    return {html: (cache / f"{key[html]}.png").read_bytes() for html in pages}


def evaluate(metric: str, cases: list[dict[str, list[str]]], pngs: dict[str, bytes], splits):
    scorer = scorer_for_metric(metric)
    rows = []
    started, count = time.perf_counter(), 0
    for case in cases:
        target = pngs[case["a"][0]]
        row = {}
        for name, pages in case.items():
            values = [scorer.score(pngs[p], target).value for p in pages]
            row[name] = statistics.fmean(values)
            count += len(pages)
            if name == "d":
                row["blank"], row["heading-only"] = values
        rows.append(row)
    ms_per_score = 1000 * (time.perf_counter() - started) / count

    def summary(selected):
        n = len(selected)
        return {
            "n": n,
            **{k: statistics.fmean(r[k] for r in selected) for k in "abcd"},
            "b>c>d": sum(r["b"] > r["c"] > r["d"] for r in selected) / n,
            "b>c": sum(r["b"] > r["c"] for r in selected) / n,
            "c>d": sum(r["c"] > r["d"] for r in selected) / n,
            "a>b": sum(r["a"] > r["b"] for r in selected) / n,
        }

    results = {"all": summary(rows)}
    results["per-kind"] = {
        kind: statistics.fmean(r[kind] for r in rows if kind in r)
        for kind in ["b:" + k for k in PERTURBATIONS] + ["blank", "heading-only"]
    }
    results["test"] = summary([r for r, s in zip(rows, splits, strict=True) if s == "test"])
    return results, ms_per_score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", nargs="+", default=["offline-v1", "offline-v2"])
    parser.add_argument("--renders", type=Path, default=Path("var/bench/similarity"))
    args = parser.parse_args()

    tasks = []
    for split in ("train", "test"):
        tasks += load_tasks(bundled_tasks_dir() / "frontend" / f"{split}.jsonl")
    targets = [t.ground_truth for t in tasks]
    splits = [t.split for t in tasks]
    cases = candidate_pages(targets)
    pngs = render_all({p for case in cases for pages in case.values() for p in pages}, args.renders)

    print(f"{len(targets)} targets; candidates per target: 1 identical, "
          f"{statistics.fmean(len(c['b']) for c in cases):.2f} perturbed, 3 other pages, "
          "2 degenerate\n")  # fmt: skip
    print("| metric | pages | a identical | b perturbed | c other page | d blank/heading "
          "| b>c>d | b>c | c>d | ms/score |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    per_kind = {}
    for metric in args.metrics:
        results, ms = evaluate(metric, cases, pngs, splits)
        per_kind[metric] = results.pop("per-kind")
        for subset, r in results.items():
            print(
                f"| {metric} | {subset} ({r['n']}) | {r['a']:.3f} | {r['b']:.3f} | {r['c']:.3f} "
                f"| {r['d']:.3f} | {r['b>c>d']:.0%} | {r['b>c']:.0%} | {r['c>d']:.0%} | {ms:.1f} |"
            )
    kinds = list(next(iter(per_kind.values())))
    print("\nMean score per candidate kind:\n")
    print("| metric | " + " | ".join(kinds) + " |")
    print("| --- |" + " ---: |" * len(kinds))
    for metric, means in per_kind.items():
        print(f"| {metric} | " + " | ".join(f"{means[k]:.3f}" for k in kinds) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
