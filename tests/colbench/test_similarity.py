"""Screenshot similarity: the offline metrics' identities and ordering, metric labelling, local
CLIP loading."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from training.colbench.evaluation.similarity import (
    CLIP_ENV_VAR,
    OFFLINE_METRIC,
    OFFLINE_V1,
    OFFLINE_V2,
    ClipImageScorer,
    MetricMismatch,
    OfflineV1Scorer,
    OfflineV2Scorer,
    SimilarityScore,
    load_scorer,
    mean_score,
    page_similarity,
    scorer_for_metric,
)

OFFLINE_SCORERS = [OfflineV1Scorer, OfflineV2Scorer]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _page(background="white", nav="#1e3a8a", cards=3, height=1200) -> bytes:
    """A page-like picture: a nav strip, a heading bar and a row of cards."""
    image = Image.new("RGB", (1280, height), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1280, 64), fill=nav)
    draw.rectangle((80, 140, 900, 200), fill="#111827")
    width = (1280 - 80 * 2 - 40 * (cards - 1)) // cards
    for i in range(cards):
        left = 80 + i * (width + 40)
        draw.rectangle((left, 300, left + width, 700), fill="#e5e7eb")
        draw.rectangle((left + 20, 320, left + width - 20, 480), fill="#9ca3af")
    return _png(image)


BLANK = _png(Image.new("RGB", (1280, 800), "white"))
V1_PAGE_VS_DARK = 0.4123069352703752
V1_PAGE_VS_BLANK = 0.7249604516978352


@pytest.mark.parametrize("scorer_class", OFFLINE_SCORERS)
def test_offline_metric_is_one_for_identical_images(scorer_class):
    page = _page()
    scorer = scorer_class()
    assert scorer.score(page, page) == SimilarityScore(1.0, scorer.metric)


@pytest.mark.parametrize("scorer_class", OFFLINE_SCORERS)
def test_offline_metric_is_symmetric_and_in_unit_range(scorer_class):
    scorer = scorer_class()
    a, b = _page(), _page(background="#1f2937", nav="#991b1b", cards=2)
    forward, backward = scorer.score(a, b), scorer.score(b, a)
    assert forward.value == pytest.approx(backward.value)
    assert 0.0 <= forward.value <= 1.0


@pytest.mark.parametrize("scorer_class", OFFLINE_SCORERS)
def test_offline_metric_ranks_a_blank_page_below_a_near_copy(scorer_class):
    scorer = scorer_class()
    target = _page()
    near_copy = _page(nav="#1e40af")  # a slightly different blue
    other_layout = _page(cards=1)
    dark = _page(background="#111827", nav="#000000")
    near, layout, blank = (scorer.score(target, x) for x in (near_copy, other_layout, BLANK))
    assert near > layout > blank
    assert scorer.score(target, dark) < near


def test_offline_v2_scores_a_blank_page_below_half_against_a_rich_one():
    assert OfflineV2Scorer().score(BLANK, _page()).value < 0.5


def test_offline_v2_gives_no_coverage_or_structure_credit_to_a_blank_page():
    terms = OfflineV2Scorer().components(BLANK, _page())
    assert terms["coverage"] == 0.0
    assert terms["structure"] < 0.05


def test_offline_v2_scores_a_small_edit_above_a_different_page():
    scorer = OfflineV2Scorer()
    target = _page()
    small_edit = _page(nav="#b91c1c")  # one colour changed
    different = _page(background="#1f2937", nav="#991b1b", cards=2, height=900)
    assert scorer.score(small_edit, target) > scorer.score(different, target)


def test_offline_v1_reproduces_its_recorded_values():
    """offline-v1 must not drift: these are the values the original implementation gave."""
    scorer = scorer_for_metric(OFFLINE_V1)
    other = _page(background="#1f2937", nav="#991b1b", cards=2)
    assert scorer.score(_page(), other).value == pytest.approx(V1_PAGE_VS_DARK, abs=1e-12)
    assert scorer.score(_page(), BLANK).value == pytest.approx(V1_PAGE_VS_BLANK, abs=1e-12)


def test_scores_name_their_metric():
    for scorer, name in ((OfflineV1Scorer(), "offline-v1"), (OfflineV2Scorer(), "offline-v2")):
        score = scorer.score(_page(), BLANK)
        assert score.metric == scorer.metric == name
        assert str(score).endswith(f"({name})")


def test_offline_metrics_are_looked_up_by_name():
    assert isinstance(scorer_for_metric(OFFLINE_V1), OfflineV1Scorer)
    assert isinstance(scorer_for_metric(OFFLINE_V2), OfflineV2Scorer)
    with pytest.raises(ValueError, match="unknown offline similarity metric 'offline-v9'"):
        scorer_for_metric("offline-v9")


def test_scores_of_v1_and_v2_do_not_mix():
    v1 = OfflineV1Scorer().score(_page(), BLANK)
    v2 = OfflineV2Scorer().score(_page(), BLANK)
    with pytest.raises(MetricMismatch):
        _ = v1 < v2


def test_comparing_scores_of_different_metrics_raises():
    offline = SimilarityScore(0.5, OFFLINE_METRIC)
    clip = SimilarityScore(0.7, "clip:clip-vit-base-patch32")
    with pytest.raises(MetricMismatch):
        _ = offline < clip
    with pytest.raises(MetricMismatch):
        _ = offline == clip
    with pytest.raises(MetricMismatch):
        _ = clip - offline


def test_averaging_scores_of_different_metrics_raises():
    scores = [SimilarityScore(0.5, OFFLINE_METRIC), SimilarityScore(0.7, "clip:x")]
    with pytest.raises(MetricMismatch):
        mean_score(scores)
    assert mean_score(scores[:1] * 2) == SimilarityScore(0.5, OFFLINE_METRIC)


def test_offline_v2_is_the_default_without_a_clip_path(monkeypatch):
    monkeypatch.delenv(CLIP_ENV_VAR, raising=False)
    assert OFFLINE_METRIC == OFFLINE_V2
    assert load_scorer().metric == OFFLINE_V2
    assert load_scorer(offline_metric=OFFLINE_V1).metric == OFFLINE_V1


def test_configured_clip_path_without_a_checkpoint_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(CLIP_ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="no CLIP checkpoint"):
        load_scorer()


@pytest.mark.parametrize("scorer_class", OFFLINE_SCORERS)
def test_scorer_rejects_inputs_that_are_not_images(scorer_class):
    with pytest.raises(TypeError, match="expected PNG bytes"):
        scorer_class().score("not an image", BLANK)


@pytest.fixture(scope="module")
def tiny_clip_dir(tmp_path_factory):
    """A randomly initialised CLIP with ViT-B/32's structure at toy size, saved like a real one."""
    import torch
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel

    torch.manual_seed(0)
    config = CLIPConfig(
        text_config=dict(
            vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
            num_attention_heads=4, max_position_embeddings=16, bos_token_id=0, eos_token_id=1,
            pad_token_id=1,
        ),
        vision_config=dict(
            hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            image_size=64, patch_size=16,
        ),
        projection_dim=16,
    )  # fmt: skip
    path = tmp_path_factory.mktemp("models") / "tiny-clip"
    CLIPModel(config).save_pretrained(path)
    CLIPImageProcessorPil(
        size={"shortest_edge": 64}, crop_size={"height": 64, "width": 64}
    ).save_pretrained(path)
    return path


