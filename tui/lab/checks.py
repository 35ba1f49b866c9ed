"""H2O's own word on Deep Learning parameters: their descriptions, and its check of a set of values."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.lab.data import Frames
from tui.lab.errors import ClusterError
from tui.lab.h2o_errors import field_in, first_line, h2o_message
from tui.lab.params import ParamMeta, h2o_field, metas_from_builder, to_rest
from tui.lab.rest import ClusterUnreachable
from tui.lab.session import Session
from tui.lab.training import RunSpec


@dataclass
class ParamCheck:
    """H2O's verdict on a set of parameters: errors and warnings by field ("_" for the whole form)."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether H2O found no error."""
        return not self.errors


class ParamChecks:
    """The parameter descriptions (fetched once) and H2O's check of a run's values."""

    def __init__(self, session: Session, frames: Frames) -> None:
        self.session = session
        self.frames = frames
        self._metas: list[ParamMeta] | None = None

    @property
    def metas(self) -> list[ParamMeta] | None:
        """The parameter descriptions if already fetched, else None (no cluster call)."""
        return self._metas

    def param_metas(self) -> list[ParamMeta]:
        """The Deep Learning parameters as H2O describes them (fetched once per cluster)."""
        if self._metas is None:
            builder = self.session.rest().get("/3/ModelBuilders/deeplearning", timeout=30)
            self._metas = metas_from_builder(builder)
        return self._metas

    def check_params(self, spec: RunSpec) -> ParamCheck:
        """H2O's own check of the parameters (``POST /3/ModelBuilders/deeplearning/parameters``)."""
        rest = self.session.rest()
        train, valid = self.frames.training_frames(spec)
        columns = list(train.names)
        data = {
            "training_frame": train.frame_id,
            "response_column": spec.response,
            "ignored_columns": to_rest([f'"{c}"' for c in columns if c not in spec.predictors and c != spec.response]),
        }
        if valid is not None:
            data["validation_frame"] = valid.frame_id
        for name, value in spec.params.items():
            if value is not None:
                data[name] = to_rest(value)
        result = ParamCheck()
        try:
            answer = rest.post("/3/ModelBuilders/deeplearning/parameters", data=data, timeout=60)
        except ClusterUnreachable:
            raise
        except ClusterError as exc:
            # HTTP 400/412: a value H2O could not even read (a bad enum, a non-number).
            text = h2o_message(exc.detail) or exc.message
            name = field_in(text, list(spec.params))
            result.errors[name or "_"] = text
            return result
        for message in answer.get("messages") or []:
            kind = message.get("message_type")
            name = h2o_field(str(message.get("field_name") or "")) or "_"
            text = first_line(str(message.get("message") or ""))
            if kind == "ERRR":
                result.errors.setdefault(name, text)
            elif kind == "WARN":
                result.warnings.setdefault(name, text)
        return result
