"""MNIST on a real cluster: the import, the digits, a small network, its confusion matrix and mistakes.

They run on the sample in tests/data (the first 2,000 training and 500 test digits; see its README).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import MNIST_SAMPLE_COUNTS, ROOT, TEST_DATA
from tui.lab.errors import DataError
from tui.lab.mnist import confusion_totals, estimate_seconds
from tui.lab.params import canonical
from tui.lab.steps import step
from tui.lab.training import CANCELLED, DONE

TRAIN_ROWS, TEST_ROWS = 2000, 500
TRAIN_COUNTS = MNIST_SAMPLE_COUNTS["train"]
TEST_COUNTS = MNIST_SAMPLE_COUNTS["test"]
SAMPLE = 1000  # the training rows of the small network: a sample of the sample


@pytest.fixture(scope="module")
def mnist(lab):
    for name in ("mnist-train", "mnist-test"):
        assert lab.resolve(name).path == str(TEST_DATA / lab.resolver.spec(name).relpath)
    return lab.load_mnist()


def test_the_import_reports_h2os_parsing_progress(lab, mnist):
    """While H2O parses a file, the lab reads the parse job's progress (as the import screen shows it)."""
    import h2o

    from tui.lab.quiet import quiet_h2o

    seen: list[float] = []
    path = mnist.train.source.path
    with quiet_h2o(), lab._job_progress("progress_probe.hex", seen.append):
        frame = h2o.import_file(path, destination_frame="progress_probe.hex", header=-1)
    h2o.remove(frame)
    # The sample parses in well under a second, often between two looks: what is certain is the end.
    assert seen and all(0.0 <= p <= 1.0 for p in seen) and seen[-1] == 1.0, seen
    assert seen == sorted(seen), seen


@pytest.fixture(scope="module")
def small_run(lab, mnist):
    """Step 11's network on the first 1,000 training rows, validated on every test digit."""
    spec = step(11).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    spec.params.update({"epochs": 3, "train_samples_per_iteration": SAMPLE})
    spec.sample_rows = SAMPLE
    return lab.train(spec)


def test_import_makes_the_label_a_factor_and_counts_the_classes(mnist):
    assert (mnist.train.rows, mnist.train.cols) == (TRAIN_ROWS, 785)
    assert (mnist.test.rows, mnist.test.cols) == (TEST_ROWS, 785)
    assert mnist.nclasses == 10 and mnist.levels == [str(d) for d in range(10)]
    assert mnist.train.counts == TRAIN_COUNTS
    assert mnist.test.counts == TEST_COUNTS


def test_digits_come_back_with_their_labels(lab, mnist):
    digits = lab.digits("train", [0, 1, 2, TRAIN_ROWS - 1])
    assert [d.label for d in digits] == ["5", "0", "4", "0"]
    assert all(len(d.pixels) == 784 and min(d.pixels) >= 0 and max(d.pixels) <= 255 for d in digits)
    assert max(digits[0].pixels) > 200  # ink
    assert [d.label for d in lab.digits("test", [0, 1, TEST_ROWS - 1])] == ["7", "2", "6"]
    assert lab.digits("test", [TEST_ROWS, -1]) == []


def test_a_small_network_trains_and_its_confusion_matrix_adds_up(lab, mnist, small_run):
    import h2o

    run = small_run
    assert run.status == DONE, run.error
    assert run.split_rows == [SAMPLE, TEST_ROWS]
    totals = confusion_totals(run.confusion.columns, run.confusion.rows)
    assert totals["rows"] == TEST_ROWS, "the matrix covers every test digit"
    assert run.metric("nobs", "validation") == TEST_ROWS
    performance = h2o.get_model(run.model_id).model_performance(valid=True)
    top1 = float(performance.hit_ratio_table().cell_values[0][1])
    assert run.metric("accuracy", "validation") == pytest.approx(top1, abs=1e-4)
    assert run.metric("error", "validation") == pytest.approx(1 - top1, abs=1e-4)
    assert run.metric("logloss", "validation") == pytest.approx(performance.logloss(), rel=1e-9)
    assert len(run.hit_ratios.rows) == 10
    assert set(totals["per_class"]) == set(mnist.levels)
    assert run.metric("accuracy", "validation") > 0.5  # it learned something on 1,000 rows
    assert run.history.has("validation_classification_error")


def test_pixel_importances_map_onto_the_digit(small_run):
    from tui.lab.inside import importances, pixel_map, pixel_position

    found = importances(small_run)
    assert found and all(pixel_position(i.name) is not None for i in found)
    assert len(found) < 784, "H2O leaves out the pixels that never change"
    pixels = pixel_map(found)
    assert len(pixels) == 784 and max(pixels) == 255
    row, column = pixel_position(found[0].name)
    assert pixels[(row - 1) * 28 + column - 1] == 255


