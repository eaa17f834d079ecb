"""Small, hand-built test data: two kommuner, square areas, organisations, one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
from shapely.geometry import box
from sqlmodel import Session

from api.areas import service as area_service
from api.kommuner import service as kommun_service
from api.organisations import service as organisation_service
from api.organisations.models import Organisation
from api.users import service as user_service
from api.users.models import Role, User

PASSWORD = "korrekt-hast-batteri"

# Two kommuner far apart, each with a 2x2 grid of 1 km squares in EPSG:3006.
KOMMUNER = {"1880": ("Örebro", 510_000.0, 6_570_000.0), "1489": ("Alingsås", 340_000.0, 6_420_000.0)}


def square_areas(code: str, x0: float, y0: float) -> gpd.GeoDataFrame:
    cells = [(0, 0, "A"), (1, 0, "B"), (0, 1, "C"), (1, 1, "D")]
    return gpd.GeoDataFrame(
        {
            "area_code": [f"{code}{name}" for _, _, name in cells],
            "area_name": [f"Område {name}" for _, _, name in cells],
        },
        geometry=[box(x0 + i * 1000, y0 + j * 1000, x0 + (i + 1) * 1000, y0 + (j + 1) * 1000) for i, j, _ in cells],
        crs=3006,
    )


@dataclass
class World:
    users: dict[tuple[str, str], User] = field(default_factory=dict)  # (kommun, role) -> user
    organisations: dict[str, list[Organisation]] = field(default_factory=dict)
    police_all: User | None = None

    def user(self, role: str, kommun: str = "1880") -> User:
        return self.users[(kommun, role)]


def build_world(session: Session) -> World:
    world = World()
    for code, (name, x0, y0) in KOMMUNER.items():
        kommun_service.add_kommun(session=session, code=code, name=name)
        area_service.import_area_set(
            session=session, kommun_code=code, areas=square_areas(code, x0, y0), name="Test",
            source="test",
        )
        school = organisation_service.create_organisation(
            session=session, kommun_code=code, name=f"Skola {name}", type="skola"
        )
        housing = organisation_service.create_organisation(
            session=session, kommun_code=code, name=f"Bostäder {name}", type="fastighetsbolag"
        )
        world.organisations[code] = [school, housing]
        for role in Role:
            world.users[(code, role.value)] = user_service.create_user(
                session=session,
                name=f"{role.value} {name}",
                email=f"{role.value}@{code}.example",
                password=PASSWORD,
                role=role,
                kommun_codes=[code],
                organisation_id=school.id if role == Role.inrapportor else None,
            )
    world.police_all = user_service.create_user(
        session=session, name="Polis båda", email="polis@alla.example", password=PASSWORD,
        role=Role.polis, kommun_codes=list(KOMMUNER),
    )
    session.commit()
    return world
