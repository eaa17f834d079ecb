"""The weekly report form's fields: parse the posted form, build the validate_form payload, and map
errors back to the field the user sees. No database here (see form_service for that)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.records import RowError

#: Fields of one observation fieldset, named ``obs-<i>-<field>`` in the HTML form.
OBS_FIELDS: tuple[str, ...] = (
    "kategori", "nar", "datum", "tid", "plats_namn", "plats_id", "plats", "lat", "lon",
    "beskrivning", "antal",
)  # fmt: skip
MAX_FORM_OBSERVATIONS = 20
_OBS_KEY = re.compile(r"^obs-(\d{1,3})-(\w+)$")
_PATH = re.compile(r"^observationer\[(\d+)\](?:\.(\w+))?$")

# validate_form's field name -> the form field the error is shown next to.
_ERROR_FIELD = {
    "kategori": "kategori", "datum": "datum", "tid": "tid", "vecka": "nar", "lat": "karta",
    "lon": "karta", "x": "karta", "y": "karta", "plats_id": "plats_namn", "plats": "plats",
    "beskrivning": "beskrivning", "antal": "antal", "område": "var", "kommun": "var",
}  # fmt: skip


@dataclass
class FormErrors:
    """Errors per observation and field (``(index, field) -> message``) and for the whole form."""

    fields: dict[tuple[int, str], str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, index: int | None, name: str | None, message: str) -> None:
        """Keep the first error per field: it is the one the user should fix first."""
        if index is None or name is None:
            self.general.append(message)
        else:
            self.fields.setdefault((index, name), message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def for_observation(self, index: int) -> dict[str, str]:
        return {name: msg for (i, name), msg in self.fields.items() if i == index}


def blank_observation(*, default_date: str = "") -> dict[str, str]:
    """Values of an empty observation fieldset."""
    values = dict.fromkeys(OBS_FIELDS, "")
    values["nar"] = "dag"
    values["datum"] = default_date
    return values


def parse_observations(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The posted observation fieldsets in order, each a dict of the OBS_FIELDS as text."""
    found: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _OBS_KEY.match(str(key))
        if not match or match.group(2) not in OBS_FIELDS or not isinstance(value, str):
            continue
        index = int(match.group(1))
        if index >= MAX_FORM_OBSERVATIONS:
            continue
        found.setdefault(index, dict.fromkeys(OBS_FIELDS, ""))[match.group(2)] = value.strip()
    observations = [found[i] for i in sorted(found)]
    for obs in observations:
        obs["nar"] = "vecka" if obs["nar"] == "vecka" else "dag"
    return observations


def is_empty(obs: Mapping[str, str]) -> bool:
    """True when the user typed nothing in the fieldset (the date default does not count)."""
    return not any(obs.get(name) for name in OBS_FIELDS if name not in ("nar", "datum"))


def submission_token(value: Any) -> str:
    """The hidden submission token if it is a UUID, else a new one (a retry reuses the first)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(uuid.uuid4())


def to_payload(obs: Mapping[str, str], *, week_label: str, place_id: str | None,
               external_id: str | None) -> dict[str, Any]:
    """One observation as validate_form expects it (keys as in ingest.form)."""
    week_mode = obs.get("nar") == "vecka"
    item: dict[str, Any] = {
        "kategori": obs.get("kategori") or None,
        "datum": "under veckan" if week_mode else (obs.get("datum") or None),
        "tid": None if week_mode else (obs.get("tid") or None),
        "vecka": week_label if week_mode else None,
        "plats_id": place_id,
        "plats": obs.get("plats") or None,
        "beskrivning": obs.get("beskrivning") or None,
        "antal": obs.get("antal") or None,
    }
    if obs.get("lat") or obs.get("lon"):
        item["lat"], item["lon"] = obs.get("lat") or None, obs.get("lon") or None
    if external_id:
        item["externt_id"] = external_id
    return item


def user_message(message: str) -> str:
    """An ingest message without its "Observation 2, fältet …:" / "Rad 2:" prefix, as a sentence."""
    text = message.split(": ", 1)[1] if ": " in message else message
    text = text.strip()
    if not text:
        return message
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def add_row_errors(errors: FormErrors, row_errors: list[RowError], indices: list[int]) -> None:
    """Map ingest/store RowErrors to form fields; ``indices[row - 1]`` is the observation index."""
    for err in row_errors:
        match = _PATH.match(err.column or "")
        if match:
            position: int | None = int(match.group(1))
            name = match.group(2)
        else:
            position = err.row - 1 if err.row else None
            name = err.column or None
        index = indices[position] if position is not None and 0 <= position < len(indices) else None
        target = _ERROR_FIELD.get(name or "")
        if name == "plats" and err.code in ("required", "outside_kommun", "unknown_place"):
            target = "var"
        if index is None or target is None:
            errors.add(None, None, user_message(err.message))
        else:
            errors.add(index, target, user_message(err.message))
