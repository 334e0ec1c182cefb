"""A JSON Schema (draft 2020-12) for each procedure's `form.data`, generated from the service data file.

The kiosk ↔ provincial-system contract names a per-procedure schema (`form.schema_id`, `schema_version`) with
Vietnamese labels; generating it from the same file the form engine walks keeps both sides in step. Fields shown
only under a condition are optional in the schema (they are absent when their condition does not hold).
"""

from __future__ import annotations

from typing import Any

from kiosk.catalogue.model import FieldSpec, ProcedureSpec, ServiceSpec

_STRING_PATTERNS = {
    "id_number": r"^\d{12}$",
    "old_id_number": r"^\d{9}$",
    "phone": r"^0\d{9}$",
    "id_last4": r"^\d{4}$",
    "month": r"^\d{2}/\d{4}$",
    "insurance_card": r"^[A-Z]{2}[1-5]\d{12}$",
}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"title": spec.label.vi, "description": spec.label.en}
    kind = spec.type
    if kind in ("date",) or (kind == "computed" and spec.compute == "appointment_date"):
        out.update(type="string", format="date")
    elif kind == "number" or (kind == "computed" and spec.compute == "fee"):
        out["type"] = "integer"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
    elif kind == "yes_no":
        out["type"] = "boolean"
    elif kind == "choice":
        out.update(type="string", enum=[c.value for c in spec.choices])
    elif kind == "address":
        out.update(type="object", required=["province_code", "ward_code", "street"], properties={
            "province_code": {"type": "integer"}, "ward_code": {"type": "integer"}, "street": {"type": "string"},
            "text": {"type": "string"}})
    elif kind == "owner_card":  # the owner's consent: who they are (from their chip) and that they agreed
        out.update(type="object", required=["id_number", "full_name", "consent"], properties={
            "id_number": {"type": "string", "pattern": _STRING_PATTERNS["id_number"]},
            "full_name": {"type": "string"}, "consent": {"type": "boolean"}, "method": {"type": "string"}})
    elif kind == "group":
        item = {s.key: field_schema(s) for s in spec.fields}
        out.update(type="array", items={"type": "object", "properties": item,
                                        "required": [s.key for s in spec.fields if s.required]})
        if spec.minimum is not None:
            out["minItems"] = spec.minimum
        if spec.maximum is not None:
            out["maxItems"] = spec.maximum
    else:
        out["type"] = "string"
        if kind in _STRING_PATTERNS:
            out["pattern"] = _STRING_PATTERNS[kind]
    return out


def procedure_schema(service: ServiceSpec, procedure: ProcedureSpec) -> dict[str, Any]:
    fields: dict[str, FieldSpec] = {}
    always: set[str] = set()
    for step in service.steps:
        for spec in step.fields:
            fields.setdefault(spec.key, spec)
            if step.when is None and spec.when is None and spec.required and spec.type != "attachment":
                always.add(spec.key)
    properties = {name: field_schema(fields[key]) for name, key in procedure.data.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{procedure.schema_id}/v{procedure.schema_version}",
        "title": procedure.name.vi,
        "description": procedure.name.en,
        "type": "object",
        "properties": properties,
        "required": sorted(name for name, key in procedure.data.items() if key in always),
        "additionalProperties": False,
    }