def test_the_gallery_shows_only_misclassified_digits(lab, small_run):
    count, digits = lab.mistakes(small_run, limit=12)
    totals = confusion_totals(small_run.confusion.columns, small_run.confusion.rows)
    assert count == totals["errors"]
    assert 0 < len(digits) <= 12
    for digit in digits:
        assert digit.frame == "test"
        assert digit.predicted and digit.predicted != digit.label
        assert 0 < digit.probability <= 1
    truth = lab.digits("test", [d.row for d in digits])
    assert [t.label for t in truth] == [d.label for d in digits]


def test_speed_is_measured_and_gives_an_estimate(lab, mnist):
    spec = step(11).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    speed = lab.measure_speed(spec, rows=1000, iterations=2)
    assert speed > 10
    assert estimate_seconds(60000, 10, speed) > estimate_seconds(5000, 10, speed) > 0


def test_the_speed_trial_is_short_reports_progress_and_can_be_stopped(lab, mnist):
    from tui.lab.speed import TRIAL_ROWS, TrialCancelled

    spec = step(11).spec()
    spec.params = canonical({**spec.params, "hidden": [64, 64]}, {m.name: m for m in lab.param_metas()})
    heard: list[tuple[float, str]] = []
    speed = lab.measure_speed(spec, on_progress=lambda fraction, text: heard.append((fraction, text)))
    assert speed > 10
    # The preset's 20,000-sample iterations are trialled on a sample, whose two iterations H2O reports.
    assert heard[0] == (0.0, f"a trial of 2 × {min(TRAIN_ROWS, TRIAL_ROWS):,} rows")
    assert 0 < max(f for f, _t in heard) <= 1

    spec.params["hidden"] = [48, 48]
    polls = {"n": 0}

    def stop_after_two_polls() -> bool:
        polls["n"] += 1
        return polls["n"] > 2

    with pytest.raises(TrialCancelled):
        lab.measure_speed(spec, should_cancel=stop_after_two_polls)
    assert lab.known_speed(spec) is None
    assert not any(r.status == "running" for r in lab.runs), "the trial is not a run of the learner's"


@pytest.mark.parametrize("rows,message", [(TRAIN_ROWS + 1, "larger than the training frame"), (0, "at least one row")])
def test_bad_sample_sizes_are_refused(lab, mnist, rows, message):
    spec = step(11).spec()
    spec.sample_rows = rows
    with pytest.raises(DataError) as err:
        lab.split_sizes(spec)
    assert message in err.value.message


def test_cancel_keeps_the_partial_mnist_model(lab, mnist):
    import h2o

    spec = step(11).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    spec.params.update(
        {"epochs": 20, "train_samples_per_iteration": 500}
    )  # many iterations: cancelled well before the end
    seen = []
    run = lab.train(spec, on_update=seen.append, should_cancel=lambda: any(len(u.history) >= 2 for u in seen))
    assert run.status == CANCELLED
    assert h2o.get_model(run.model_id) is not None


