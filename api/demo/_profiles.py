"""Tables that shape the SYNTHETIC demo data: who reports what, when and in which words.

Every number here is an invented but plausible assumption for a Swedish kommun of Örebro's size;
none is measured. Keeping them in one place makes the demo's "rhythm" easy to read and to tune.
"""

from __future__ import annotations

ORGANISATION_TYPES: tuple[str, ...] = (
    "skola",
    "socialtjanst",
    "fastighetsbolag",
    "polis",
    "bevakning",
    "kommunal_forvaltning",
    "raddningstjanst",
    "ovrig",
)

#: Baseline reports per week for the first organisation of each type (later ones of the same type
#: get ``SECONDARY_RATE_FACTOR`` of it and a subset of the areas).
WEEKLY_RATE: dict[str, float] = {
    "skola": 10.0,
    "socialtjanst": 10.0,
    "fastighetsbolag": 14.0,
    "polis": 14.0,
    "bevakning": 9.0,
    "kommunal_forvaltning": 8.0,
    "raddningstjanst": 1.0,
    "ovrig": 2.0,
}
SECONDARY_RATE_FACTOR = 0.15

#: Probability that an organisation reports at all in a given week (report or nollrapport).
WEEKLY_ACTIVE_P: dict[str, float] = {
    "skola": 0.92,
    "socialtjanst": 0.93,
    "fastighetsbolag": 0.93,
    "polis": 0.98,
    "bevakning": 0.92,
    "kommunal_forvaltning": 0.92,
    "raddningstjanst": 0.95,
    "ovrig": 0.9,
}
#: The one or two least busy organisations are unreliable: this weekly probability and one longer
#: silent stretch of this many weeks.
UNRELIABLE_ACTIVE_P = 0.72
SILENT_STRETCH_WEEKS = 5

#: Month factor (January first): more outdoor life and more incidents in summer.
MONTH_FACTOR: tuple[float, ...] = (
    0.85, 0.85, 0.9, 1.0, 1.1, 1.25, 1.3, 1.25, 1.05, 1.0, 0.9, 0.85,
)

_NIGHTLIFE_WEEKDAYS = (0.85, 0.85, 0.9, 0.95, 1.25, 1.35, 1.0)

#: Weekday factor (Monday first) per organisation type.
WEEKDAY_FACTOR: dict[str, tuple[float, ...]] = {
    "skola": (1.0, 1.0, 1.0, 1.0, 1.0, 0.03, 0.03),
    # fastighetsskötare find the weekend's damage on Monday morning
    "fastighetsbolag": (1.4, 1.0, 1.0, 1.0, 1.0, 0.35, 0.3),
    "socialtjanst": _NIGHTLIFE_WEEKDAYS,
    "polis": _NIGHTLIFE_WEEKDAYS,
    "bevakning": _NIGHTLIFE_WEEKDAYS,
    "kommunal_forvaltning": (0.9, 0.95, 1.0, 1.0, 1.3, 1.1, 0.6),
    "raddningstjanst": _NIGHTLIFE_WEEKDAYS,
    "ovrig": _NIGHTLIFE_WEEKDAYS,
}

#: Factor during school holidays (skollov): schools are closed, young people are out.
SKOLLOV_FACTOR: dict[str, float] = {
    "skola": 0.1,
    "socialtjanst": 1.3,
    "fastighetsbolag": 1.1,
    "polis": 1.1,
    "bevakning": 1.1,
    "kommunal_forvaltning": 1.3,
    "raddningstjanst": 1.15,
    "ovrig": 1.15,
}


def _hours(peaks: dict[range, float], floor: float) -> tuple[float, ...]:
    return tuple(
        max([floor] + [w for r, w in peaks.items() if h in r]) for h in range(24)
    )


