"""The app driven with Textual's Pilot against the real cluster of the test session."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from tui.app import make_app
from tui.lab.training import RUNNING


async def wait_for(pilot, condition, timeout: float = 90.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.1)


def rendered(widget) -> str:
    return str(widget.render())


async def test_launch_to_a_finished_step3_model(lab):
    import h2o

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        assert 1 in app.done
        await pilot.press("n")
        assert app.current_step == 2
        await pilot.press("i")
        await wait_for(pilot, lambda: 2 in app.done, what="cars import")
        data_view = app.lab_screen.view(2)
        assert "406 rows × 9 columns" in rendered(data_view.query_one("#data-news"))
        await pilot.press("n")
        assert app.current_step == 3
        await pilot.press("t")
        view = app.lab_screen.view(3)
        await wait_for(pilot, lambda: view.run is not None, what="the job to start")
        await wait_for(pilot, lambda: view.run.finished, what="the job to finish")
        assert 3 in app.done
        shown = rendered(view.query_one("#run-metrics"))
        match = re.search(r"MSE ([0-9.e+-]+)", shown)
        assert match, shown
        model = h2o.get_model(view.run.model_id)
        assert float(match.group(1)) == pytest.approx(model.mse(), rel=5e-4)
        assert view.query_one("#run-chart").points >= 10
        assert "H2ODeepLearningEstimator(" in view.query_one("#train-code").code


async def test_quit_while_training_asks_then_cancels(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        app.show_step(3)
        await pilot.pause()
        view = app.lab_screen.view(3)
        view.load_values({**view.step.spec().params, "epochs": 2000})
        await pilot.press("t")
        await wait_for(pilot, lambda: view.training and len(view.run.history) > 0, what="training")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")  # keep training
        await pilot.pause(0.2)
        assert view.training
        await pilot.press("q")
        await pilot.pause(0.2)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app to exit", timeout=30)
    assert all(run.status != RUNNING for run in lab.runs)
    assert lab.runs[-1].status == "cancelled"


async def test_help_and_navigation(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("n", "n", "n", "p")
        assert app.current_step == 3
        await pilot.press("down", "down", "enter")
        await pilot.pause(0.1)
        assert app.current_step == 5  # the cursor follows the current step


async def test_a_cluster_that_cannot_start_is_explained_in_the_app(tmp_path):
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    lab = Lab(LabConfig(cluster=ClusterOptions(max_mem="99999t"), log_dir=tmp_path, download=False))
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "failed", what="the start to fail", timeout=60)
        view = app.lab_screen.view(1)
        assert "stopped during start-up" in rendered(view.query_one("#cluster-error"))
        assert rendered(view.query_one("#cluster-log")).strip()
        await asyncio.sleep(0)
    lab.close()
