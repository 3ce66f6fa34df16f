"""The trend charts stay readable on a 360 px phone: no text smaller than 8 px, none cut off."""

import pytest

from posyandu.laporan.svg import line_chart

pytestmark = pytest.mark.browser
LABELS = [f"2025-{m:02d}" for m in range(1, 13)]


def _text_boxes(browser, width: int, card_px: int) -> tuple[dict, list[dict]]:
    chart = line_chart(
        LABELS,
        [("Stunting %", [20.0] * 12), ("Wasting %", [5.0] * 12), ("Underweight %", [9.9] * 12)],
        title="Gizi",
        y_max=40,
    )
    html = (
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>svg.chart {{ width: 100%; height: auto; display: block; }}</style>"
        f'<div style="width: {card_px}px">{chart}</div>'
    )
    context = browser.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    page.set_content(html)
    svg = page.locator("svg.chart").bounding_box()
    texts = page.eval_on_selector_all(
        "svg.chart text",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.x, right: r.right, height: r.height, text: e.textContent}; })",
    )
    context.close()
    return svg, texts


@pytest.mark.parametrize(("width", "card_px"), [(360, 304), (1280, 560)])
def test_chart_text_is_readable_and_inside(browser, width, card_px):
    svg, texts = _text_boxes(browser, width, card_px)
    assert texts
    small = [t["text"] for t in texts if t["height"] < 8]
    assert small == []
    outside = [t["text"] for t in texts if t["x"] < svg["x"] - 0.5]
    assert outside == []
