"""A training step's side of a finished run: its Results, Inside and Mistakes tabs, the step's table of runs,
and H2O's help on a field of its form (a part of :class:`screens.train.TrainView`, kept apart to stay small).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import TabbedContent

from screens.base import StepView
from screens.dialogs import InfoDialog
from tui.lab.params import help_text
from tui.lab.training import Run
from tui.messages import MistakesFound
from widgets.activations import activation_pictures
from widgets.inside import InsidePanel
from widgets.mistakes import MistakesPanel
from widgets.param_field import ParamField
from widgets.results import ResultsPanel

if TYPE_CHECKING:
    from tui.lab.training import RunSpec
    from widgets.train_link import AppLink


class RunOutcome(StepView):
    """What a training view shows of a finished run, beside the form and the job (see TrainView)."""

    if TYPE_CHECKING:  # kept by TrainView
        _built: bool
        link: AppLink
        mistakes: tuple[str, int, list] | None

        @property
        def run(self) -> Run | None:
            """The run shown."""

        def current_spec(self) -> RunSpec:
            """What the form would train now."""

    def show_results(self, run: Run) -> None:
        """Fill the Results and Inside tabs from a finished run."""
        self.query_one(ResultsPanel).show(run, self.link.lab.why_not_continue(run))
        self.query_one(InsidePanel).show(run, self.link.lab)
        self.refresh_runs()

    def why_not(self, action: str) -> str | None:
        """The word for x, f or k pressed when it does not apply."""
        if action == "cancel":
            return "Nothing is training on this step: x cancels a job while it runs."
        if action == "fix":
            return "The form offers no fix now: f applies one that a field's warning offers."
        if action == "continue":
            if self.run is None:
                return "No run on this step yet: train one (t), then k continues it from its checkpoint."
            return self.link.lab.why_not_continue(self.run)
        return None

    def refresh_runs(self) -> None:
        """A run finished somewhere: the Results tab's table of this step's runs."""
        if self._built:
            mine = [r for r in self.link.lab.run_table() if r.spec.step == self.step.number and r.finished]
            self.query_one(ResultsPanel).show_step_runs(mine, self.run.run_id if self.run is not None else None)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "inside-pane":
            self.query_one(InsidePanel).opened()  # its predictions are read when first looked at

    @on(ParamField.HelpRequested)
    def _field_help(self, message: ParamField.HelpRequested) -> None:
        message.stop()
        extra = None
        if message.meta.name == "activation":  # the curves of the functions it offers, the form's own marked
            extra = activation_pictures(self.current_spec().params.get("activation") or message.meta.default)
        self.app.push_screen(InfoDialog(f"{message.meta.name}: H2O's help", help_text(message.meta), extra))

    @on(MistakesFound)
    def _on_mistakes(self, message: MistakesFound) -> None:
        message.stop()
        self.show_mistakes(message.run_id, message.count, message.digits)

    def show_mistakes(self, run_id: str, count: int, digits: list) -> None:
        """Show the test digits a run gets wrong (MNIST); kept for later while the step is not built."""
        self.mistakes = (run_id, count, digits)
        if self._built:
            self.query_one(MistakesPanel).show(run_id, count, digits, self.link.mnist_rows()[1])