@pytest.mark.cluster  # it starts a cluster of its own
def test_a_cluster_short_of_memory_is_told_before_the_import(tmp_path):
    """A private cluster with a 256 MB heap: the lab refuses to read MNIST and says why."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui.lab.cluster import ClusterOptions\n"
        "from tui.lab.errors import DataError\n"
        "from tui.lab.service import Lab, LabConfig\n"
        "lab = Lab(LabConfig(cluster=ClusterOptions(nthreads=1, max_mem='256m'), data_dir=Path(sys.argv[1]), download=False, log_dir=Path(sys.argv[2])))\n"
        "lab.start_cluster()\n"
        "try:\n"
        "    lab.load_mnist()\n"
        "    print('IMPORTED')\n"
        "except DataError as exc:\n"
        "    print('REFUSED', exc.message, '|', exc.hint)\n"
        "finally:\n"
        "    lab.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(TEST_DATA), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert "REFUSED" in result.stdout, result.stdout + result.stderr
    assert "free memory" in result.stdout and "--max-mem" in result.stdout


async def step_eleven(pilot):
    """Step 11 shown, once the cluster is ready and its form is built."""
    from tests.waiting import until

    app = pilot.app
    await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
    app.show_step(11)
    await pilot.pause()
    eleven = app.lab_screen.view(11)
    await until(pilot, lambda: eleven.form is not None, what="step 11's form")
    return eleven


async def test_x_stops_the_speed_trial_where_its_progress_shows(lab, mnist):
    from tests.waiting import rendered, until
    from tui.app import make_app

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        eleven = await step_eleven(pilot)
        # An unknown speed, and a run long enough to be timed first (a trial costs under a tenth of it).
        eleven.load_values({**eleven.step.spec().params, "hidden": [400, 400, 400], "epochs": 100})
        await until(pilot, lambda: eleven.form.values.get("hidden") == [400, 400, 400], what="the new hidden layers")
        runs_before = len(lab.runs)
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("t")
        status = eleven.query_one("#run-status")
        await until(pilot, lambda: "Measuring this cluster's speed" in rendered(status), what="the trial")
        assert eleven.query_one("#train-tabs").active == "run-pane", "the trial shows on the Training tab"
        await until(pilot, lambda: "x stops it" in rendered(status), what=lambda: "its progress: " + rendered(status))
        await pilot.press("x")
        await until(pilot, lambda: "Speed trial stopped" in rendered(status), what=lambda: rendered(status), timeout=60)
        assert len(lab.runs) == runs_before and eleven.estimate() is None
        assert not eleven.training and not eleven._controls.job_pending()


async def test_not_now_after_a_trial_leaves_an_empty_progress_bar(lab, mnist):
    """The trial fills the Training tab's bar; answering "Not now" to the long run it timed leaves nothing trained,
    and the bar says so."""
    from textual.widgets import ProgressBar

    from screens.dialogs import ConfirmDialog
    from tests.waiting import rendered, until
    from tui.app import make_app

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        eleven = await step_eleven(pilot)
        eleven.load_values({**eleven.step.spec().params, "hidden": [24], "epochs": 5000})  # a long run, a new speed
        await until(pilot, lambda: eleven.form.values.get("hidden") == [24], what="the new network")
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("t")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question before a long run", timeout=120
        )
        await pilot.press("n")
        status = eleven.query_one("#run-status")
        await until(pilot, lambda: "Not started" in rendered(status), what=lambda: rendered(status))
        assert eleven.query_one("#run-progress", ProgressBar).progress == 0


async def test_go_further_puts_its_network_on_every_digit_in_the_form(lab, mnist):
    """Step 11's "Go further" button: the measured stronger network, all the training digits, in the code too."""
    from tests.waiting import rendered, until
    from tui.app import make_app
    from tui.lab.mnist import FURTHER

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        eleven = await step_eleven(pilot)
        eleven.load_values(eleven.step.spec().params, sample_rows=SAMPLE)
        await until(pilot, lambda: eleven.current_spec().sample_rows == SAMPLE, what="a sample of the digits")
        eleven.query_one("#further").press()
        await until(pilot, lambda: eleven.form.values.get("hidden") == FURTHER["hidden"], what="the network")
        spec = eleven.current_spec()
        assert spec.sample_rows is None, "every training digit"
        assert {k: spec.params.get(k) for k in FURTHER} == FURTHER
        await until(
            pilot, lambda: f"hidden={FURTHER['hidden']}" in eleven.query_one("#train-code").code, what="the code"
        )
        banner = eleven.query_one("#form-banner")
        assert "not the walkthrough's" in rendered(banner), "the lesson above describes other values: said"
        eleven.action_reset()
        await until(pilot, lambda: eleven.form.values.get("hidden") != FURTHER["hidden"], what="the step's values")
        await until(pilot, lambda: not rendered(banner).strip(), what=lambda: "no note: " + rendered(banner))


async def test_a_run_too_short_to_time_trains_at_once(lab, mnist):
    """2,000 rows and 1 epoch of a network of unknown speed: a trial (2 × 2,000 rows) would cost twice the run, so
    t trains at once, and the Setup tab said so; the run's speed is then known for a longer run."""
    from tests.waiting import rendered, until
    from tui.app import make_app

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        eleven = await step_eleven(pilot)
        spec = {**eleven.step.spec().params, "hidden": [17], "epochs": 1}
        eleven.load_values(spec)
        await until(pilot, lambda: eleven.form.values.get("hidden") == [17], what="the new network")
        assert lab.known_speed(eleven.current_spec()) is None
        rows = eleven.query_one("SampleRows #estimate")
        await until(pilot, lambda: "a short run: t trains it at once" in rendered(rows), what=lambda: rendered(rows))
        runs_before = len(lab.runs)
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("t")
        status = eleven.query_one("#run-status")
        await until(pilot, lambda: len(lab.runs) > runs_before, what=lambda: "a run: " + rendered(status))
        assert "Measuring this cluster's speed" not in rendered(status)
        assert lab.known_speed(eleven.current_spec()) is None, "no trial timed it first"
        await until(pilot, lambda: not eleven.training, what="the run to end", timeout=120)
        assert lab.runs[-1].status == DONE
        assert lab.known_speed(eleven.current_spec()), "the finished run's speed is known"
