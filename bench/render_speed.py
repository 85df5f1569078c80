"""Rendering throughput: a warm page pool vs a browser launched per page, in one run.

    .venv/bin/python bench/render_speed.py [--pages 24] [--launch-pages 6]

Pages are the ground truths of the bundled frontend tasks (data/colbench/frontend/*.jsonl) when
they exist, else a few inline Tailwind pages. Every mode renders full-page PNGs offline exactly as
the reward and the simulator do. Modes:

* ``warm pool x1``          one pool page, pages rendered one after another
* ``warm pool x2``          two pool pages, pages submitted together (``render_many``)
* ``warm x1 + features``    as x1, also reading DOM features (the oracle's path)
* ``warm x1, full css``     as x1 with the Tailwind purge off (the whole 2.9 MB stylesheet)
* ``launch per page``       a fresh browser for each page (``render_once``)

Prints a markdown table (pages/s, ms/page) to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.colbench.evaluation.render import RenderConfig, Renderer, render_once
from training.paths import bundled_tasks_dir

TW2 = (
    '<link rel="stylesheet" '
    'href="https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css">'
)
INLINE_PAGES = [
    f"""<html><head>{TW2}</head><body class="bg-gray-50 font-sans">
<nav class="bg-indigo-700 text-white px-8 py-4 flex justify-between"><b>Lumen</b>
<div class="space-x-6"><a>Home</a><a>Pricing</a><a>Docs</a></div></nav>
<section class="text-center py-20"><h1 class="text-5xl font-extrabold">Light up your data</h1>
<p class="mt-4 text-gray-600 text-xl">Dashboards in minutes.</p>
<button class="mt-8 bg-indigo-600 text-white px-6 py-3 rounded-lg">Start</button></section>
<section class="grid grid-cols-3 gap-8 px-16 pb-16">{
        "".join(
            f'<div class="bg-white shadow rounded-xl p-6"><img src="https://placehold.co/400x240">'
            f'<h3 class="mt-4 text-xl font-semibold">Feature {i}</h3>'
            f'<p class="text-gray-500">Short text about feature {i}.</p></div>'
            for i in range(6)
        )
    }</section><footer class="bg-gray-900 text-gray-400 p-8 text-center">© Lumen</footer>
</body></html>""",
    f"""<html><head>{TW2}</head><body class="bg-gray-900 text-gray-100">
<header class="flex items-center justify-between p-6"><h1 class="text-3xl">Trailhead</h1>
<nav class="space-x-4"><a>Tours</a><a>Gear</a><a>About</a></nav></header>
<div class="flex"><aside class="w-64 bg-gray-800 min-h-screen p-6">{
        "".join(f'<p class="py-2">Region {i}</p>' for i in range(8))
    }</aside><main class="flex-1 p-8 grid grid-cols-2 gap-6">{
        "".join(
            f'<div class="bg-gray-700 rounded p-4"><img src="https://picsum.photos/500/300">'
            f'<h2 class="text-2xl mt-2">Trail {i}</h2></div>'
            for i in range(4)
        )
    }</main></div></body></html>""",
    """<html><head><script src="https://cdn.tailwindcss.com"></script></head>
<body class="bg-amber-50"><div class="max-w-3xl mx-auto p-10">
<h1 class="text-4xl font-serif text-amber-900">Grandma's Recipes</h1>
<ul class="mt-6 space-y-3 list-disc pl-6 text-lg">
<li>Apple pie</li><li>Plum cake</li><li>Bread</li></ul>
<img class="mt-8 rounded-2xl" src="https://placehold.co/700x350"></div></body></html>""",
    f"""<html><head>{TW2}</head><body class="bg-white">
<div class="bg-green-600 text-white text-center py-3">Free shipping this week</div>
<div class="container mx-auto p-8 flex gap-10"><img src="https://placehold.co/500x500">
<div><h1 class="text-4xl font-bold">Walnut Chair</h1><p class="text-2xl text-green-700 mt-2">
$240</p><p class="mt-6 text-gray-600 leading-relaxed">{"Solid walnut, hand finished. " * 12}
</p><button class="mt-8 bg-black text-white px-8 py-3">Add to cart</button></div></div>
</body></html>""",
]


def bundled_pages() -> list[str]:
    folder = bundled_tasks_dir() / "frontend"
    if not folder.is_dir():
        return []
    from training.colbench.tasks import load_tasks

    pages: list[str] = []
    for path in sorted(folder.glob("*.jsonl")):
        pages.extend(task.ground_truth for task in load_tasks(path))
    return pages


def run_sequential(renderer: Renderer, pages: list[str], *, features: bool = False) -> float:
    started = time.perf_counter()
    for html in pages:
        renderer.render(html, features=features)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24, help="pages per warm mode")
    parser.add_argument("--launch-pages", type=int, default=6, help="pages for launch-per-page")
    args = parser.parse_args()

    source = bundled_pages()
    label = "bundled frontend ground truths" if source else "inline Tailwind pages"
    source = source or INLINE_PAGES
    pages = [source[i % len(source)] for i in range(args.pages)]
    launch_pages = pages[: args.launch_pages]
    config = RenderConfig(pool_size=1, cache_size=0)  # measure renders, not cache hits
    rows: list[tuple[str, int, float]] = []

    with Renderer(config) as warm:
        warm.render(pages[0])  # first use: V8 and style caches, stylesheet parse
        rows.append(("warm pool x1", len(pages), run_sequential(warm, pages)))
        rows.append(("warm x1 + features", len(pages), run_sequential(warm, pages, features=True)))
    with Renderer(replace(config, purge_tailwind=False)) as full_css:
        full_css.render(pages[0])
        rows.append(("warm x1, full css", len(pages), run_sequential(full_css, pages)))
    with Renderer(replace(config, pool_size=2)) as pool:
        pool.render_many(pages[:2])
        started = time.perf_counter()
        results = pool.render_many(pages)
        failures = [r for r in results if isinstance(r, Exception)]
        if failures:
            raise SystemExit(f"render failures: {failures[:3]}")
        rows.append(("warm pool x2", len(pages), time.perf_counter() - started))
    started = time.perf_counter()
    for html in launch_pages:
        render_once(html, config)
    rows.append(("launch per page", len(launch_pages), time.perf_counter() - started))

    load = os.getloadavg()[0]
    print(f"pages: {label} ({len(source)} distinct); {os.cpu_count()} cores, load {load:.1f}")
    print("| mode | pages | pages/s | ms/page |")
    print("| --- | ---: | ---: | ---: |")
    for mode, count, seconds in rows:
        print(f"| {mode} | {count} | {count / seconds:.2f} | {1000 * seconds / count:.0f} |")
    warm_rate = rows[0][1] / rows[0][2]
    launch_rate = rows[-1][1] / rows[-1][2]
    print(f"\nwarm x1 / launch per page: {warm_rate / launch_rate:.1f}x")
    sizes = [len(p) for p in source]
    print(f"page sizes: median {statistics.median(sizes):.0f} chars")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
