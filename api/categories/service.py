"""The observation taxonomy: seeded from DOMAIN.md per kommun, then edited by the kommun."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.audit import service as audit_service
from api.categories.models import Category, CategoryMapping
from api.core.errors import AppError, NotFound
from ingest.category_vocabulary import describe_categories
from ingest.values import CategoryMatcher, normalise_key


@dataclass(frozen=True)
class SeedCategory:
    code: str
    name: str
    help_text: str
    parent: str | None = None
    is_context: bool = False
    severity: float = 1.0
    sensitive: bool = False


# Örebro's checklist (DOMAIN.md); codes are stable, names and help texts are what users read.
# A name's parts split at "/" or "(" are its synonyms for matching (ingest.values.CategoryMatcher):
# "Skottlossning" finds skjutning, "explosion" sprängning, "mord" and "dråp" dödligt våld.
# The serious violence the police's data adds (DOMAIN.md) came in issue 13; installations made
# before get it from migration 2026_12_05_violence.
SEED_TAXONOMY: list[SeedCategory] = [
    SeedCategory("skadegorelse", "Skadegörelse (inkl. krossade rutor)", "Förstörd egendom, krossade rutor, sönderslagen utrustning.", severity=2),
    SeedCategory("klotter", "Klotter", "Klotter och taggar på fasader, skyltar, fordon.", parent="skadegorelse", severity=1),
    SeedCategory("nedskrapning", "Nedskräpning", "Skräp, dumpat avfall, kanyler eller glas på marken.", severity=0.5),
    SeedCategory("anlagd_brand", "Anlagd brand", "Brand i papperskorg, container, fordon eller byggnad som verkar anlagd.", severity=3),
    SeedCategory("narkotika", "Öppen droghantering / misstänkt narkotikahantering", "Synlig försäljning eller användning, misstänkta gömställen.", severity=3),
    SeedCategory("ungdomssamling", "Ungdomssamlingar / samlingar som skapar otrygghet", "Grupper som skapar otrygghet för andra på platsen.", severity=1.5),
    SeedCategory("incident_anstalld", "Incident mot anställd (hot, hinder, provokation)", "Hot, hinder eller provokation mot personal i tjänst.", severity=3),
    SeedCategory("ran", "Rån", "Rån eller rånförsök.", severity=4),
    SeedCategory("misshandel", "Misshandel", "Våld mellan personer.", severity=4),
    SeedCategory("skjutning", "Skjutning / skottlossning", "Skott som avlossats eller misstänks ha avlossats, även försök.", severity=5),
    SeedCategory("sprangning", "Sprängning / explosion / detonation", "Sprängning, explosion eller detonation, även misstänkt sprängladdning.", severity=5),
    SeedCategory("dodligt_vald", "Dödligt våld (mord / dråp)", "Mord, dråp eller försök till mord eller dråp.", severity=6),
    SeedCategory("sexualbrott", "Sexualbrott (våldtäkt / sexuellt ofredande)", "Våldtäkt, försök till våldtäkt och andra sexualbrott. Känslig kategori: fritexten visas bara för säkerhetshandläggare och följer aldrig med i exporter; antalen visas som för andra kategorier.", severity=4, sensitive=True),
    SeedCategory("olovlig_trafik", "Olovlig trafik / buskörning", "Moped, A-traktor/EPA eller bil på gång- och cykelväg, buskörning.", severity=1.5),
    SeedCategory("otrygg_plats", "Otrygg plats (belysning, skymmande växtlighet)", "Trasig belysning, skymmande buskar, platser som upplevs otrygga.", severity=1),
    SeedCategory("oro_sociala_medier", "Ryktesspridning / oro på sociala medier", "Rykten, hot eller uppvigling som sprids digitalt.", severity=1.5),
    SeedCategory("stold_inbrott", "Stöld / inbrott", "Stöld, inbrott eller försök.", severity=2),
    SeedCategory("ovrigt", "Övrig händelse", "Något annat som påverkar tryggheten.", severity=1),
    SeedCategory("skollov", "Skollov", "Kontextfaktor: lov som påverkar läget.", is_context=True, severity=0),
    SeedCategory("evenemang", "Evenemang / arrangemang", "Kontextfaktor: evenemang, matcher, marknader.", is_context=True, severity=0),
    SeedCategory("polis_sammanfattning", "Polisens sammanfattning (natt/kväll)", "Kontextfaktor: Polisens samlade sammanfattning av många händelser.", is_context=True, severity=0),
    SeedCategory("positiv_iakttagelse", "Positiv iakttagelse", "Något som fungerar bra eller har blivit bättre.", is_context=True, severity=0),
]


def seed_taxonomy(*, session: Session, kommun_code: str) -> list[Category]:
    """Insert the starting taxonomy for a kommun (idempotent: existing codes are left as edited)."""
    existing = {
        c.code: c for c in session.exec(select(Category).where(Category.kommun_code == kommun_code))
    }
    created: list[Category] = []
    for order, seed in enumerate(SEED_TAXONOMY):
        if seed.code in existing:
            continue
        category = Category(
            kommun_code=kommun_code,
            code=seed.code,
            name=seed.name,
            help_text=seed.help_text,
            is_context=seed.is_context,
            severity=seed.severity,
            sensitive=seed.sensitive,
            sort_order=(order + 1) * 10,
        )
        session.add(category)
        existing[seed.code] = category
        created.append(category)
    session.flush()
    for seed in SEED_TAXONOMY:
        if seed.parent and existing[seed.code].parent_id is None:
            existing[seed.code].parent_id = existing[seed.parent].id
    session.flush()
    return created


def list_categories(
    *, session: Session, kommun_code: str, include_inactive: bool = False
) -> list[Category]:
    query = select(Category).where(Category.kommun_code == kommun_code)
    if not include_inactive:
        query = query.where(Category.active == True)  # noqa: E712
    return list(session.exec(query.order_by(col(Category.sort_order), col(Category.code))))


# --- an organisation's own words (category_mapping) -------------------------------------------------


def organisation_mappings(*, session: Session, organisation_id: int) -> dict[str, str]:
    """``text -> category code`` this organisation chose, for its active categories only.

    Passed as ``category_aliases`` to the file import and the API, so the organisation's words
    are matched before the category names.
    """
    rows = session.exec(
        select(CategoryMapping.text, Category.code)
        .join(Category, col(Category.id) == CategoryMapping.category_id)
        .where(CategoryMapping.organisation_id == organisation_id, Category.active == True)  # noqa: E712
    )
    return {text: code for text, code in rows}


def list_mappings(
    *, session: Session, organisation_ids: list[int]
) -> list[tuple[CategoryMapping, Category]]:
    """The mappings of these organisations with their categories, by organisation and text."""
    if not organisation_ids:
        return []
    return [
        (mapping, category)
        for mapping, category in session.exec(
            select(CategoryMapping, Category)
            .join(Category, col(Category.id) == CategoryMapping.category_id)
            .where(col(CategoryMapping.organisation_id).in_(organisation_ids))
            .order_by(col(CategoryMapping.organisation_id), col(CategoryMapping.text_key))
        )
    ]


def save_mapping(
    *,
    session: Session,
    kommun_code: str,
    organisation_id: int,
    text: str,
    category_code: str,
    actor: str,
    user_id: int | None = None,
    ip: str = "",
) -> CategoryMapping | None:
    """Remember that this organisation's ``text`` means ``category_code`` (a new choice replaces the old).

    Returns None when the text already is that category's code or name (nothing to remember).
    Raises ``AppError`` (422, Swedish) for an unknown code, an empty or too long text, or a text
    that already names another category.
    """
    text = " ".join(str(text).split())
    key = normalise_key(text)
    if not key:
        raise AppError("Texten att koppla saknas.", status_code=422)
    if len(text) > 200:
        raise AppError(f"Texten ”{text[:40]}…” är för lång: högst 200 tecken.", status_code=422)
    categories = list_categories(session=session, kommun_code=kommun_code)
    by_code = {c.code: c for c in categories}
    category = by_code.get(category_code)
    if category is None:
        valid = describe_categories({c.code: c.name for c in categories})
        raise AppError(f"Okänd kategori ”{category_code}”. Giltiga kategorier: {valid}.", status_code=422)
    already = CategoryMatcher({c.code: c.name for c in categories}).match(text)
    if already == category.code:
        return None
    if already is not None:
        raise AppError(
            f"”{text}” är redan kategorin {by_code[already].name} ({already}) och kan inte kopplas om.",
            status_code=422,
        )
    mapping = session.exec(
        select(CategoryMapping).where(
            CategoryMapping.organisation_id == organisation_id, CategoryMapping.text_key == key
        )
    ).first()
    if mapping is None:
        mapping = CategoryMapping(organisation_id=organisation_id, text_key=key, text=text,
                                  category_id=category.id)  # type: ignore[arg-type]
    mapping.category_id = category.id  # type: ignore[assignment]
    mapping.created_by_id, mapping.created_by = user_id, actor[:200]
    session.add(mapping)
    session.flush()
    audit_service.record(
        session=session, action="category_mapping.save", actor=actor, user_id=user_id,
        kommun_code=kommun_code, object_type="category_mapping", object_id=mapping.id or "",
        filter={"organisation_id": organisation_id, "text": text, "category": category.code},
        purpose="kategorikoppling", ip=ip,
    )
    return mapping


def delete_mapping(
    *, session: Session, kommun_code: str, mapping_id: int, organisation_ids: list[int], actor: str,
    user_id: int | None = None, ip: str = "",
) -> CategoryMapping:
    """Forget a mapping of one of ``organisation_ids`` (404 otherwise); the next file asks again."""
    mapping = session.get(CategoryMapping, mapping_id)
    if mapping is None or mapping.organisation_id not in organisation_ids:
        raise NotFound("Kopplingen finns inte.")
    session.delete(mapping)
    audit_service.record(
        session=session, action="category_mapping.delete", actor=actor, user_id=user_id,
        kommun_code=kommun_code, object_type="category_mapping", object_id=mapping_id,
        filter={"organisation_id": mapping.organisation_id, "text": mapping.text},
        purpose="kategorikoppling", ip=ip,
    )
    session.flush()
    return mapping
