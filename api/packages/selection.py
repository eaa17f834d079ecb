"""A package's urval: the areas and categories it is about (empty = the whole kommun, every category).

The urval is validated against the kommun's active areas and counted categories, recorded on the package
row (`filter_json`) and read back from there when the package is generated, so a package regenerated from
its row has the same urval and the same numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from analysis.counts import counted_categories
from api.areas.models import Area
from api.areas.service import active_area_set, load_areas_frame
from api.packages.models import AnalysisPackage
from api.reports.query import categories_frame


@dataclass(frozen=True)
class PackageFilter:
    """Chosen area codes and category codes, sorted; empty tuples mean no restriction."""

    area_codes: tuple[str, ...] = ()
    category_codes: tuple[str, ...] = ()

    def query_filters(self) -> dict[str, tuple[str, ...]]:
        """The filters in ReportQuery's terms, for `package_data`."""
        return {key: value for key, value in (("area_codes", self.area_codes),
                                               ("category_codes", self.category_codes)) if value}

    def as_json(self, period: str) -> str:
        """What the package row records: the period and the urval (Swedish keys, as the audit log)."""
        return json.dumps({"period": period, "omraden": list(self.area_codes),
                           "kategorier": list(self.category_codes)}, ensure_ascii=False)

    def is_empty(self) -> bool:
        return not self.area_codes and not self.category_codes


def filter_of(package: AnalysisPackage) -> PackageFilter:
    """The urval recorded on a package row (rows from before urval existed have none)."""
    recorded = json.loads(package.filter_json or "{}")
    return PackageFilter(tuple(recorded.get("omraden", ())), tuple(recorded.get("kategorier", ())))


def validate_filter(*, session: Session, kommun_code: str, area_codes: list[str],
                    category_codes: list[str]) -> tuple[PackageFilter, dict[str, str]]:
    """The urval, and Swedish errors by form field ("omrade", "kategori") for codes the kommun lacks."""
    errors: dict[str, str] = {}
    areas = load_areas_frame(session=session, kommun_code=kommun_code)
    known_areas = set(areas["area_code"])
    chosen_areas = sorted({code.strip() for code in area_codes if code.strip()})
    unknown = [code for code in chosen_areas if code not in known_areas]
    if unknown:
        errors["omrade"] = f"Okänt område: {', '.join(unknown)}."
    counted = set(counted_categories(categories_frame(session=session, kommun_code=kommun_code)))
    chosen_categories = sorted({code.strip() for code in category_codes if code.strip()})
    unknown = [code for code in chosen_categories if code not in counted]
    if unknown:
        errors["kategori"] = f"Okänd eller ej räknad kategori: {', '.join(unknown)}."
    return PackageFilter(tuple(chosen_areas), tuple(chosen_categories)), errors


def describe(package_filter: PackageFilter, *, area_names: dict[str, str],
             category_names: dict[str, str]) -> str:
    """The urval in Swedish for the PDF and the pages; "" when the package covers everything."""
    parts = []
    if package_filter.area_codes:
        parts.append("områden: " + ", ".join(area_names.get(c, c) for c in package_filter.area_codes))
    if package_filter.category_codes:
        parts.append("kategorier: " + ", ".join(category_names.get(c, c) for c in package_filter.category_codes))
    return "; ".join(parts)


def choices(*, session: Session, kommun_code: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) of the kommun's active areas and counted categories, for the urval form."""
    area_set = active_area_set(session=session, kommun_code=kommun_code)
    areas = [] if area_set is None else [
        (code, name) for code, name in session.exec(
            select(Area.code, Area.name).where(Area.area_set_id == area_set.id).order_by(Area.name))]
    frame = categories_frame(session=session, kommun_code=kommun_code)
    counted = set(counted_categories(frame))
    categories = [(code, name) for code, name in zip(frame["category_code"], frame["category_name"], strict=True)
                  if code in counted]
    return areas, categories


def describe_row(package: AnalysisPackage, *, area_names: dict[str, str], category_names: dict[str, str]) -> str:
    """The urval of a package row in Swedish ("" for everything); codes no longer known are shown as codes."""
    return describe(filter_of(package), area_names=area_names, category_names=category_names)
