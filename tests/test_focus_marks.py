"""Where the keys are shows without colour; what a step taught is said once, in the domain."""

from __future__ import annotations

from tests import replay
from tui.lab.carry import MINI_BATCH_STEP, RATE_STEP, mini_batch_note, recalled_warning


def _edge(widget, side: str) -> str:
    return getattr(widget.styles, f"border_{side}")[0]


async def test_focus_changes_shapes_not_only_colours():
    """The step list's edge, a pane's text, a table's cursor row and the boxes change their characters or
    their reverse video when they take the keys: all of it reads in 16 colours and with NO_COLOR."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        steps = app.lab_screen.query_one("#steps")
        steps.focus()
        await pilot.pause()
        assert _edge(steps, "right") == "outer"
        await pilot.press("tab")  # the cluster step's text
        await pilot.pause()
        lesson = app.focused.query_one(".lesson")
        assert lesson.styles.outline_left[0] == "outer"
        assert _edge(steps, "right") == "vkey"
        steps.focus()
        await pilot.pause()
        assert lesson.styles.outline_left[0] in ("", "none")
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.all_runs(pilot)
        table = app.lab_screen.query_one("#runs-table")
        table.focus()
        await pilot.pause()
        cursor = table.get_component_styles("datatable--cursor")  # a PagedTable is a DataTable
        assert "reverse" in str(cursor.text_style)


def test_what_a_step_taught_is_said_once_in_the_domain():
    """The steps that teach mini-batches and the rate are the ones whose forms show those fields first."""
    assert (MINI_BATCH_STEP, RATE_STEP) == (6, 7)
    warning = "rate cannot be specified if adaptive_rate is enabled."
    run = replay.run(5)
    run.spec.params.update(mini_batch_size=32, rate=0.01)
    run.layers_note = "Status of Neuron Layers: predicting cylinders, regression, ... mini-batch size 1, ..."
    notes = {}
    for number in (MINI_BATCH_STEP, RATE_STEP, RATE_STEP + 1):
        run.spec.step = number
        notes[number] = (recalled_warning(run, warning), mini_batch_note(run))
    assert notes[MINI_BATCH_STEP] == (False, ("mini_batch_size was 32, yet H2O trained with mini-batch size 1.", True))
    assert notes[RATE_STEP][0] is False  # the step that teaches the rate shows H2O's warning as a warning
    assert notes[RATE_STEP + 1] == (True, ("mini_batch_size 32 trained as 1, as step 6 showed.", False))
