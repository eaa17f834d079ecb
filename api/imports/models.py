"""File imports (upload → preview → commit) and saved column mappings per organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    filename: str = Field(max_length=300)
    file_hash: str = Field(max_length=64, index=True)  #: SHA-256 of the uploaded bytes, kept for good
    file_size: int = 0  #: bytes, kept for good
    # The raw file (it may hold personnummer in clear) lives only while the preview needs it: emptied
    # (b"") at commit and when the upload expires (api.imports.retention), content_removed_at set.
    # Listing queries defer this column (api.imports.service.list_batches): a list of batches must not
    # load every uploaded file's bytes. (A deferred() sa_column was silently mapped as a plain column.)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    content_removed_at: datetime | None = None
    status: str = Field(default="preview", max_length=20)  # preview, committed, cancelled, expired
    strict: bool = True
    mapping_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    rows_total: int = 0
    rows_valid: int = 0
    rows_error: int = 0
    rows_created: int = 0
    rows_skipped: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    committed_at: datetime | None = None


class ImportTemplate(SQLModel, table=True):
    """A column mapping saved by an organisation for its recurring export files."""

    __tablename__ = "import_template"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_import_template_organisation_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    mapping_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