#: Relative weight of each hour 0–23 per organisation type.
HOUR_PROFILE: dict[str, tuple[float, ...]] = {
    "skola": _hours({range(8, 12): 3.0, range(12, 16): 4.0, range(16, 18): 1.0}, 0.02),
    "socialtjanst": _hours({range(15, 18): 2.0, range(18, 24): 5.0, range(0, 2): 1.5}, 0.1),
    "fastighetsbolag": _hours({range(7, 11): 4.0, range(11, 16): 2.0, range(16, 23): 1.2}, 0.2),
    "polis": _hours({range(10, 17): 1.5, range(17, 24): 3.0, range(0, 4): 2.5}, 0.6),
    "bevakning": _hours({range(18, 24): 4.0, range(0, 5): 3.5}, 0.3),
    "kommunal_forvaltning": _hours({range(14, 18): 2.5, range(18, 23): 4.0}, 0.05),
    "raddningstjanst": _hours({range(12, 18): 1.5, range(18, 24): 4.0, range(0, 3): 3.0}, 0.4),
    "ovrig": _hours({range(7, 9): 1.5, range(14, 18): 2.5, range(18, 24): 4.0}, 0.3),
}

#: Relative weight of each category per organisation type (codes of the seed taxonomy).
CATEGORY_MIX: dict[str, dict[str, float]] = {
    "skola": {
        "skadegorelse": 3, "klotter": 2, "nedskrapning": 1, "incident_anstalld": 2,
        "ungdomssamling": 1.5, "narkotika": 0.5, "oro_sociala_medier": 2, "misshandel": 0.5,
        "otrygg_plats": 0.5, "ovrigt": 1,
    },
    "socialtjanst": {
        "ungdomssamling": 4, "narkotika": 2.5, "oro_sociala_medier": 1.5, "misshandel": 0.7,
        "olovlig_trafik": 1, "otrygg_plats": 0.8, "positiv_iakttagelse": 1, "ovrigt": 0.5,
        "ran": 0.3,
    },
    "kommunal_forvaltning": {
        "ungdomssamling": 3, "incident_anstalld": 1.5, "skadegorelse": 1.5,
        "oro_sociala_medier": 1.5, "narkotika": 1, "olovlig_trafik": 1,
        "positiv_iakttagelse": 1, "ovrigt": 0.5,
    },
    "fastighetsbolag": {
        "skadegorelse": 4, "klotter": 3, "nedskrapning": 2.5, "anlagd_brand": 0.8,
        "stold_inbrott": 2, "otrygg_plats": 1.5, "ungdomssamling": 1, "narkotika": 0.7,
        "ovrigt": 0.5,
    },
    "bevakning": {
        "skadegorelse": 2, "ungdomssamling": 2, "narkotika": 1.5, "stold_inbrott": 1.5,
        "incident_anstalld": 1, "misshandel": 0.5, "ran": 0.3, "olovlig_trafik": 0.5,
        "otrygg_plats": 0.5,
    },
    "ovrig": {
        "incident_anstalld": 2.5, "skadegorelse": 2.5, "ungdomssamling": 2, "klotter": 1,
        "otrygg_plats": 0.5, "misshandel": 0.3, "narkotika": 0.3,
    },
    "raddningstjanst": {
        "anlagd_brand": 5, "skadegorelse": 0.5, "incident_anstalld": 0.5, "ovrigt": 0.5,
    },
    "polis": {
        "narkotika": 2, "misshandel": 1.5, "ran": 0.8, "olovlig_trafik": 2, "stold_inbrott": 1.5,
        "skadegorelse": 1, "ungdomssamling": 1.5, "oro_sociala_medier": 0.8,
        "incident_anstalld": 0.5,
    },
}

#: How each organisation type usually delivers: (form, import, api) shares.
SOURCE_MIX: dict[str, tuple[float, float, float]] = {
    "skola": (1.0, 0.0, 0.0),
    "socialtjanst": (1.0, 0.0, 0.0),
    "fastighetsbolag": (0.7, 0.0, 0.3),
    "polis": (0.9, 0.1, 0.0),
    "bevakning": (0.3, 0.7, 0.0),
    "kommunal_forvaltning": (1.0, 0.0, 0.0),
    "raddningstjanst": (0.6, 0.4, 0.0),
    "ovrig": (0.8, 0.0, 0.2),
}

