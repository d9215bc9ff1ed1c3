"""Errors of the clinical model. Every failure the model reports is a ClinicalError with a
`.field` (where) and a human `.message` (what is wrong); no bare traceback reaches a user."""

from __future__ import annotations


class ClinicalError(Exception):
    """Base class: `.field` names the place, `.message` says what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class DataError(ClinicalError):
    """A knowledge file (widgets/clinical/data/*.yaml) is malformed: `.field` is
    'file: place' and `.message` what is wrong."""


class ValidationError(ClinicalError):
    """A scenario (or local reference range) is invalid. `.errors` lists every problem as
    {'field': ..., 'message': ...} in a fixed order; `.field`/`.message` are the first."""

    def __init__(self, errors: list[dict]):
        if not errors:
            errors = [{"field": "scenario", "message": "invalid"}]
        self.errors = [dict(e) for e in errors]
        super().__init__(errors[0]["field"], errors[0]["message"])
        if len(errors) > 1:
            self.args = (f"{errors[0]['field']}: {errors[0]['message']} (and {len(errors) - 1} more)",)

    def to_dict(self) -> dict:
        return {"error": "ValidationError", "errors": self.errors}
