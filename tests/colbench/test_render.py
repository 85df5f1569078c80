"""Offline rendering: routing, Tailwind, placeholder images, screenshot geometry, hostile pages."""

from __future__ import annotations

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from training.colbench.evaluation import offline_assets
from training.colbench.evaluation.colors import color_name, parse_css_color
from training.colbench.evaluation.offline_assets import VendorAssetsMissing, classify
from training.colbench.evaluation.placeholder_image import placeholder_size
from training.colbench.evaluation.render import (
    HtmlTooLarge,
    RenderConfig,
    Renderer,
    RenderError,
    RenderTimeout,
    extract_html,
)
from training.colbench.evaluation.tailwind_purge import PurgeableStylesheet, load_stylesheet

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(RenderConfig().chromium_path).exists(), reason="Chromium is not installed"
    ),
]

TW2 = (
    '<head><link rel="stylesheet" '
    'href="https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css"></head>'
)
# Short timeouts keep the hostile-page tests quick; still generous for a busy 2-core machine.
CONFIG = RenderConfig(
    load_timeout_s=5.0, script_timeout_s=3.0, screenshot_timeout_s=5.0, max_html_bytes=200_000
)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(CONFIG) as shared:
        yield shared


def test_extract_html_returns_the_snippet_with_its_tags():
    text = "Here it is:\n```html\n<html><body><p>hi</p></body></html>\n```\nThanks"
    assert extract_html(text) == "<html><body><p>hi</p></body></html>"


def test_extract_html_is_none_without_a_complete_snippet():
    assert extract_html("I will write <html><body> soon") is None
    assert extract_html("no page here") is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css", "tailwind-css"),
        ("https://cdn.jsdelivr.net/npm/tailwindcss@2.0.2/dist/tailwind.css", "tailwind-css"),
        ("https://unpkg.com/tailwindcss@^2/dist/tailwind.min.css", "tailwind-css"),
        ("https://cdnjs.cloudflare.com/ajax/libs/tailwindcss/2.2.19/tailwind.css", "tailwind-css"),
        ("https://cdn.jsdelivr.net/npm/tailwindcss@3.4.1/dist/tailwind.min.css", "blocked"),
        ("https://cdn.tailwindcss.com/?plugins=forms", "tailwind-browser"),
        ("https://cdn.jsdelivr.net/npm/@tailwindcss/browser@4", "tailwind-browser"),
        ("https://placehold.co/600x400", "placeholder-image"),
        ("https://picsum.photos/id/237/200/300", "placeholder-image"),
        ("https://fonts.googleapis.com/css2?family=Inter", "blocked"),
        ("https://example.com/app.js", "blocked"),
    ],
)
def test_requests_are_classified_for_offline_answers(url, kind):
    assert classify(url).kind == kind


@pytest.mark.parametrize(
    ("url", "size"),
    [
        ("https://placehold.co/600x400/png?text=Hi", (600, 400)),
        ("https://via.placeholder.com/150", (150, 150)),
        ("https://picsum.photos/200/300", (200, 300)),
        ("https://picsum.photos/id/237/250", (250, 250)),
        ("https://source.unsplash.com/random/800x600/?city", (800, 600)),
        ("https://images.unsplash.com/photo-1?w=640&h=360&fit=crop", (640, 360)),
        ("https://dummyimage.com/300x99999", (300, 4000)),
    ],
)
def test_placeholder_size_is_read_from_the_url(url, size):
    assert placeholder_size(url) == size


def test_missing_vendor_files_say_to_run_make_vendor(monkeypatch, tmp_path):
    monkeypatch.setattr(offline_assets, "TAILWIND_CSS", tmp_path / "nope" / "tailwind.min.css")
    with pytest.raises(VendorAssetsMissing, match="make vendor"):
        offline_assets.check_vendor_assets()


def test_purging_keeps_every_rule_when_every_class_is_used():
    css = offline_assets.TAILWIND_CSS.read_text()
    sheet = load_stylesheet(offline_assets.TAILWIND_CSS)  # parsed once, shared with the renderer
    every_class = " ".join(c for rule in sheet.rules for need in rule.needs or () for c in need)
    assert sheet.purge(every_class) == css