#: Share of observations reported "under veckan" (no day or hour), per type.
WEEK_PERIOD_SHARE: dict[str, float] = {
    "skola": 0.1, "socialtjanst": 0.08, "fastighetsbolag": 0.12, "polis": 0.02,
    "bevakning": 0.02, "kommunal_forvaltning": 0.1, "raddningstjanst": 0.0, "ovrig": 0.05,
}
#: Share of day observations given by place name only (no point).
NO_POINT_SHARE = 0.12

#: Areas known from EST practice and public debate to carry much of the load: (substring of the
#: lower-cased area name, hotness). Everything else gets a random hotness around 1 (urban) or
#: ``RURAL_HOTNESS`` (lognormal spread ``ORDINARY_HOT_SIGMA``). Hotness is per inhabitant: reports
#: per area follow population × hotness (``_plan._fit_area_totals``).
HOT_AREA_NAMES: tuple[tuple[str, float], ...] = (
    ("vivalla", 3.0),
    ("örebro city", 2.6),
    ("varberga", 2.3),
    ("baronbackarna", 2.3),
    ("brickebacken", 1.9),
    ("brogården", 2.2),
)
#: Areas larger than this (km²) are treated as rural: few reports, few reporters.
RURAL_AREA_KM2 = 20.0
RURAL_HOTNESS = 1.0
ORDINARY_HOT_SIGMA = 0.15

#: The demo's INVENTED population per area ("Demo: påhittade invånartal"): a typical urban area
#: of this many inhabitants, a rural one of that many, scaled by the square root of the area's
#: size relative to the median of its kind and a lognormal spread of ``DEMO_POPULATION_SIGMA``,
#: clipped to ``DEMO_POPULATION_RANGE``. Reports are drawn in proportion to population × hotness,
#: so per inhabitant the planted hot areas really are hot. Nothing here is SCB's figure.
DEMO_URBAN_POPULATION = 4500
DEMO_RURAL_POPULATION = 1800
DEMO_POPULATION_SIGMA = 0.25
DEMO_POPULATION_RANGE = (600, 15000)
DEMO_POPULATION_SOURCE = "Demo: påhittade invånartal"
CENTRE_NAME_PARTS: tuple[str, ...] = ("city", "centrum")

#: Categories surges are planted in (the first ones present in the categories frame are used).
SURGE_CATEGORIES: tuple[str, ...] = ("ungdomssamling", "anlagd_brand", "skadegorelse", "narkotika")
SURGE_EXTRA: tuple[int, ...] = (12, 10, 14)
N_DUPLICATES = 12
#: Kontextfaktorer are not events two organisations would both report.
NOT_DUPLICATED: frozenset[str] = frozenset({"positiv_iakttagelse", "skollov", "evenemang"})

#: Skadegörelse clusters more steeply than other reports: fastighetsskötare, skolor and väktare log
#: damage again and again around the same centrum and skolområden. On top of the mixed reports
#: above, ``DAMAGE_WEEKLY_RATE`` skadegörelse reports a week are shared by the organisations in
#: proportion to how much skadegörelse each reports, and go to each organisation's own areas
#: weighted once more by hotness ** ``DAMAGE_HOT_POWER``: several a week in Vivalla, a few a month
#: in a quiet urban area. This is what makes the planted insats's cell busy enough to evaluate.
DAMAGE_CATEGORY = "skadegorelse"
DAMAGE_WEEKLY_RATE = 20.0
DAMAGE_HOT_POWER = 2

#: The planted insats: which category it targets and what it does to the rate.
INSATS_CATEGORY = DAMAGE_CATEGORY
INSATS_RATE_CHANGE = -0.4
INSATS_NAME = "Trygghetsvandringar, förstärkt belysning och snabb sanering"

