"""Where a training step's form starts, as its Setup tab keeps it.

The lab says where a step starts (:meth:`tui.lab.service.Lab.start_of`: the learner's last run of the step,
else the step's changes on top of their step before). The Setup tab carries that into its form, and carries
it again whenever it moves (a run ends, the learner loads one with l), for as long as the form still holds
the carried values. Values put in (a form of an earlier session, a run loaded back, a preset) or edited by the
learner are theirs: never carried over, and the only ones kept in the journal.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tui.lab.carry import Start
from tui.lab.params import canonical
from tui.lab.steps import Step
from widgets.param_form import ParamForm
from widgets.train_link import AppLink


class FormStart:
    """The carried values of one step's form, and whether the form still holds them."""

    def __init__(self, step: Step, link: AppLink) -> None:
        self.step = step
        self.link = link
        self.given = False  # values were put in (a saved form, a run loaded back, a preset): nothing is carried
        self.carried: dict[str, Any] | None = None  # the values last carried into the form, as the form holds them
        self.note = ""  # where the form's values came from, said above it

    def begin(self) -> Start:
        """Where the step starts now (from the journal: no cluster call)."""
        return self.link.lab.start_of(self.step)

    def holds(self, form: ParamForm | None) -> bool:
        """True while the form holds carried values: none put in, none typed (before the form comes, the
        summary shows the carried values unless some were put in)."""
        if self.given:
            return False
        if form is None:
            return True
        return form.values == self.carried and not form.field_errors

    def give(self, origin: Start | None) -> None:
        """Values were put in: they are the learner's, and keep the note they came with."""
        self.given = True
        self.note = origin.note if origin is not None else ""

    def took(self, begin: Start, values: dict[str, Any]) -> None:
        """The form was given ``values``, carried from ``begin``."""
        self.carried = dict(values)
        self.note = begin.note

    def anew(self, form: ParamForm) -> Start | None:
        """Where the step starts now, as the form holds values (its params and base canonical), taken as the
        form's carried values; None when the form is the learner's, or already says just that."""
        if not self.holds(form):
            return None
        begin = self.begin()
        params = canonical(begin.params, form.metas)
        base = canonical(begin.base, form.metas) if begin.base is not None else None
        if (params, base, begin.label, begin.note) == (form.values, form.previous, form.previous_label, self.note):
            return None
        self.took(begin, params)
        return replace(begin, params=params, base=base)
