"""The package PDF's layout, read from WeasyPrint's own boxes: every figure lies inside the page."""

from __future__ import annotations

import pytest

from api.packages.data import package_data
from api.packages.pdf import render_html
from tests.api.packages.conftest import PERIOD, TODAY

A4_WIDTH_PX, A4_HEIGHT_PX = 210 / 25.4 * 96, 297 / 25.4 * 96  # CSS pixels (96 per inch)
MARGIN_PX = {"top": 18 / 25.4 * 96, "right": 16 / 25.4 * 96, "bottom": 20 / 25.4 * 96, "left": 16 / 25.4 * 96}


def _figures(document):  # type: ignore[no-untyped-def]
    """(page number, x, y, width, height) of every image box, in CSS pixels from the page's corner."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    found = []
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            if isinstance(box, ReplacedBox):
                found.append((number, box.border_box_x(), box.border_box_y(), box.border_width(),
                              box.border_height()))
    return found


@pytest.mark.usefixtures("quarter_reports")
def test_every_figure_lies_inside_the_pages_printable_area(session) -> None:  # type: ignore[no-untyped-def]
    from weasyprint import HTML

    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    document = HTML(string=render_html(data, kommun_name="Örebro")).render()
    page = document.pages[0]
    assert (round(page.width, 1), round(page.height, 1)) == (round(A4_WIDTH_PX, 1), round(A4_HEIGHT_PX, 1))
    figures = _figures(document)
    # Two maps (hotspots, density) and one trend chart per category with reports: klotter, skadegörelse.
    assert len(figures) == 4
    left, top = MARGIN_PX["left"], MARGIN_PX["top"]
    right, bottom = A4_WIDTH_PX - MARGIN_PX["right"], A4_HEIGHT_PX - MARGIN_PX["bottom"]
    for number, x, y, width, height in figures:
        assert width > 50 and height > 50, (number, width, height)  # drawn, not collapsed
        assert left - 0.5 <= x and x + width <= right + 0.5, (number, x, width)
        assert top - 0.5 <= y and y + height <= bottom + 0.5, (number, y, height)