def test_purging_keeps_used_responsive_and_hover_rules_and_drops_unused_ones():
    sheet = PurgeableStylesheet(
        ".a{x:1}.b{x:2}@media (min-width:768px){.md\\:a{x:3}.b{x:4}}"
        ".hover\\:a:hover{x:5}.c>:not(.d)~:not(.d){x:6}*{y:0}"
    )
    assert sheet.purge('<div class="a md:a hover:a c">') == (
        ".a{x:1}@media (min-width:768px){.md\\:a{x:3}}.hover\\:a:hover{x:5}"
        ".c>:not(.d)~:not(.d){x:6}*{y:0}"
    )


def test_external_requests_are_aborted_and_logged(renderer):
    html = (
        '<html><head><script src="https://example.com/app.js"></script>'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter"></head>'
        "<body><h1>offline</h1></body></html>"
    )
    result = renderer.render(html)
    assert set(result.blocked) == {
        "https://example.com/app.js",
        "https://fonts.googleapis.com/css2?family=Inter",
    }
    assert result.width == CONFIG.viewport_width


def test_tailwind_2_stylesheet_link_applies_its_classes(renderer):
    html = f'<html>{TW2}<body class="bg-gray-900"><p class="text-4xl">x</p></body></html>'
    result = renderer.render(html, features=True)
    assert "tailwind-css" in result.served
    assert parse_css_color(result.features.body_background).hex() == "#111827"
    assert result.features.mean_font_size == 36.0


def test_tailwind_cdn_script_applies_its_classes(renderer):
    html = (
        '<html><head><script src="https://cdn.tailwindcss.com"></script></head>'
        '<body class="bg-blue-900"><p class="text-white">x</p></body></html>'
    )
    result = renderer.render(html, features=True)
    assert "tailwind-browser" in result.served
    # Tailwind v4 reports oklch(); it is parsed, not string-compared.
    assert color_name(parse_css_color(result.features.body_background)) == "dark blue"


def test_purged_and_full_stylesheets_render_identical_pixels(renderer):
    html = (
        f'<html>{TW2}<body class="bg-gray-100"><nav class="bg-indigo-700 p-4 text-white '
        'flex justify-between"><b>Brand</b><a class="hover:underline">Link</a></nav>'
        '<main class="container mx-auto grid md:grid-cols-3 gap-6 p-8">'
        '<div class="bg-white shadow-lg rounded-xl p-6"><h2 class="text-2xl font-bold">A</h2>'
        '<p class="text-gray-600 mt-2">Some text</p></div><div class="bg-white p-6 ring-2">B</div>'
        '<button class="bg-green-500 text-white px-4 py-2 rounded-full">Go</button></main>'
        "</body></html>"
    )
    with Renderer(replace(CONFIG, purge_tailwind=False, pool_size=1)) as full:
        reference = full.render(html)
    assert renderer.render(html).png == reference.png


def test_placeholder_images_load_at_the_requested_size(renderer):
    html = (
        '<html><body><img src="https://placehold.co/300x200">'
        '<img src="https://picsum.photos/120/80"></body></html>'
    )
    result = renderer.render(html, features=True)
    images = result.features.images
    assert [image.loaded for image in images] == [True, True]  # not broken-image icons
    assert [image.box[2:] for image in images] == [(300, 200), (120, 80)]


def test_same_page_renders_to_identical_bytes_on_every_pool_page(renderer):
    html = (
        f'<html>{TW2}<body class="bg-yellow-50 p-8"><h1 class="text-3xl font-serif">Menu</h1>'
        '<img class="rounded-xl mt-4" src="https://placehold.co/400x200"></body></html>'
    )
    # A distinct comment per render defeats the render cache; the pixels must not change.
    renders = [renderer.render(f"<!-- {i} -->{html}") for i in range(CONFIG.pool_size + 1)]
    assert not any(r.from_cache for r in renders)
    assert len({r.png for r in renders}) == 1


def test_short_page_screenshot_is_exactly_the_viewport(renderer):
    result = renderer.render("<html><body><p>short</p></body></html>")
    image = Image.open(io.BytesIO(result.png))
    assert image.size == (result.width, result.height) == (1280, 800)
    assert not result.truncated


def test_tall_page_screenshot_is_cut_at_max_height(renderer):
    html = '<html><body style="margin:0"><div style="height:9000px;background:red"></div></body>'
    result = renderer.render(html + "</html>")
    assert (result.width, result.height) == (1280, CONFIG.max_height)
    assert result.truncated and result.full_height == 9000


