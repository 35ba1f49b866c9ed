"""The model store: models kept on disk between sessions, and which of them the current cluster holds."""

from __future__ import annotations

import time
from pathlib import Path

from tui.lab.errors import LabError
from tui.lab.h2o_errors import as_lab_error, first_line
from tui.lab.journal import Journal
from tui.lab.quiet import quiet_h2o
from tui.lab.session import Session
from tui.lab.training import INTERRUPTED, RUNNING, Run


class ModelStore:
    """Saved models by run, the runs of earlier sessions, and the models loaded in this cluster."""

    def __init__(self, session: Session, journal: Journal, models_dir: Path) -> None:
        self.session = session
        self.journal = journal
        self.models_dir = models_dir
        self.past_runs: list[Run] = []
        self.model_paths: dict[str, str] = {}
        self.in_cluster: set[str] = set()  # models the current cluster holds (trained or reloaded here)

    def load_past(self) -> int:
        """Read earlier sessions' runs from the journal (one left running by a crash is marked
        interrupted); returns the highest run number found."""
        highest = 0
        for run, model_path in self.journal.runs():
            if run.status == RUNNING:
                run.status = INTERRUPTED
                run.finished_at = run.finished_at or time.time()
                run.error = run.error or "h2o-lab stopped while this model trained."
                self.journal.save_run(run, model_path)
            self.past_runs.append(run)
            if model_path:
                self.model_paths[run.run_id] = model_path
            number = run.run_id.rsplit("-", 1)[-1]
            if number.isdigit():
                highest = max(highest, int(number))
        return highest

    def holds(self, model_id: str) -> None:
        """Note that the current cluster holds ``model_id`` (a model trained here)."""
        self.in_cluster.add(model_id)

    def forget_cluster(self) -> None:
        """The cluster is gone, and every model it held with it."""
        self.in_cluster.clear()

    def has_model(self, run: Run) -> bool:
        """Whether the current cluster holds the run's model (trained in it, or reloaded)."""
        return run.model_id in self.in_cluster

    def save_model(self, run: Run) -> str:
        """Keep a finished model on disk so a later session can load it again; returns the file."""
        import h2o  # noqa: PLC0415

        target = self.models_dir / run.run_id
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LabError(
                f"The model of {run.run_id} cannot be saved in {target}: {exc.strerror}.", title="Saving"
            ) from None
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                if self.session.own:
                    path = h2o.save_model(model, path=str(target), force=True)
                else:
                    path = h2o.download_model(model, path=str(target))
        except Exception as exc:
            text = str(exc)
            why = "the disk is full" if "No space" in text or "full" in text.lower() else first_line(text)
            kept = "; the run itself is kept in the journal" if self.journal.usable else ""
            raise LabError(f"The model of {run.run_id} could not be saved ({why}){kept}.", title="Saving") from None
        self.model_paths[run.run_id] = str(path)
        self.journal.save_run(run, str(path))
        return str(path)

    def ensure_model(self, run: Run) -> None:
        """Make sure the cluster holds the run's model, loading it from disk for an earlier session's run."""
        if not self.has_model(run) and run.run_id in self.model_paths:
            self.reload_run(run)

    def ensure_checkpoint(self, model_id: str | None) -> None:
        """Load the earlier session's model a run continues from, when the cluster does not hold it."""
        if model_id and model_id not in self.in_cluster:
            base = next((r for r in self.past_runs if r.model_id == model_id), None)
            if base is not None:
                self.ensure_model(base)

    def reload_run(self, run: Run) -> None:
        """Load a saved model of an earlier session into the current cluster."""
        if self.has_model(run):
            return
        path = self.model_paths.get(run.run_id)
        if not path:
            raise LabError(f"No saved model for {run.run_id}: it did not finish, or saving failed.", title="Reload")
        if not Path(path).exists():
            raise LabError(f"The saved model of {run.run_id} is gone ({path}).", title="Reload")
        import h2o  # noqa: PLC0415

        try:
            with quiet_h2o():
                model = h2o.load_model(path) if self.session.own else h2o.upload_model(path)
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not load the model of {run.run_id}") from None
        run.model_id = model.model_id
        self.in_cluster.add(run.model_id)
