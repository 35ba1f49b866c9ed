"""A step's own runs side by side, by the metric that fits their kind: what changed and what it gave.

Step 11 asks the learner to change values and watch the accuracy: this is that table (and every other step's).
"""

from __future__ import annotations

from rich.text import Text

from tui.lab import fmt, kinds
from tui.lab.carry import changes
from tui.lab.training import Run


def step_runs_table(runs: list[Run], current: str | None) -> Text:
    """One row per finished run of the step, oldest first; the run shown above is marked, the best value bold."""
    if not runs:
        return Text("No finished run of this step yet.", style="dim")
    name = kinds.key_metric(runs[-1])
    label = kinds.LABELS[name]
    known = [v for r in runs if (v := kinds.value(r, name, "validation")) is not None]
    best = (max(known) if name in kinds.HIGHER_IS_BETTER else min(known)) if known else None
    runs = sorted(runs, key=lambda r: r.started_at or 0.0)
    valid = [kinds.value(r, name, "validation") for r in runs]
    heads = ("run", f"train {label}", f"valid {label}", "time")
    text = Text(f"{heads[0]:<10}{heads[1]:>16}{heads[2]:>16}{heads[3]:>8}", style="bold")
    for run, value in zip(runs, valid):
        mine = run.run_id == current
        text.append("\n")
        text.append(f"{run.run_id + (' ◀' if mine else ''):<10}", style="bold" if mine else "")
        text.append(f"{kinds.shown(name, kinds.value(run, name, 'training')):>16}")
        text.append(
            f"{kinds.shown(name, value):>16}", style="bold green" if value is not None and value == best else ""
        )
        text.append(f"{fmt.duration(run.elapsed):>8}")
        text.append(f"\n  {changes(run)}", style="dim")  # often longer than the width: a line of its own
    return text
