"""The admin's web pages: organisations, users, API tokens and the audit log of the current kommun."""
