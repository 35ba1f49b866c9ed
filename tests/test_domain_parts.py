"""The lab's own copy of what the screens show: speeds, split sizes, run snapshots, continuing, scripts (no H2O)."""

from __future__ import annotations

import copy
import dataclasses
import threading

import pytest

from tests.replay import cars_info, mnist_info
from tests.replay import run as recorded_run
from tui.lab import codegen
from tui.lab.cluster import ClusterOptions
from tui.lab.data_files import ResolvedData
from tui.lab.journal import Journal
from tui.lab.service import Lab, LabConfig
from tui.lab.steps import step
from tui.lab.training import DONE, INTERRUPTED, RUNNING, Run, RunSpec, ScoringHistory, speed_key


@pytest.fixture
def offline_lab(tmp_path):
    """A lab that starts no cluster and keeps no journal."""
    made = Lab(LabConfig(keep_journal=False, models_dir=tmp_path / "models", data_dir=tmp_path, download=False))
    yield made
    made.journal.close()


class FakeFrame:
    def __init__(self, nrows: int) -> None:
        self.nrows = nrows


def spec(**changes) -> RunSpec:
    return dataclasses.replace(step(5).spec(), **changes)


def a_run(run_id: str, status: str = DONE, speed: str = "1,234 obs/sec") -> Run:
    history = ScoringHistory(["epochs", "training_speed"], [[1.0, speed], [2.0, speed]])
    return Run(run_id=run_id, spec=spec(), status=status, history=history)


def test_nothing_is_known_before_the_cluster_is_asked(offline_lab):
    assert offline_lab.metas is None
    assert offline_lab.known_speed(spec()) is None
    assert offline_lab.known_split_sizes(spec()) is None
    assert offline_lab.run_table() == [] and offline_lab.latest("run-1") is None


def test_split_sizes_are_kept_by_the_frames_they_describe_and_forgotten_with_the_cluster(offline_lab, monkeypatch):
    asked = []

    def frames(s: RunSpec):
        asked.append(s)
        return (FakeFrame(317), FakeFrame(89)) if s.split else (FakeFrame(406), None)

    monkeypatch.setattr(offline_lab.data, "training_frames", frames)
    split = spec(split=True)
    assert offline_lab.split_sizes(split) == [317, 89]
    assert offline_lab.split_sizes(spec(split=False)) == [406]
    assert len(asked) == 2
    assert offline_lab.known_split_sizes(split) == [317, 89]
    assert offline_lab.known_split_sizes(dataclasses.replace(split, params={"epochs": 99})) == [317, 89]  # same frames
    assert offline_lab.known_split_sizes(spec(split=False)) == [406]
    assert offline_lab.known_split_sizes(dataclasses.replace(split, split_seed=7)) is None
    assert offline_lab.known_split_sizes(dataclasses.replace(split, split_ratio=0.5)) is None
    assert offline_lab.known_split_sizes(dataclasses.replace(split, sample_rows=100)) is None
    assert len(asked) == 2, "known_split_sizes asked the cluster"
    offline_lab.known_split_sizes(split).append(1)
    assert offline_lab.known_split_sizes(split) == [317, 89], "a caller changed the kept sizes"
    offline_lab.reset_cluster()
    assert offline_lab.known_split_sizes(split) is None


def test_a_measured_speed_is_kept_for_networks_of_the_same_shape(offline_lab):
    offline_lab.speeds.remember(spec(), 5000.0)
    assert offline_lab.known_speed(spec()) == 5000.0
    same_shape = spec(params={**spec().params, "epochs": 123})
    assert speed_key(same_shape) == speed_key(spec()) and offline_lab.known_speed(same_shape) == 5000.0
    wider = spec(params={**spec().params, "hidden": [400, 400]})
    assert offline_lab.known_speed(wider) is None
    sparse = spec(params={**spec().params, "sparse": True})  # skips zero inputs: a speed of its own
    assert offline_lab.known_speed(sparse) is None


def fake_training(lab, monkeypatch, states: list[Run]):
    """Make lab.jobs.train report ``states`` (as copies, one per look) instead of asking a cluster."""

    def train(s, on_update=None, should_cancel=None, interval=None):
        for state in states:
            on_update(copy.deepcopy(state))
        return states[-1]

    monkeypatch.setattr(lab.jobs, "train", train)


def test_every_look_of_a_training_is_kept_before_the_screen_hears_of_it(offline_lab, monkeypatch):
    running = a_run("run-1", status=RUNNING, speed="")
    done = a_run("run-1", status=DONE, speed="2,500 obs/sec")
    fake_training(offline_lab, monkeypatch, [running, done])
    seen: list[Run] = []

    def on_update(shown: Run) -> None:
        assert offline_lab.latest(shown.run_id) is shown, "the screen heard of a run before the lab kept it"
        seen.append(shown)

    offline_lab.train(spec(), on_update=on_update)
    assert [r.status for r in seen] == [RUNNING, DONE]
    assert offline_lab.latest("run-1") is seen[-1]
    assert offline_lab.run_table() == [seen[-1]]
    assert offline_lab.known_speed(done.spec) == 2500.0
    offline_lab.train(spec())  # without on_update, the lab still keeps the copies
    assert offline_lab.run_table() == [offline_lab.latest("run-1")]


