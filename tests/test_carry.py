"""A step's form starts from the learner's own step before, and compares itself with what was really there."""

from __future__ import annotations

from tui.lab.carry import Carry, last_run_of, loaded_start, start, step_changes
from tui.lab.journal import Journal
from tui.lab.steps import step
from tui.lab.training import CANCELLED, DONE, FAILED, Run


def a_run(number: int, run_id: str, status: str = DONE, started: float = 1.0, **params) -> Run:
    spec = step(number).spec()
    spec.params.update(params)
    return Run(run_id=run_id, spec=spec, status=status, started_at=started)


def test_a_step_starts_from_the_learners_last_run_of_the_step_before():
    four = a_run(4, "run-4", epochs=30, seed=7)
    begin = start(step(5), four)
    # Step 5 sets its own epochs (20) and dropout; the seed the learner chose in step 4 stays.
    assert begin.params["epochs"] == 20 and begin.params["seed"] == 7
    assert begin.params["activation"] == "TanhWithDropout"
    # The form compares with what run-4 had, not with step 4's walkthrough values.
    assert begin.base["epochs"] == 30 and begin.label == "run-4"
    assert "run-4 of step 4" in begin.note


def test_the_next_step_keeps_what_the_learner_changed():
    five = a_run(5, "run-5", hidden_dropout_ratios=[0.2, 0.2])
    begin = start(step(6), five)
    assert begin.params["hidden_dropout_ratios"] == [0.2, 0.2]  # step 6 only adds mini_batch_size
    assert begin.base["hidden_dropout_ratios"] == [0.2, 0.2]
    assert begin.changes == {"mini_batch_size": 32}


def test_the_learners_fix_of_step_7_goes_on_to_step_8():
    seven = a_run(7, "run-9", adaptive_rate=False)
    begin = start(step(8), seven)
    assert begin.params["adaptive_rate"] is False and begin.params["l1"] == 1e-5


def test_without_a_run_the_walkthrough_values_are_compared_with_the_step_before():
    begin = start(step(5), None)
    assert begin.params == step(5).spec().params
    assert begin.base == step(4).spec().params and begin.label == "step 4"
    assert "no run of step 4 yet" in begin.note


def test_a_new_problem_compares_itself_with_nothing():
    for number in (11, 12):  # MNIST after the data step; the cars classifier after MNIST
        begin = start(step(number), a_run(number - 1, "run-1") if number == 12 else None)
        assert begin.base is None and begin.params == step(number).spec().params
    assert "new question" in start(step(12), None).note


def test_the_last_run_is_the_latest_one_that_was_not_a_failure():
    stopped = a_run(4, "run-2", status=CANCELLED, started=2.0)
    stopped.metrics = {"training": {"MSE": 0.2}}  # stopped after H2O had scored a model
    runs = [
        a_run(4, "run-1", started=1.0),
        stopped,
        a_run(4, "run-3", status=FAILED, started=3.0),
        a_run(5, "run-4", started=4.0),
    ]
    assert last_run_of(runs, 4).run_id == "run-2"
    assert last_run_of(runs, 3) is None
    begin = start(step(5), stopped)
    assert begin.note.startswith("Values of your run-2 of step 4 (stopped early), with step 5's changes"), begin.note


def test_a_run_stopped_before_it_had_a_model_is_passed_over_and_the_form_says_why():
    stopped = a_run(7, "run-5", status=CANCELLED, started=5.0, adaptive_rate=False)  # no scores, no metrics
    carry = Carry(Journal(None))
    begin = carry.start_of(step(8), [stopped])
    assert begin.params == step(8).spec().params and begin.label == "step 7"
    assert begin.note.startswith(
        "Step 8's values from the walkthrough: your run-5 of step 7 was stopped before it had a model, so there is "
        "nothing to build on."
    ), begin.note
    # An earlier run of step 7 with a model is built on instead, and the form says why not the later one.
    mine = a_run(7, "run-3", started=1.0, adaptive_rate=False, rate=0.01)
    begin = carry.start_of(step(8), [mine, stopped])
    assert begin.label == "run-3" and begin.params["rate"] == 0.01
    assert "your run-5 of step 7 was stopped before it had a model, so it is not built on" in begin.note
    # Trained again after the stop: that run is built on, and the stop is no longer worth a word.
    again = a_run(7, "run-6", started=6.0, adaptive_rate=False)
    assert "stopped" not in carry.start_of(step(8), [mine, stopped, again]).note