def test_oversized_html_is_rejected_with_a_clear_error(renderer):
    with pytest.raises(HtmlTooLarge, match="200,000 bytes"):
        renderer.render("<html><body>" + "x" * 300_000 + "</body></html>")


def test_non_string_page_is_rejected(renderer):
    with pytest.raises(RenderError, match="expected the page as a str"):
        renderer.render(b"<html></html>")  # type: ignore[arg-type]


def test_endless_script_times_out_and_the_pool_keeps_working(renderer):
    with pytest.raises(RenderTimeout, match="did not finish loading") as caught:
        renderer.render("<html><body><script>while (true) {}</script></body></html>")
    assert caught.value.reason == "load-timeout"
    assert renderer.render("<html><body>fine</body></html>").height == 800


def test_page_that_hangs_after_load_times_out_and_the_pool_keeps_working(renderer):
    hang = (
        "<html><body>x<script>addEventListener('load', () => "
        "setTimeout(() => { while (true) {} }, 0))</script></body></html>"
    )
    with pytest.raises(RenderTimeout) as caught:
        renderer.render(hang)
    assert caught.value.reason in ("script-timeout", "screenshot-timeout")
    assert renderer.render("<html><body>fine</body></html>").height == 800


def test_timers_of_a_previous_page_do_not_reach_the_next(renderer):
    paint_red = (
        "<html><body><script>setInterval(() => "
        "{ document.body.style.background = 'red' }, 5)</script></body></html>"
    )
    for i in range(CONFIG.pool_size):  # every pool page runs the timer
        renderer.render(f"<!-- {i} -->{paint_red}")
    for i in range(CONFIG.pool_size):
        plain = renderer.render(f"<!-- {i} --><html><body>plain</body></html>", features=True)
        assert not plain.from_cache
        assert plain.features.body_background == ""  # transparent: nothing painted it


def test_threads_can_render_concurrently(renderer):
    pages = [f"<html><body><h1>page {i}</h1></body></html>" for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda html: renderer.render(html, features=True), pages))
    assert [r.features.headings[0].text for r in results] == [f"page {i}" for i in range(4)]


async def test_arender_does_not_block_the_calling_event_loop(renderer):
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    result = await renderer.arender("<html><body><h1>async</h1></body></html>")
    task.cancel()
    assert result.height == 800
    assert ticks > 0


def test_render_many_returns_errors_in_place(renderer):
    results = renderer.render_many(["<html><body>a</body></html>", "x" * 300_000])
    assert results[0].height == 800
    assert isinstance(results[1], HtmlTooLarge)


def test_save_writes_the_png_and_its_metadata(renderer, tmp_path):
    result = renderer.render('<html><body><img src="https://placehold.co/10x10"></body></html>')
    png_path = result.save(tmp_path)
    assert png_path.read_bytes() == result.png
    meta = json.loads(png_path.with_suffix(".json").read_text())
    assert meta["html_sha1"] == result.html_sha1
    assert meta["served"] == ["placeholder-image"]


def test_renderer_recovers_when_the_browser_goes_away(renderer):
    # Fault injection: close the browser under the renderer, as a crash would.
    renderer._submit(renderer._engine._browser.close()).result(timeout=30)
    result = renderer.render("<html><body><h1>after</h1></body></html>", features=True)
    assert result.features.headings[0].text == "after"


def test_repeated_page_comes_from_the_cache_unless_features_are_newly_asked(renderer):
    html = "<html><body><h2>cached</h2></body></html>"
    first, second = renderer.render(html), renderer.render(html)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.png == first.png
    with_features = renderer.render(html, features=True)
    assert not with_features.from_cache and with_features.features.headings[0].text == "cached"
    assert renderer.render(html).features is not None  # the richer render now answers


@pytest.mark.parametrize(
    "leave",
    [
        '<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">',
        "<script>setTimeout(() => { location.href = 'https://elsewhere.example/' }, 10)</script>",
    ],
)
def test_page_that_tries_to_navigate_away_renders_itself(renderer, leave):
    html = f"<html><head>{leave}</head><body><h1>stay</h1></body></html>"
    result = renderer.render(html, features=True)
    assert result.blocked == ("https://elsewhere.example/",)
    assert [h.text for h in result.features.headings] == ["stay"]
