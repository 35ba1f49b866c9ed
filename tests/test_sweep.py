"""Sweeps on a real cluster: H2O's grid search trains the combinations, each finished model is a run."""

from __future__ import annotations

import time

from tui.lab.steps import step
from tui.lab.sweep import Axis, SweepPlan
from tui.lab.sweep_runner import SWEEP_CANCELLED
from tui.lab.training import DONE, RUNNING


def test_a_sweep_cancelled_after_its_second_model_keeps_both(lab, cars):
    spec = step(4).spec()
    # Two short models, then one long enough that the cancel always comes while it trains.
    plan = SweepPlan(spec, [Axis("epochs", [1.0, 2.0, 400.0])])
    finished = []

    def heard(_state, run):
        if run is not None:
            finished.append(run)

    started = time.monotonic()
    state = lab.sweep(plan, heard, should_cancel=lambda: len(finished) >= 2)
    took = time.monotonic() - started
    assert state.status == SWEEP_CANCELLED, state.error
    assert [r.spec.params["epochs"] for r in state.runs] == [1.0, 2.0]
    assert [r.status for r in state.runs] == [DONE, DONE]
    ids = {r.run_id for r in state.runs}
    table = {r.run_id: r for r in lab.run_table()}
    assert ids <= set(table)
    journal = {r.run_id: r for r, _path in lab.journal.runs()}
    assert ids <= set(journal) and all(journal[i].status == DONE for i in ids)
    for run in state.runs:
        assert run.sweep == state.sweep_id
        assert run.metrics.get("validation", {}).get("MSE") is not None
        assert lab.has_model(run)
        assert lab.why_not_continue(run) is None  # it can be continued like any finished run
    assert not any(r.status == RUNNING for r in lab.runs)
    job = lab.session.rest().get(f"/3/Jobs/{state.job_key}")["jobs"][0]
    assert job["status"] == "CANCELLED"
    jobs = lab.session.rest().get("/3/Jobs")["jobs"]
    assert [j["dest"]["name"] for j in jobs if j["status"] in ("RUNNING", "CREATED")] == []  # nothing left training
    assert took < 25
