"""A run that H2O stops as numerically unstable: the failure names its likely cause, and f offers what helps."""

from __future__ import annotations

import copy

from tests import replay
from tests.test_h2o_errors import UNSTABLE
from tests.waiting import rendered, until
from tui.lab.carry import Start, start
from tui.lab.failure_fix import fix_after, likely_cause
from tui.lab.h2o_errors import explain_failure
from tui.lab.steps import step
from tui.lab.training import DONE, FAILED, Run, RunSpec


def failed_run(number: int, params: dict, run_id: str = "run-8") -> Run:
    """A run that failed as the recorded job did (H2O's own text), with ``params``."""
    spec = step(number).spec()
    spec.params = dict(params)
    error = explain_failure(UNSTABLE["exception"], UNSTABLE["stacktrace"], likely_cause(spec))
    return Run(run_id=run_id, spec=spec, status=FAILED, error=error)


def sweep_model(rate: float = 0.05) -> Run:
    """The last model of a learning-rate sweep on step 7, which the learner loaded."""
    spec = step(7).spec()
    spec.params.update({"adaptive_rate": False, "rate": rate})
    return Run(run_id="run-5", spec=spec, status=DONE, sweep="sweep-1")


def test_the_failure_names_the_rate_and_the_fix_that_helps():
    spec = RunSpec(step=8, params=UNSTABLE["params"], response="cylinders", predictors=[])
    said = explain_failure(UNSTABLE["exception"], UNSTABLE["stacktrace"], likely_cause(spec))
    assert said.startswith("The network became numerically unstable: its weights grew")
    assert (
        "The likely cause: rate 0.05 with adaptive_rate off, too large a step for this network. Lower rate (to 0.01, "
        "say) or turn adaptive_rate on." in said
    )
    assert "l1" not in said.split("H2O said:")[0]
    # With adaptive_rate on, the rate is not to blame, and the words do not pretend it is.
    adaptive = RunSpec(step=8, params={**UNSTABLE["params"], "adaptive_rate": True}, response="", predictors=[])
    assert "ADADELTA set the rate" in likely_cause(adaptive) and "Lower rate" not in likely_cause(adaptive)


def test_the_fix_is_a_lower_rate_and_says_where_the_rate_came_from():
    model = sweep_model()
    begin = start(step(8), model)  # step 8's form built on the loaded sweep model
    run = failed_run(8, begin.params)
    fix = fix_after(run, begin.params, begin)
    assert (fix.name, fix.value, fix.label) == ("rate", 0.01, "Use rate = 0.01")
    assert fix.said.startswith("rate 0.05 came from sweep-1's run-5 of step 7, which you loaded.")
    assert "run-8 became numerically unstable with this rate and adaptive_rate off" in fix.note
    # Typed in the form, the rate is said to be; a rate lower than the walkthrough's is divided by ten.
    typed = fix_after(failed_run(8, {**begin.params, "rate": 0.004}), {**begin.params, "rate": 0.004}, begin)
    assert typed.value == 0.0004 and typed.said.startswith("rate 0.004 was set in this form.")
    # The walkthrough's own rate, as step 7 sets it.
    seven = start(step(7), None)
    own = {**seven.params, "adaptive_rate": False}
    assert fix_after(failed_run(7, own), own, seven).said.startswith("rate 0.01 came from step 7's walkthrough")


def test_no_fix_once_the_form_moved_on_or_when_the_rate_is_not_to_blame():
    begin = start(step(8), sweep_model())
    run = failed_run(8, begin.params)
    assert fix_after(run, {**begin.params, "rate": 0.01}, begin) is None
    assert fix_after(run, {**begin.params, "adaptive_rate": True}, begin) is None
    adaptive = {**begin.params, "adaptive_rate": True}
    assert fix_after(failed_run(8, adaptive), adaptive, begin) is None
    assert fix_after(Run(run_id="run-9", spec=run.spec, status=DONE), begin.params, begin) is None


async def test_f_after_an_unstable_run_lowers_the_rate_before_it_offers_l1():
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.loaded(pilot)
        model = sweep_model()
        replay.remember(app, runs=(model,))
        app.lab.run_loaded(model)
        app.show_step(8)
        view = app.lab_screen.view(8)
        await until(pilot, lambda: view.form is not None and view.form.field("rate") is not None, what="step 8's form")
        assert view.form.values["rate"] == 0.05 and view.form.first_fix()[0] == "l1"  # step 8's lesson alone
        failed = failed_run(8, view.current_spec().params)
        view.show_run(failed)
        replay.replayed_run(app, copy.deepcopy(failed))
        await until(pilot, lambda: view.form.first_fix() is not None and view.form.first_fix()[0] == "rate", what="fix")
        status = rendered(view.query_one("#run-status"))
        assert "The likely cause: rate 0.05 with adaptive_rate off" in status, status
        assert "rate 0.05 came from sweep-1's run-5 of step 7, which you loaded. Press f to set rate to 0.01" in status
        rate = view.form.field("rate")
        assert "became numerically unstable with this rate" in rendered(rate.query_one(".message"))
        view.focus()
        await pilot.press("f")
        await until(pilot, lambda: view.form.values.get("rate") == 0.01, what="f to lower the rate")
        assert view.form.values["adaptive_rate"] is False
        # The failure's fix is gone with the rate that failed; the lesson's l1 comes next, and the words follow.
        await until(pilot, lambda: view.form.first_fix()[0] == "l1", what="l1's fix next")
        assert "Press f" not in rendered(view.query_one("#run-status"))


def test_the_origin_of_values_put_in_the_form_is_kept():
    origin = Start({"rate": 0.02, "adaptive_rate": False}, source="your run-2 of this step, loaded from All runs")
    run = failed_run(7, {**step(7).spec().params, "rate": 0.02, "adaptive_rate": False})
    fix = fix_after(run, run.spec.params, origin)
    assert fix.said.startswith("rate 0.02 came from your run-2 of this step, loaded from All runs.")
