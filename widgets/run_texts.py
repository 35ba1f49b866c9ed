"""The words about one run: its status line, its figures so far, and H2O's messages with the lab's notes.

Plain functions of a :class:`~tui.lab.training.Run`: the Training tab and the Results tab both show them.
"""

from __future__ import annotations

from rich.text import Text

from tui.lab import fmt
from tui.lab.carry import RATE_STEP, recalled_warning
from tui.lab.training import CANCELLED, DONE, FAILED, INTERRUPTED, RUNNING, Run

STATUS_STYLE = {
    RUNNING: ("Training", "bold yellow"),
    DONE: ("Finished", "bold green"),
    CANCELLED: ("Cancelled", "bold yellow"),
    FAILED: ("Failed", "bold red"),
    INTERRUPTED: ("Interrupted: the cluster went away", "bold red"),
}


def status_text(run: Run, expected: float | None = None, early: bool = False) -> Text:
    """``Training · 40% · 870 samples/s · 5 s left`` while running; the outcome after.

    ``expected``: the run's length estimated before it started (MNIST), said until H2O gives its own; ``early``:
    that estimate is a trial's, which the run will likely beat.
    """
    label, style = STATUS_STYLE.get(run.status, (run.status, "bold"))
    text = Text(label, style=style)
    if run.status == RUNNING:
        text.append(f" · {run.elapsed:.0f} s")
        if expected is not None and run.time_left is None:
            text.append(f" of {'up to ' if early else ''}about {fmt.duration(expected)}")
        if run.speed is not None:
            text.append(f" · {run.speed:,.0f} samples/s")
        if run.time_left is not None:
            text.append(f" · {fmt.duration(run.time_left)} left")
    else:
        # "Cancelled after 4.4 s; the partial model is kept": the time is the run's, not the keeping's.
        took = "after" if run.status == CANCELLED else "in"
        kept = "; the partial model is kept" if run.status == CANCELLED else ""
        text.append(f" {took} {fmt.duration(run.elapsed)}{kept} · {run.run_id}")
        if run.checkpoint_of:
            text.append(f", continuing {run.checkpoint_of}")
        if run.error:
            text.append("\n" + run.error, style="red")
    return text


def metrics_text(run: Run) -> Text:
    """The latest scores on one line per frame (training, validation, cross-validation)."""
    text = Text()
    for which, label in (
        ("training", "Training"),
        ("validation", "Validation"),
        ("cross_validation", "Cross-validation"),
    ):
        values = run.metrics.get(which)
        if not values:
            continue
        if text:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        parts = []
        keys = (
            (("error", "error"), ("accuracy", "accuracy"), ("logloss", "logloss"))
            if "error" in values
            else (
                ("MSE", "MSE"),
                ("RMSE", "RMSE"),
                ("mae", "MAE"),
                ("r2", "R²"),
                ("logloss", "logloss"),
                ("AUC", "AUC"),
            )
        )
        for key, name in keys:
            if key in values:
                parts.append(f"{name} {fmt.number(values[key])}")
        text.append("  ".join(parts))
    asked = run.spec.params.get("epochs") or 10.0
    done = run.epochs_done if run.history.rows else 0.0
    if text and run.status == DONE and not run.spec.params.get("nfolds") and done > float(asked) * 1.02:
        text.append(
            f"\nH2O trained {fmt.number(done)} epochs for the {fmt.number(float(asked))} asked: it stops "
            "at the end of an iteration (train_samples_per_iteration sets its size).",
            style="italic",
        )
    kept = run.history.kept_row()
    if text and kept is not None:
        epoch = run.history.column("epochs")[kept]
        text.append(
            f"\n◆ H2O kept the model of epoch {fmt.number(epoch)}, its best score, not the last one "
            "(overwrite_with_best_model): these scores are that model's.",
            style="italic",
        )
    return text


def run_message(run: Run) -> Text:
    """H2O's latest word on a running job, its warnings, and the lab's notes."""
    message = Text()
    if run.status == RUNNING and run.message:
        message.append("H2O: ", style="bold")
        message.append(run.message.strip())
    for warning in run.warnings:
        if recalled_warning(run, warning):
            # An earlier step taught it, and the step's note says why the value stays: recalled, not warned again.
            message.append(("\n" if message else "") + f"H2O: {warning} (step {RATE_STEP} explains it)", style="dim")
            continue
        message.append(("\n" if message else "") + "H2O warns: " + fmt.short_lists(warning), style="yellow")
    for note in run.notes:
        message.append(("\n" if message else "") + note, style="bold yellow")
    return message
