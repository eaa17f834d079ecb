"""Issue 14 item 8: one name for the coordinator role. DOMAIN.md calls it säkerhetshandläggare; the
role's code stays `analytiker`, but no text a user reads says "analytiker" or "samordnare"."""

from __future__ import annotations

import re
from pathlib import Path

from api.categories.service import SEED_TAXONOMY
from api.exports.csv_export import FREE_TEXT_COLUMNS
from api.users.models import ROLE_LABELS, ROLE_NAMES, Role

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
OTHER_NAMES = re.compile(r"(?i)\b(analytiker\w*|samordnar\w*|EST-samordnar\w*)")
# Jinja code (tags, expressions, comments) may compare the role code "analytiker"; only text counts.
JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)


def _visible_text(path: Path) -> str:
    return JINJA.sub(" ", path.read_text("utf-8"))


def test_templates_use_only_sakerhetshandlaggare():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in OTHER_NAMES.finditer(_visible_text(path))
    ]
    assert found == []


def test_the_scan_would_catch_the_old_names(tmp_path):
    page = tmp_path / "x.html"
    page.write_text('{% if principal.role == "analytiker" %}Granskad av samordnaren{% endif %}', "utf-8")
    assert [m.group(0) for m in OTHER_NAMES.finditer(_visible_text(page))] == ["samordnaren"]


def test_role_label_and_running_text_name():
    assert ROLE_LABELS[Role.analytiker] == "Säkerhetshandläggare"
    assert ROLE_NAMES["analytiker"] == "säkerhetshandläggare"
    texts = [c.description for c in FREE_TEXT_COLUMNS] + [c.help_text for c in SEED_TAXONOMY]
    assert not any(OTHER_NAMES.search(text) for text in texts)
