"""Every router of the application, in one explicit list."""

from api.reports.api_routes import router as report_api
from api.start.pages import router as start_pages
from api.users.pages import router as user_pages

ROUTERS = [
    start_pages,
    user_pages,
    report_api,
]