def test_step_changes_are_what_the_walkthrough_adds():
    assert step_changes(step(7), step(6)) == {"rate": 0.01}
    assert step_changes(step(6), step(5)) == {"mini_batch_size": 32}


def test_values_an_earlier_step_showed_to_do_nothing_are_said_once_above_the_form():
    # No step-7 run: step 8 keeps the walkthrough's rate and mini-batch, and says so plainly, naming the step.
    note = start(step(8), None).note
    assert "mini_batch_size 32 stays" in note and "(step 6)" in note
    assert "rate 0.01 stays" in note and "step 7" in note
    # Step 6 is where mini-batches are taught: no note there; step 7 recalls only step 6's point.
    assert "stays" not in start(step(6), None).note
    assert "rate" not in start(step(7), None).note and "mini_batch_size 32 stays" in start(step(7), None).note
    # The learner's fix of step 7 goes on: nothing about rate to say.
    fixed = start(step(8), a_run(7, "run-7", adaptive_rate=False, mini_batch_size=1))
    assert "stays" not in fixed.note


async def test_before_the_cluster_is_ready_a_step_shows_the_learners_values_from_the_journal(tmp_path):
    """No cluster yet (H2O's parameter list, which builds the form, has not come): from the first frame a step
    shows the values its form will start with, the learner's own from the journal, not the step's preset."""
    from tests.waiting import rendered, until
    from tui.app import make_app
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    config = LabConfig(
        cluster=ClusterOptions(), download=False, journal_path=tmp_path / "journal.sqlite3", models_dir=tmp_path
    )
    first = Lab(config)
    params = {**step(4).spec().params, "epochs": 50.0, "l1": 0.0001}  # as the form reads "50": a float
    four = Run.from_dict(
        {
            "run_id": "run-1",
            "spec": {**step(4).spec().to_dict(), "params": params},
            "status": DONE,
            "metrics": {"training": {"MSE": 0.1}, "validation": {"MSE": 0.1}},
            "started_at": 1.0,
            "finished_at": 3.0,
        }
    )
    first.journal.save_run(four)
    # What the app keeps as the learner leaves step 4: its place, and the values left in its form.
    first.journal.save_state("progress", {"current": 4, "done": [], "forms": {"4": {"params": params}}})
    first.journal.close()

    lab = Lab(config)
    app = make_app(lab, autostart=False, health_interval=0)

    def shown(number: int) -> str:
        view = app.lab_screen.view(number) if app._view_number(number) is not None else None
        found = view.query("#settings") if view is not None else []
        return rendered(found[0]) if found else ""

    def value(text: str, name: str) -> str:
        line = next((row for row in text.splitlines() if row.strip().startswith(f"{name} ")), "")
        return line.strip().removeprefix(name).strip()

    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "epochs" in shown(4), what="step 4's values")
        assert app.lab_screen.view(4).form is None and not lab.ready  # no cluster: no form yet
        assert value(shown(4), "epochs") == "50" and value(shown(4), "l1") == "0.0001", shown(4)
        # Step 5 starts from the learner's run of step 4 (its l1), with step 5's own changes (epochs 20).
        app.show_step(5)
        await until(pilot, lambda: "epochs" in shown(5), what="step 5's values")
        assert value(shown(5), "epochs") == "20" and value(shown(5), "l1") == "0.0001", shown(5)
        assert app.lab_screen.view(5).current_spec().params["l1"] == 0.0001  # what t would train, and the code
        # A run loaded back before the form comes: the summary says its values.
        again = Run.from_dict({**four.to_dict(), "run_id": "run-2", "spec": {**four.spec.to_dict(), "params": {}}})
        again.spec.params = {**params, "epochs": 30.0}
        app.load_run(again)
        await until(pilot, lambda: value(shown(4), "epochs") == "30", what=lambda: f"epochs 30 in {shown(4)}")
    lab.close()


