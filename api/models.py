"""Every table model, imported in one place so Alembic and create_all see the whole schema."""

from api.areas.models import Area, AreaSet, Place
from api.audit.models import AuditEvent
from api.categories.models import Category, CategoryMapping
from api.imports.models import ImportBatch, ImportTemplate
from api.insatser.models import Insats, InsatsArea, InsatsCategory, InsatsUppfoljning
from api.jobs.models import JobRun, SchedulerHeartbeat
from api.kommuner.models import Kommun
from api.lagesbild.models import AreaAssessment, Lagesbild
from api.mfa.models import KommunMfaPolicy, UserRecoveryCode, UserTotp
from api.organisations.models import Organisation
from api.packages.models import AnalysisPackage
from api.police.models import BrottskodMapping, PoliceTypeMapping
from api.promises.models import (
    Atagande,
    AtagandeLog,
    Aterkoppling,
    LofteIndicator,
    LofteIndicatorValue,
    Medborgarlofte,
    MedborgarlofteArea,
)
from api.reports.models import IdempotencyKey, Nollrapport, Report
from api.users.models import ApiToken, User, UserInvitation, UserKommun, UserSession

__all__ = [
    "AnalysisPackage",
    "ApiToken",
    "AreaAssessment",
    "Atagande",
    "AtagandeLog",
    "Aterkoppling",
    "Area",
    "AreaSet",
    "AuditEvent",
    "Category",
    "CategoryMapping",
    "IdempotencyKey",
    "ImportBatch",
    "ImportTemplate",
    "Insats",
    "InsatsArea",
    "InsatsCategory",
    "InsatsUppfoljning",
    "JobRun",
    "Lagesbild",
    "LofteIndicator",
    "LofteIndicatorValue",
    "Medborgarlofte",
    "MedborgarlofteArea",
    "Kommun",
    "KommunMfaPolicy",
    "Nollrapport",
    "Organisation",
    "Place",
    "BrottskodMapping",
    "PoliceTypeMapping",
    "Report",
    "SchedulerHeartbeat",
    "User",
    "UserRecoveryCode",
    "UserTotp",
    "UserInvitation",
    "UserKommun",
    "UserSession",
]
