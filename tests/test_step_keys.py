"""The step keys: the App binds them, each view names the ones it answers and has a method for each."""

from __future__ import annotations

import re

import pytest

from screens.base import STEP_ACTIONS, StepView
from screens.lab import VIEW_KINDS, view_class
from tui.app import LabApp

EXPECTED = {
    "cluster": set(),
    "data": {"import_data"},
    "mnist-data": {"import_data"},
    "train": {"train", "cancel", "fix", "continue", "prev_tab", "next_tab"},
    "evaluation": {"train", "cancel", "fix", "continue", "prev_tab", "next_tab"},
    "runs": {"mark", "load", "reload", "chart_metric"},
}


def bound_step_actions() -> dict[str, str]:
    """Step action -> key, from the App's bindings (``in_view('name')``)."""
    found = {}
    for binding in LabApp.BINDINGS:
        match = re.fullmatch(r"in_view\('(\w+)'\)", binding.action)
        if match:
            found[match.group(1)] = binding.key
    return found


def test_every_step_key_is_bound_and_answered_by_a_view():
    bound = bound_step_actions()
    assert set(bound) == set(STEP_ACTIONS)
    answered = set().union(*(view_class(kind).STEP_ACTIONS for kind in VIEW_KINDS))
    assert answered == set(STEP_ACTIONS)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_view_answers_its_keys_with_its_own_methods(kind):
    view = view_class(kind)
    assert EXPECTED[kind] == view.STEP_ACTIONS
    for action in view.STEP_ACTIONS:
        assert callable(getattr(view, f"action_{action}", None)), f"{view.__name__} has no action_{action}"


def test_a_renamed_action_fails_when_the_class_is_made():
    with pytest.raises(TypeError, match="action_train"):

        class Broken(StepView):
            STEP_ACTIONS = frozenset({"train"})

            def action_start(self) -> None:
                """Renamed from action_train: the t key would be lost."""

    with pytest.raises(TypeError, match="launch"):

        class Unbound(StepView):
            STEP_ACTIONS = frozenset({"launch"})

            def action_launch(self) -> None:
                """No key is bound to this step action."""