def test_clip_scorer_loads_a_local_checkpoint_named_by_the_env_var(monkeypatch, tiny_clip_dir):
    monkeypatch.setenv(CLIP_ENV_VAR, str(tiny_clip_dir))
    scorer = load_scorer()
    assert isinstance(scorer, ClipImageScorer)
    assert scorer.metric == "clip:tiny-clip"
    page = _page()
    assert scorer.score(page, page).value == pytest.approx(1.0, abs=1e-6)
    noise = np.random.default_rng(0).integers(0, 256, (800, 1280, 3), dtype=np.uint8)
    assert scorer.score(page, _png(Image.fromarray(noise))).value < 0.999


def test_clip_embeddings_are_unit_vectors_and_cached(tiny_clip_dir):
    scorer = ClipImageScorer(tiny_clip_dir)
    first = scorer.embed(_page())
    assert np.linalg.norm(first) == pytest.approx(1.0)
    assert scorer.embed(_page()) is first


@pytest.fixture(scope="module")
def renderer():
    from training.colbench.evaluation.render import RenderConfig, Renderer

    if not Path(RenderConfig().chromium_path).exists():
        pytest.skip("Chromium is not installed")
    with Renderer(RenderConfig(load_timeout_s=5, max_html_bytes=50_000, pool_size=1)) as shared:
        yield shared


TARGET_HTML = (
    '<html><body style="margin:0;background:#1f2937"><nav style="height:64px;background:#1e3a8a">'
    '</nav><h1 style="color:white;font-size:48px">Hello</h1></body></html>'
)


@pytest.mark.browser
def test_page_similarity_is_one_for_the_hidden_page_itself(renderer):
    scorer = OfflineV2Scorer()
    score = page_similarity(TARGET_HTML, TARGET_HTML, renderer=renderer, scorer=scorer)
    assert score == SimilarityScore(1.0, OFFLINE_V2)


@pytest.mark.browser
def test_page_similarity_is_zero_without_a_usable_page(renderer):
    scorer = OfflineV2Scorer()
    for agent_html in (None, "", "<html>" + "x" * 60_000 + "</html>"):
        assert page_similarity(agent_html, TARGET_HTML, renderer=renderer, scorer=scorer) == (
            SimilarityScore(0.0, OFFLINE_V2)
        )


@pytest.mark.browser
def test_page_similarity_ranks_a_blank_page_below_a_close_one(renderer):
    scorer = OfflineV2Scorer()
    close = TARGET_HTML.replace("Hello", "Hello there")
    blank = "<html><body></body></html>"
    near = page_similarity(close, TARGET_HTML, renderer=renderer, scorer=scorer)
    far = page_similarity(blank, TARGET_HTML, renderer=renderer, scorer=scorer)
    assert far < near
    assert 0.0 < far.value < near.value < 1.0
