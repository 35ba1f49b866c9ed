"""What the data screen shows of a frame: its size, one line per column, the first rows."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from tui.lab.data_files import ResolvedData


@dataclass
class ColumnInfo:
    name: str
    type: str  # H2O's type: int, real, enum, string, time, uuid
    missing: int
    min: float | None
    mean: float | None
    max: float | None
    domain: list[str] | None = None

    @property
    def numeric(self) -> bool:
        return self.type in ("int", "real")


@dataclass
class FrameInfo:
    name: str
    frame_id: str
    rows: int
    cols: int
    columns: list[ColumnInfo]
    head: list[list[Any]]  # first rows, row by row, values as text
    source: ResolvedData
    converted: dict[str, str] = field(default_factory=dict)  # column -> type before conversion
    seconds: float = 0.0

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["source"] = self.source.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FrameInfo:
        data = dict(data)
        data["columns"] = [ColumnInfo(**c) for c in data["columns"]]
        data["source"] = ResolvedData.from_dict(data["source"])
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return float(value)
    return None


def _cell(col: dict, i: int) -> str:
    if col.get("type") == "enum":
        value = (col.get("data") or [None])[i] if i < len(col.get("data") or []) else None
        domain = col.get("domain") or []
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        idx = int(value)
        return domain[idx] if 0 <= idx < len(domain) else str(value)
    strings = col.get("string_data")
    if strings:
        value = strings[i] if i < len(strings) else None
        return "" if value is None else str(value)
    data = col.get("data") or []
    value = data[i] if i < len(data) else None
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "NaN":
        return ""
    if isinstance(value, float) and value.is_integer() and col.get("type") == "int":
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def frame_info_from_summary(
    summary: dict, name: str, source: ResolvedData, converted: dict[str, str] | None = None, head_rows: int = 10
) -> FrameInfo:
    """Build :class:`FrameInfo` from ``GET /3/Frames/{id}/summary``."""
    frame = summary["frames"][0]
    cols_json = frame.get("columns") or []
    columns = []
    for col in cols_json:
        ctype = str(col.get("type", ""))
        numeric = ctype in ("int", "real")
        mins = col.get("mins") or []
        maxs = col.get("maxs") or []
        columns.append(
            ColumnInfo(
                name=str(col.get("label", "")),
                type=ctype,
                missing=int(col.get("missing_count") or 0),
                min=_number(mins[0]) if numeric and mins else None,
                mean=_number(col.get("mean")) if numeric else None,
                max=_number(maxs[0]) if numeric and maxs else None,
                domain=list(col["domain"]) if col.get("domain") else None,
            )
        )
    rows = int(frame.get("rows") or 0)
    nhead = min(head_rows, rows, max((len(c.get("data") or c.get("string_data") or []) for c in cols_json), default=0))
    head = [[_cell(col, i) for col in cols_json] for i in range(nhead)]
    return FrameInfo(
        name=name,
        frame_id=str(frame.get("frame_id", {}).get("name", ""))
        if isinstance(frame.get("frame_id"), dict)
        else str(frame.get("frame_id", "")),
        rows=rows,
        cols=int(frame.get("total_column_count") or frame.get("num_columns") or len(columns)),
        columns=columns,
        head=head,
        source=source,
        converted=dict(converted or {}),
    )
