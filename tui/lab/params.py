"""Deep Learning parameters: H2O's own metadata, and reading and writing what the learner types.

The list of fields comes from H2O (``GET /3/ModelBuilders/deeplearning``): name, type, default,
allowed values, help text and level. The knowledge H2O's metadata does not carry (valid ranges,
rules between fields, advice on settings H2O accepts but ignores) is in :mod:`tui.lab.param_rules`.
Everything here is pure: no network, so it runs as the learner types.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

LEVELS = ("critical", "secondary", "expert")

# Fields the form does not offer: frames and columns are chosen by the step; keys of other
# objects are set by the lab (checkpoint) or are not part of the walkthrough.
NOT_IN_FORM = {
    "model_id",
    "training_frame",
    "validation_frame",
    "response_column",
    "ignored_columns",
    "weights_column",
    "offset_column",
    "fold_column",
    "checkpoint",
    "pretrained_autoencoder",
    "initial_weights",
    "initial_biases",
    "export_checkpoints_dir",
    "custom_metric_func",
    "class_sampling_factors",
}

INT_TYPES = {"int", "long"}
FLOAT_TYPES = {"double", "float"}
LIST_TYPES = {"int[]": "int", "long[]": "int", "double[]": "float", "float[]": "float"}
SUPPORTED = INT_TYPES | FLOAT_TYPES | set(LIST_TYPES) | {"boolean", "enum", "string"}

JAVA_INT = (-(2**31), 2**31 - 1)
JAVA_LONG = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class ParamMeta:
    name: str
    type: str
    level: str
    default: Any
    values: tuple[str, ...] = ()
    help: str = ""
    label: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["values"] = list(self.values)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ParamMeta:
        data = dict(data)
        data["values"] = tuple(data.get("values") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ParamError(ValueError):
    """A value that cannot be used, with the sentence to show at its field."""


def metas_from_builder(builder_json: dict) -> list[ParamMeta]:
    """The form's fields, in H2O's order, from ``GET /3/ModelBuilders/deeplearning``."""
    params = builder_json["model_builders"]["deeplearning"]["parameters"]
    metas = []
    for p in params:
        name = p["name"]
        ptype = p["type"]
        if name in NOT_IN_FORM or ptype not in SUPPORTED:
            continue
        default = p.get("default_value")
        metas.append(
            ParamMeta(
                name=name,
                type=ptype,
                level=p.get("level") or "expert",
                default=default,
                values=tuple(p.get("values") or ()),
                help=(p.get("help") or "").strip(),
                label=p.get("label") or name,
            )
        )
    return metas


# -- text <-> value -----------------------------------------------------------------------------


def format_value(meta: ParamMeta, value: Any) -> str:
    """What the form's input shows for ``value`` (empty for "not set")."""
    if value is None:
        return ""
    if meta.type in LIST_TYPES:
        return ", ".join(format_number(v) for v in value)
    if meta.type == "boolean":
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def format_number(value: Any) -> str:
    """A number as the learner writes it: 15 (H2O hands back 15.0 for the 15 typed), 0.5, 1e-05."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)) if abs(value) < 1e6 else f"{value:g}"
        return repr(value) if 1e-4 <= abs(value) < 1e15 else f"{value:g}"
    return str(value)


def _parse_number(text: str, kind: str, name: str) -> int | float:
    cleaned = text.strip().replace("_", "")
    if not cleaned:
        raise ParamError("a number is needed")
    if not cleaned.isascii():
        raise ParamError(f"'{cleaned}' is not a number; use the digits 0-9")
    if kind == "int":
        try:
            value = float(cleaned) if re.fullmatch(r"[+-]?\d+(\.0*)?([eE]\+?\d+)?", cleaned) else None
        except ValueError:
            value = None
        if value is None or not value.is_integer():
            raise ParamError(f"'{text.strip()}' is not a whole number")
        return int(value)
    try:
        value = float(cleaned)
    except ValueError:
        raise ParamError(f"'{text.strip()}' is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ParamError("use a finite number")
    return value


def parse_value(meta: ParamMeta, text: str) -> Any:
    """Turn what the learner typed into a value for h2o-py. Empty text means "not set" (None)."""
    if text is None:
        return None
    raw = str(text)
    stripped = raw.strip()
    if stripped == "":
        return None
    if meta.type == "boolean":
        low = stripped.lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise ParamError("use true or false")
    if meta.type == "enum":
        for value in meta.values:
            if value.lower() == stripped.lower():
                return value
        raise ParamError(f"'{stripped}' is not one of: {', '.join(meta.values)}")
    if meta.type in INT_TYPES:
        number = _parse_number(stripped, "int", meta.name)
        lowest, highest = JAVA_INT if meta.type == "int" else JAVA_LONG
        if not lowest <= number <= highest:
            raise ParamError(f"too large for H2O (a {meta.type} goes from {lowest} to {highest})")
        return number
    if meta.type in FLOAT_TYPES:
        return _parse_number(stripped, "float", meta.name)
    if meta.type in LIST_TYPES:
        body = stripped
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        parts = [p for p in re.split(r"[,\s;]+", body.strip()) if p]
        if not parts:
            raise ParamError("give at least one value, separated by commas")
        if re.search(r"[,;]\s*[,;]", body) or re.match(r"\s*[,;]", body) or re.search(r"[,;]\s*$", body):
            raise ParamError("a value is missing between the commas")
        kind = LIST_TYPES[meta.type]
        values = []
        for i, part in enumerate(parts, start=1):
            try:
                values.append(_parse_number(part, kind, meta.name))
            except ParamError as exc:
                raise ParamError(f"value {i}: {exc}") from None
        if kind == "int":
            for v in values:
                if not JAVA_INT[0] <= v <= JAVA_INT[1]:
                    raise ParamError("a value is too large for H2O")
        return values
    if meta.type == "string":
        if len(stripped) > 1000 or any(ord(c) < 32 for c in stripped):
            raise ParamError("not a usable text value")
        return stripped
    raise ParamError(f"the type {meta.type} cannot be edited here")


def to_rest(value: Any) -> str:
    """A value in the form H2O's REST API reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(to_rest(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def canonical(values: dict[str, Any], metas: dict[str, ParamMeta]) -> dict[str, Any]:
    """Enum values in H2O's own spelling (``tanh`` -> ``Tanh``); other values unchanged."""
    out = {}
    for name, value in values.items():
        meta = metas.get(name)
        if meta is not None and meta.type == "enum" and isinstance(value, str):
            value = next((v for v in meta.values if v.lower() == value.lower()), value)
        out[name] = value
    return out


