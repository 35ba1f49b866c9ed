"""A level group of "All parameters", once opened, takes the room its fields need: the step's text after the form
stands below them, and Tab reaches only fields that can be seen."""

from __future__ import annotations

from textual.widgets import Collapsible

from tests import replay
from tests.waiting import until
from widgets.param_field import ParamField


async def test_an_opened_group_shows_every_field_and_the_text_after_the_form_below_them():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.show_run(pilot, 9)
        view = app.lab_screen.view(9)
        await pilot.press("k")  # step 9 set to continue its run, as a learner does before opening the groups
        view.show_tab("setup-pane")
        await replay.settle(pilot)
        form = view.form
        form.query_one("#all-params", Collapsible).collapsed = False
        await replay.settle(pilot)
        group = form.query_one("#level-secondary", Collapsible)
        count = int(str(group.title).split("(")[1].rstrip(")"))
        group.collapsed = False
        body = form.query_one("#level-body-secondary")
        await until(pilot, lambda: len(body.query(ParamField)) == count, what=f"the group's {count} fields")
        await replay.settle(pilot)
        fields = list(body.query(ParamField))
        below = form.parent.children[form.parent.children.index(form) + 1]  # the step's closing text
        assert fields[-1].region.bottom <= below.region.y, (
            f"the text after the form starts at row {below.region.y}, inside the group that ends at row "
            f"{fields[-1].region.bottom}"
        )
        # Tab, field after field: each control that takes the keys is the one drawn where it stands on the screen.
        fields[0].query_one(f"#input-{fields[0].meta.name}").focus()
        reached: list[ParamField] = []
        for _ in range(2 * count):
            await pilot.pause()
            focused = app.focused
            owner = next((f for f in fields if focused is not None and f in focused.ancestors), None)
            if owner is None:
                break  # past the group
            if owner not in reached:
                reached.append(owner)
            region = focused.region
            drawn, _ = app.screen.get_widget_at(region.x, region.y)
            assert drawn is focused or focused in drawn.ancestors, (
                f"{owner.meta.name} has the keys, but {drawn} is drawn where it stands"
            )
            await pilot.press("tab")
        assert [f.meta.name for f in reached] == [f.meta.name for f in fields]