#: Generic location phrases for reports that have a point (no names of people, no addresses).
LOCATION_PHRASES: tuple[str, ...] = (
    "vid busshållplatsen", "på skolgården", "i gångtunneln", "vid centrumbyggnaden",
    "på parkeringen", "vid lekplatsen", "i trapphuset", "vid cykelstället", "vid fritidsgården",
    "på gång- och cykelvägen", "vid återvinningsstationen", "vid idrottsplatsen",
    "utanför livsmedelsbutiken", "vid torget", "i parken", "vid tvättstugan",
)

#: Short realistic descriptions per category: no names, no personnummer, no addresses.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "skadegorelse": (
        "Krossad ruta i entrédörren.", "Sönderslagen belysningsarmatur.",
        "Sparkad dörr till källarförråd, låset trasigt.", "Vandaliserad papperskorg och bänk.",
        "Busskur med krossat glas.", "Skadade cyklar i cykelstället.",
    ),
    "klotter": (
        "Nytt klotter på fasaden.", "Taggar på elskåp och skyltar.",
        "Klotter i gångtunneln, delvis kränkande text.", "Klotter på skolans gavel.",
    ),
    "nedskrapning": (
        "Mycket skräp efter helgen.", "Nedskräpat vid bänkarna, flaskor och burkar.",
        "Grovsopor ställda utanför miljöhuset.", "Glassplitter på gång- och cykelvägen.",
    ),
    "anlagd_brand": (
        "Brand i papperskorg, släckt.", "Anlagd brand i containrar.",
        "Brand i barnvagnsförråd, rökskador i trapphuset.", "Bilbrand under natten.",
        "Brand i soptunna vid skolan.",
    ),
    "narkotika": (
        "Misstänkt langning vid bänkarna, flera personer kommer och går.",
        "Lukt av cannabis i trapphuset.", "Hittat använda sprutor i buskaget.",
        "Misstänkt narkotikaförsäljning kvällstid.",
    ),
    "ungdomssamling": (
        "Större grupp ungdomar samlade sent, högljutt.", "Ungdomar samlas och stör boende.",
        "Grupp unga som stoppar förbipasserande.", "Samling av ungdomar med mopeder.",
        "Ungdomar samlade i trapphuset, boende känner oro.",
    ),
    "incident_anstalld": (
        "Personal blev hotad och trakasserad.", "Chaufför utsattes för provokation och hot.",
        "Stenkastning mot personal under utryckning.", "Personal hindrades i sitt arbete.",
    ),
    "ran": ("Personrån mot ungdom, mobiltelefon tagen.", "Försök till rån av jacka och telefon."),
    "misshandel": (
        "Slagsmål mellan flera personer.", "En person misshandlad, ambulans tillkallad.",
        "Bråk som övergick i misshandel.",
    ),
    "olovlig_trafik": (
        "Mopeder kör i hög fart på gång- och cykelvägen.", "EPA-traktorer kör runt torget.",
        "Buskörning med crossmotorcykel i parken.",
    ),
    "otrygg_plats": (
        "Belysningen ur funktion längs gångvägen.", "Skymmande buskage vid gångtunneln.",
        "Mörkt och otryggt vid busshållplatsen.",
    ),
    "oro_sociala_medier": (
        "Rykten i sociala medier om bråk efter skolan.", "Hotfulla inlägg som sprids bland unga.",
        "Oro bland elever efter filmer som spridits.",
    ),
    "stold_inbrott": (
        "Inbrott i källarförråd.", "Cykelstölder i cykelrummet.",
        "Inbrott i byggbod.", "Stöld ur bilar på parkeringen.",
    ),
    "ovrigt": ("Oro bland boende efter händelse.", "Allmänt stökigt under kvällen."),
    "positiv_iakttagelse": (
        "Lugnt i området, många vuxna ute.", "Nattvandrare ute, god stämning.",
        "Ungdomarna hjälpte till vid städningen.",
    ),
    "skollov": ("Skollov: skolorna är stängda, fler unga ute dagtid och kvällstid.",),
    "evenemang": (
        "Evenemang i centrum, mycket folk i rörelse kvällstid.",
        "Konsert och marknad, förstärkt bevakning.",
    ),
}
