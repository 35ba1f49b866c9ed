"""The parts of the lab's one door that hand a call straight to the module owning it: models and scoring,
sweeps and scripts. :class:`tui.lab.service.Lab` is made of them and builds the parts they name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.lab.code import Code
from tui.lab.config import LabConfig
from tui.lab.datasets import DataResolver
from tui.lab.evaluation import Evaluation
from tui.lab.frames import FrameInfo
from tui.lab.jobs import Jobs, continue_params, why_not_continue
from tui.lab.journal import Journal
from tui.lab.mnist import Digit, MnistInfo
from tui.lab.models import ModelStore
from tui.lab.predictions import Predictions, RowScore
from tui.lab.scoring import Scoring
from tui.lab.session import Session
from tui.lab.steps import Step
from tui.lab.sweep import SweepPlan
from tui.lab.sweep_runner import SweepRunner, SweepState
from tui.lab.training import Run, RunSpec
from tui.lab.weights import LayerWeights


class ModelDoor:
    """Saved models, and what a trained model says: mistakes, evaluation, predictions, weights."""

    models: ModelStore
    scoring: Scoring
    journal: Journal
    jobs: Jobs

    def has_model(self, run: Run) -> bool:
        """Whether the current cluster holds the run's model (trained in it, or reloaded)."""
        return self.models.has_model(run)

    def save_model(self, run: Run) -> str:
        """Keep a finished model on disk so a later session can load it again; returns the file."""
        return self.models.save_model(run)

    def ensure_model(self, run: Run) -> None:
        """Make sure the cluster holds the run's model, loading it from disk for an earlier session's run."""
        self.models.ensure_model(run)

    def reload_run(self, run: Run) -> None:
        """Load a saved model of an earlier session into the current cluster."""
        self.models.reload_run(run)

    def mistakes(self, run: Run, limit: int = 24) -> tuple[int, list[Digit]]:
        """How many test digits the run's model gets wrong, and the first ``limit`` of them."""
        return self.scoring.mistakes(run, limit)

    def evaluate(self, run: Run) -> Evaluation:
        """H2O's AUC, AUCPR and thresholds for a binomial run, and the same two figures computed again."""
        return self.scoring.evaluate(run)

    def predictions(self, run: Run) -> Predictions:
        """The run's predictions on the first rows it is judged on (with the cars' names and training ranges)."""
        return self.scoring.predictions(run)

    def score_row(self, run: Run, values: dict[str, float], ranges: dict[str, tuple[float, float]]) -> RowScore:
        """The run's answer for one row the learner wrote, with notes on values outside the training range."""
        return self.scoring.score_row(run, values, ranges)

    def weights(self, run: Run) -> list[LayerWeights]:
        """The run's weights layer by layer (it must have been trained with export_weights_and_biases);
        the summary is kept with the run in the journal."""
        had = bool(run.weights)
        found = self.scoring.weights(run)
        if not had:
            # The screens hold copies of the runs: the lab's own run keeps the summary too (for comparisons).
            for own in (*self.models.past_runs, *self.jobs.runs):
                if own.run_id == run.run_id and own is not run:
                    own.weights = list(run.weights)
            self.journal.save_run(run)
        return found


class CodeDoor:
    """Sweeps, continuing a run, and the h2o-py scripts and exports of what the lab did."""

    config: LabConfig
    session: Session
    resolver: DataResolver
    code: Code
    sweeps: SweepRunner
    models: ModelStore
    jobs: Jobs

    def sweep(
        self,
        plan: SweepPlan,
        on_update: Callable[[SweepState, Run | None], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> SweepState:
        """Train every combination of a sweep as one H2O grid search; each finished model is a run."""
        return self.sweeps.run(plan, on_update, should_cancel)

    def cancel_sweep(self) -> None:
        """Stop the running sweep; the models it finished are kept."""
        self.sweeps.cancel()

    def sweep_code(self, plan: SweepPlan, metric: str, grid_id: str = "") -> str:
        """The h2o-py script of the grid search that trains ``plan`` (what :meth:`sweep` runs)."""
        from tui.lab.sweep_code import sweep_code  # noqa: PLC0415

        return sweep_code(self.code, plan, metric, grid_id or self.sweeps.next_grid_key())

    def continue_params(self, run: Run) -> dict[str, Any]:
        """The parameters that continue a finished run from its checkpoint."""
        return continue_params(run)

    def why_not_continue(self, run: Run) -> str | None:
        """Why a run cannot be continued from its checkpoint, or None when it can."""
        return why_not_continue(run)

    def export_session(self, output: Path, fmt: str, which: str, local_data: bool) -> str:
        """Write this session's runs (or every session's) as a script or a notebook; says what was written."""
        from tui.lab.export import write_export  # noqa: PLC0415

        every = [*self.models.past_runs, *self.jobs.runs]
        return write_export(
            every,
            output,
            fmt=fmt,
            which=which,
            local_data=local_data,
            data_dir=self.config.data_dir,
            cache_dir=self.resolver.cache_dir,
            current=self.session.token,
        )

    def code_for(self, spec: RunSpec, step: Step | None = None, info: Any = None) -> str:
        """The h2o-py script for ``spec``, importing the file this lab loaded (or would load)."""
        return self.code.code_for(spec, step, info)

    def connect_code(self) -> str:
        """The script that reaches this lab's cluster (step 1)."""
        return self.code.connect_code()

    def import_code(self, name: str, info: FrameInfo | MnistInfo | None = None) -> str:
        """The script that connects and imports ``name``: "cars" (step 2) or "mnist" (step 10)."""
        return self.code.import_code(name, info)
