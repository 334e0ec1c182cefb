"""Every shipped service's payload `form.data` fits the schema generated from its own data file."""

import re
from datetime import date
from typing import Any

import pytest

from kiosk.catalogue.json_schema import procedure_schema
from tests.kiosk.forms.samples import ANSWERS, fill, new_form, shipped

TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}


def problems(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """A small validator for the keywords the generator uses (type, enum, pattern, format, bounds, required)."""
    found: list[str] = []
    kind = TYPES[schema["type"]]
    if value is None:
        return [f"{where}: null"]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return [f"{where}: not {schema['type']}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: not in enum")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: pattern")
    if schema.get("format") == "date":
        date.fromisoformat(value)
    if "minimum" in schema and value < schema["minimum"]:
        found.append(f"{where}: minimum")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        found.append(f"{where}: maxItems")
    if kind is dict:
        found += [f"{where}.{k}: required" for k in schema.get("required", []) if k not in value]
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            found += [f"{where}.{k}: additional" for k in value if k not in props]
        found += [p for k, v in value.items() if k in props for p in problems(v, props[k], f"{where}.{k}")]
    if kind is list:
        found += [p for i, v in enumerate(value) for p in problems(v, schema["items"], f"{where}[{i}]")]
    return found


@pytest.mark.parametrize("code", sorted(ANSWERS))
def test_payload_data_fits_the_generated_schema(code: str) -> None:
    form = new_form(code)
    fill(form, ANSWERS[code])
    form.confirm()
    body = form.payload()
    forms = [body, *body.get("linked_procedures", [])]  # type: ignore[misc]
    for procedure, sent in zip(form.service.procedures, forms, strict=True):
        schema = procedure_schema(form.service, procedure)
        assert schema["$id"] == f"{procedure.schema_id}/v{procedure.schema_version}"
        assert problems(sent["form"]["data"], schema) == []


def test_schema_carries_vietnamese_labels_and_rules() -> None:
    service = shipped().get("temporary_residence")
    schema = procedure_schema(service, service.main)
    assert schema["properties"]["so_dinh_danh"] == {
        "title": "Số định danh cá nhân", "description": "Personal ID number", "type": "string",
        "pattern": r"^\d{12}$"}
    assert "ho_ten" in schema["required"] and "ho_ten_chu_ho" not in schema["required"]  # conditional
    assert schema["properties"]["thanh_vien"]["type"] == "array"


def test_schema_catches_a_wrong_payload() -> None:
    service = shipped().get("id_confirmation")
    schema = procedure_schema(service, service.main)
    assert problems({"ho_ten": "An", "so_dinh_danh": "123"}, schema)
