"""Typed variables: a schema per entity declares names and types; every write is checked against it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from campaign_api.errors import ValidationFailed

VarType = Literal["string", "number", "boolean", "enum"]


class VariableSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: VarType
    enum_values: list[str] = Field(default_factory=list)
    default: Any = None
    description: str = ""

    @model_validator(mode="after")
    def _enum(self) -> VariableSchema:
        if self.type == "enum" and not self.enum_values:
            raise ValueError("an enum variable needs enum_values")
        if self.default is not None:
            check_value(self, self.default)
        return self


def check_value(schema: VariableSchema, value: Any) -> None:
    ok = {
        "string": isinstance(value, str),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "enum": isinstance(value, str) and value in schema.enum_values,
    }[schema.type]
    if value is not None and not ok:
        expected = f"one of {schema.enum_values}" if schema.type == "enum" else f"a {schema.type}"
        raise ValueError(f"variable {schema.name!r} must be {expected}, got {value!r}")


def validate_variables(schemas: Any, values: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Parse the schemas and check every value; unknown variables are refused. Returns normalised data."""
    try:
        parsed = [VariableSchema.model_validate(s) for s in (schemas or [])]
    except ValidationError as exc:
        raise ValidationFailed(
            "invalid variable schema",
            details={"field": "variableSchemas", "errors": exc.errors(include_url=False)},
        ) from None
    names = [s.name for s in parsed]
    if len(names) != len(set(names)):
        raise ValidationFailed("variable names must be unique", details={"field": "variableSchemas"})
    if not isinstance(values or {}, dict):
        raise ValidationFailed("variables must be an object", details={"field": "variables"})
    by_name = {s.name: s for s in parsed}
    result: dict[str, Any] = {s.name: s.default for s in parsed if s.default is not None}
    for name, value in (values or {}).items():
        schema = by_name.get(name)
        if schema is None:
            raise ValidationFailed(
                f"unknown variable {name!r}; declare it in variableSchemas first",
                details={"field": f"variables.{name}"},
            )
        try:
            check_value(schema, value)
        except ValueError as exc:
            raise ValidationFailed(str(exc), details={"field": f"variables.{name}"}) from None
        result[name] = value
    return [s.model_dump() for s in parsed], result
