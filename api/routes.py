"""Every router of the application, in one explicit list."""

from api.admin.kommun_settings_pages import router as kommun_settings_pages
from api.admin.log_pages import router as admin_log_pages
from api.admin.mfa_pages import router as admin_mfa_pages
from api.admin.organisation_pages import router as admin_organisation_pages
from api.admin.population_pages import router as population_pages
from api.admin.token_pages import router as admin_token_pages
from api.admin.user_account_pages import router as admin_user_account_pages
from api.admin.user_pages import router as admin_user_pages
from api.exports.pages import router as export_pages
from api.health.routes import router as health_routes
from api.imports.category_pages import router as import_category_pages
from api.imports.pages import router as import_pages
from api.insatser.followup_pages import router as insats_followup_pages
from api.insatser.pages import router as insats_pages
from api.jobs.pages import router as job_pages
from api.lagesbild.pages import router as lagesbild_pages
from api.packages.pages import router as package_pages
from api.police.offence_pages import router as offence_pages
from api.police.pages import router as police_pages
from api.promises.edit_pages import router as promise_edit_pages
from api.promises.pages import router as promise_pages
from api.promises.report_pages import router as promise_report_pages
from api.reports.api_routes import router as report_api
from api.reports.form_pages import router as report_form_pages
from api.review.pages import router as review_pages
from api.start.pages import router as start_pages
from api.statistics.api_routes import router as statistics_api
from api.web.invitation_pages import router as invitation_pages
from api.web.mfa_pages import router as mfa_pages
from api.web.pages import router as web_pages
from api.web.sso_pages import router as sso_pages

ROUTERS = [
    start_pages,
    health_routes,
    web_pages,
    invitation_pages,
    sso_pages,
    mfa_pages,
    report_api,
    statistics_api,
    report_form_pages,
    import_pages,
    import_category_pages,
    police_pages,
    offence_pages,
    job_pages,
    lagesbild_pages,
    export_pages,
    review_pages,
    insats_pages,
    insats_followup_pages,
    promise_pages,
    promise_edit_pages,
    promise_report_pages,
    package_pages,
    kommun_settings_pages,
    population_pages,
    admin_organisation_pages,
    admin_user_pages,
    admin_user_account_pages,
    admin_token_pages,
    admin_log_pages,
    admin_mfa_pages,
]