def test_a_run_that_does_not_finish_done_leaves_the_speed_alone(offline_lab, monkeypatch):
    fake_training(offline_lab, monkeypatch, [a_run("run-1", status="cancelled", speed="9 obs/sec")])
    offline_lab.train(spec())
    assert offline_lab.latest("run-1").status == "cancelled"
    assert offline_lab.known_speed(spec()) is None


def test_the_run_table_starts_with_the_past_runs_and_keeps_the_order_first_seen(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    for run_id in ("run-1", "run-2"):
        journal.save_run(a_run(run_id))
    journal.close()
    lab = Lab(LabConfig(journal_path=path, models_dir=tmp_path / "models", data_dir=tmp_path, download=False))
    try:
        assert [r.run_id for r in lab.run_table()] == ["run-1", "run-2"]
        assert lab.run_table()[0] is lab.past_runs[0], "a past run is the object reload_run updates"
        fake_training(lab, monkeypatch, [a_run("run-3", status=RUNNING), a_run("run-3")])
        lab.train(spec())
        fake_training(lab, monkeypatch, [a_run("run-2", status=DONE, speed="7 obs/sec")])
        lab.train(spec())
        assert [r.run_id for r in lab.run_table()] == ["run-1", "run-2", "run-3"]
        assert lab.latest("run-2").measured_speed == 7.0
    finally:
        lab.journal.close()


def test_a_run_the_lost_cluster_took_with_it_shows_as_interrupted(offline_lab):
    live = a_run("run-1", status=RUNNING, speed="")
    offline_lab.jobs.runs.append(live)
    offline_lab._publish(copy.deepcopy(live))
    offline_lab.reset_cluster()
    assert live.status == INTERRUPTED
    assert offline_lab.latest("run-1").status == INTERRUPTED and offline_lab.latest("run-1") is not live


def test_the_run_table_can_be_read_while_runs_are_published(offline_lab):
    def publish(n: int) -> None:
        for i in range(300):
            offline_lab._publish(a_run(f"run-{n}-{i % 7}", status=RUNNING))

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        assert len({r.run_id for r in offline_lab.run_table()}) == len(offline_lab.run_table())
    for thread in threads:
        thread.join()
    assert len(offline_lab.run_table()) == 28


def test_continuing_a_run_asks_for_ten_more_epochs_without_its_folds_or_checkpoint(offline_lab):
    run = recorded_run(9)
    run.spec.params.update({"checkpoint": "old_model", "nfolds": 0})
    params = offline_lab.continue_params(run)
    assert "checkpoint" not in params and "nfolds" not in params
    assert params["epochs"] == float(round(run.epochs_done + 10)) and isinstance(params["epochs"], float)
    assert {k: v for k, v in params.items() if k != "epochs"} == {
        k: v for k, v in run.spec.params.items() if k not in ("checkpoint", "nfolds", "epochs")
    }
    assert run.spec.params["checkpoint"] == "old_model", "the run itself was changed"
    assert offline_lab.why_not_continue(run) is None


def test_a_cross_validated_run_cannot_be_continued_and_the_lab_says_why(offline_lab):
    run = recorded_run(9)
    run.spec.params["nfolds"] = 3
    assert offline_lab.why_not_continue(run) == (
        f"{run.run_id} was trained with cross-validation (nfolds=3), and H2O cannot continue such a run. "
        "Train one without nfolds (set it to 0), then continue that one."
    )


def app_scripts(lab: Lab, cars, mnist) -> tuple[str, str, str]:
    """The scripts of steps 1, 2 and 10 as tui/app.py's _refresh_code built them before the lab did."""
    opts = lab.config.cluster
    connect = codegen.connect_code(opts.own, opts.url or "", opts.user)
    spec_ = lab.resolver.spec("cars")
    upload = not opts.own  # a cluster the lab did not start is sent the files (upload_file)
    if cars is not None:
        path = cars.source.path if upload or cars.source.source != "download" else spec_.url
        code = codegen.import_cars_code(path, spec_.url, cars.source.standin, upload)
    else:
        code = codegen.import_cars_code(spec_.url, spec_.url)
    train_url = lab.resolver.spec("mnist-train").url
    test_url = lab.resolver.spec("mnist-test").url
    paths = [train_url, test_url]
    if mnist is not None:
        paths = [
            f.source.path if upload or f.source.source != "download" else u
            for f, u in ((mnist.train, train_url), (mnist.test, test_url))
        ]
    mnist_code = codegen.import_mnist_code(paths[0], paths[1], train_url, test_url, upload)
    fit = codegen.fit_comments  # the Code tab's width: long comments on lines of their own
    return (
        fit(codegen.connect_code(opts.own, opts.url or "", opts.user)),
        fit(f"{connect}\n\n{code}\ncars.describe()\n"),
        fit(f"{connect}\n\n{mnist_code}\nprint(train.shape, test.shape, nclasses)\n"),
    )


def elsewhere(source: ResolvedData, how: str) -> ResolvedData:
    return dataclasses.replace(source, source=how, path="/cache/" + source.path.rsplit("/", 1)[-1])


@pytest.mark.parametrize("options", [ClusterOptions(), ClusterOptions(url="https://h2o.example:54321", user="ada")])
@pytest.mark.parametrize("data", ["none", "data-dir", "download", "stand-in"])
def test_the_data_scripts_are_the_ones_the_steps_showed(tmp_path, options, data):
    lab = Lab(
        LabConfig(
            cluster=options, keep_journal=False, models_dir=tmp_path / "models", data_dir=tmp_path, download=False
        )
    )
    cars, mnist = (None, None) if data == "none" else (cars_info(), mnist_info())
    if data in ("download", "stand-in"):
        cars.source = elsewhere(cars.source, data)
        mnist.train.source = elsewhere(mnist.train.source, "download")
    connect, step2, step10 = app_scripts(lab, cars, mnist)
    assert lab.connect_code() == connect
    assert lab.import_code("cars", cars) == step2
    assert lab.import_code("mnist", mnist) == step10
    if cars is not None:  # what the lab imported itself counts the same
        lab.data._info["cars"] = cars
        lab.data._mnist = mnist
    assert (lab.import_code("cars"), lab.import_code("mnist")) == (step2, step10)
    lab.journal.close()


@pytest.mark.cluster
def test_what_the_cluster_said_is_known_afterwards_without_asking_again(lab, cars):
    split = spec(split=True)
    sizes = lab.split_sizes(split)
    assert lab.known_split_sizes(split) == sizes and sum(sizes) == cars.rows
    speed = lab.measure_speed(split, rows=200)
    assert lab.known_speed(split) == speed > 0
    metas = lab.param_metas()
    assert lab.metas is metas


def test_only_a_run_that_ran_to_its_end_can_be_continued(offline_lab):
    run = recorded_run(9)
    run.spec.params["nfolds"] = 0
    assert offline_lab.why_not_continue(run) is None
    run.status = "cancelled"
    assert "was cancelled" in offline_lab.why_not_continue(run)
    run.status = "failed"
    assert "no finished model" in offline_lab.why_not_continue(run)


def test_a_layers_weights_are_summarized_and_compared_by_penalty():
    from tests import replay
    from tui.lab.weights import BINS, comparison, penalty, summarize
    from widgets.inside import sparkline

    layer = summarize(2, [[0.0, 0.0005, -1.0], [1.0, 0.25, -0.25]])
    assert (layer.units, layer.inputs, layer.count) == (2, 3, 6)
    assert layer.near_zero == pytest.approx(2 / 6) and layer.largest == 1.0
    assert sum(layer.histogram) == 6 and len(layer.histogram) == BINS
    assert layer.histogram[0] == 1 and layer.histogram[-1] == 1  # -1 and 1 at the two ends
    assert len(sparkline(layer.histogram)) == BINS and sparkline([0, 1, 8]) == " ▁█"
    walkthrough, stronger = replay.inside_run(8), replay.inside_run("8_l1")
    assert penalty(walkthrough) == "l1 1e-05" and penalty(stronger) == "l1 0.001"
    assert comparison(walkthrough, [stronger, walkthrough]) is stronger
    assert comparison(walkthrough, [walkthrough]) is None


@pytest.mark.parametrize("where", ["data-dir", "cache", "nowhere"])
def test_before_an_import_the_scripts_name_the_file_it_will_read(tmp_path, where):
    """Step 2's and step 10's scripts, before their import: the local copy the import will read, else the address."""
    from tui.lab.data_files import REGISTRY

    data_dir, cache = tmp_path / "data", tmp_path / "cache"
    lab = Lab(
        LabConfig(
            keep_journal=False, models_dir=tmp_path / "models", data_dir=data_dir, cache_dir=cache, download=False
        )
    )
    names = ("cars", "mnist-train", "mnist-test")
    for name in names:
        spec = REGISTRY[name]
        if where != "nowhere":
            target = (data_dir if where == "data-dir" else cache) / spec.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("")
    scripts = lab.import_code("cars") + lab.import_code("mnist") + lab.code_for(step(4).spec())
    for name in names:
        spec = REGISTRY[name]
        local = str((data_dir if where == "data-dir" else cache) / spec.relpath)
        if where == "nowhere":
            assert f'import_file("{spec.url}")' in scripts
        else:
            assert f'import_file("{local}")' in scripts and f'import_file("{spec.url}")' not in scripts
    lab.journal.close()