def swept(number: int, run_id: str, started: float, sweep: str = "sweep-1", **params) -> Run:
    run = a_run(number, run_id, started=started, **params)
    run.sweep = sweep
    return run


def test_a_sweeps_models_are_not_the_steps_values_until_one_is_loaded():
    # The learner's own run of step 7, then a learning-rate sweep whose last model has the highest rate.
    mine = a_run(7, "run-3", started=1.0, adaptive_rate=False, rate=0.01)
    sweep = [swept(7, f"run-{4 + i}", 2.0 + i, adaptive_rate=False, rate=r) for i, r in enumerate((0.001, 0.05))]
    runs = [mine, *sweep]
    assert last_run_of(runs, 7).run_id == "run-3"
    assert last_run_of(sweep, 7) is None
    # Loaded with l (at time 10), the sweep's model counts from then on, until the learner trains again.
    assert last_run_of(runs, 7, {"run-5": 10.0}).run_id == "run-5"
    assert last_run_of([*runs, a_run(7, "run-6", started=11.0)], 7, {"run-5": 10.0}).run_id == "run-6"


def test_step_8_after_a_sweep_on_step_7_starts_from_the_learners_own_run(tmp_path):
    carry = Carry(Journal(tmp_path / "journal.sqlite3"))
    mine = a_run(7, "run-3", started=1.0, adaptive_rate=False, rate=0.01)
    runs = [mine, swept(7, "run-4", 2.0, adaptive_rate=False, rate=0.05)]
    begin = carry.start_of(step(8), runs)
    assert begin.params["rate"] == 0.01 and begin.label == "run-3"
    assert begin.note.startswith(
        "Values of your run-3 of step 7, with step 8's changes (export_weights_and_biases, l1); sweep-1's later "
        "models count once you load one into the form with l (All runs). 'Reset"
    )
    assert begin.source == "your run-3 of step 7"
    # The learner loads the sweep's model: step 8 builds on it, and says whose it is; so does the next session.
    carry.run_loaded(runs[1])
    for again in (carry, Carry(Journal(tmp_path / "journal.sqlite3"))):
        begin = again.start_of(step(8), runs)
        assert begin.params["rate"] == 0.05 and begin.label == "run-4"
        assert begin.note.startswith("Values of sweep-1's run-4 of step 7, which you loaded, with step 8's changes")
        assert "count once" not in begin.note


def test_a_sweep_alone_leaves_the_walkthroughs_values_and_says_why():
    begin = Carry(Journal(None)).start_of(step(8), [swept(7, "run-4", 2.0, adaptive_rate=False, rate=0.05)])
    assert begin.params == step(8).spec().params and begin.label == "step 7"
    assert "no run of step 7 yet to build on: sweep-1's models count once you load one" in begin.note


def test_a_step_the_learner_ran_starts_from_their_last_run_of_it():
    seven = a_run(7, "run-3", started=1.0, adaptive_rate=False)
    eight = a_run(8, "run-9", started=2.0, adaptive_rate=False, l2=1e-4)
    runs = [seven, eight, swept(8, "run-10", 3.0, l2=0.1)]
    begin = Carry(Journal(None)).start_of(step(8), runs)
    assert begin.params["l2"] == 1e-4 and begin.params["adaptive_rate"] is False
    # The fields still compare with the step before, as the learner had it.
    assert begin.label == "run-3" and begin.base["adaptive_rate"] is False and "l2" not in begin.base
    assert begin.note.startswith("Values of your run-9 of this step, the last you trained or loaded here.")


def test_a_loaded_run_says_whose_it_is():
    assert loaded_start(a_run(7, "run-3")).note == "Values of your run-3 of this step, loaded from All runs."
    assert loaded_start(swept(7, "run-5", 1.0)).note == "Values of sweep-1's run-5 of this step, loaded from All runs."