def differences(
    a: dict[str, Any], b: dict[str, Any], defaults: dict[str, Any] | None = None
) -> dict[str, tuple[Any, Any]]:
    """Parameters whose values differ between two sets (missing means not set).

    With ``defaults`` (H2O's, by name), a value left unset and H2O's default count as the same.
    """
    defaults = defaults or {}
    names = sorted(set(a) | set(b))

    def value(params: dict[str, Any], name: str) -> Any:
        got = params.get(name)
        return defaults.get(name) if got is None else got

    return {n: (a.get(n), b.get(n)) for n in names if norm(value(a, n)) != norm(value(b, n))}


def same_value(a: Any, b: Any) -> bool:
    """Equal as H2O would take them: enums without case, numbers as numbers, lists item by item."""
    return norm(a) == norm(b)


def norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [float(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def h2o_field(field_name: str) -> str:
    """H2O names fields with a leading underscore in some messages (``_hidden``)."""
    return field_name.lstrip("_")


def effective(values: dict[str, Any], metas: dict[str, ParamMeta]) -> dict[str, Any]:
    """Every form field's value: the one set, else H2O's default."""
    out = {name: meta.default for name, meta in metas.items()}
    out.update({k: v for k, v in values.items() if v is not None})
    return out


def help_text(meta: ParamMeta) -> str:
    """What H2O says about a parameter, with its type, level, default and allowed values."""
    lines = [meta.help or "H2O gives no description of this parameter."]
    lines.append("")
    lines.append(f"type: {meta.type} · H2O's level: {meta.level}")
    default = format_value(meta, meta.default)
    lines.append(f"default: {default or 'not set'}")
    if meta.values:
        lines.append("allowed: " + ", ".join(meta.values))
    return "\n".join(lines)
