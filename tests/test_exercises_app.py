"""Exercises in the app: a real run checked against its step's goals, the tick in the step list, hints kept in
the journal, and everything restored on the next start."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.waiting import burst, notices, rendered, until
from tui.app import make_app
from tui.lab.cluster import ClusterOptions
from tui.lab.service import Lab, LabConfig
from tui.lab.training import DONE, Run
from tui.parts.goals import JOURNAL_KEY

GOALS = """
[[goal]]
id = "reach-{tag}"
step = 4
text = "Any validation MSE under 10 with the tiny network."
metric = "mse"
target = 10
when = {{ hidden = [7], epochs = 2 }}
hints = ["Press t."]

[[goal]]
id = "miss-{tag}"
step = 4
text = "A validation MSE under 0.0001: out of reach."
metric = "mse"
target = 0.0001
when = {{ hidden = [7] }}
hints = ["First hint.", "Second hint."]

[[question]]
id = "q-{tag}"
text = "Two choices?"
choices = ["yes", "no"]
answer = "yes"
explain = "There are two."
"""


def _file(tmp_path: Path, tag: str) -> Path:
    path = tmp_path / "goals.toml"
    path.write_text(GOALS.format(tag=tag))
    return path


async def test_a_real_run_reaches_one_goal_of_two_and_is_ticked(lab, tmp_path):
    """A tiny network (one layer of 7 units, 2 epochs: about a second) trained on step 4 through the app."""
    tag = uuid.uuid4().hex[:8]
    app = make_app(lab, health_interval=0, exercises=_file(tmp_path, tag))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        four = app.lab_screen.view(4)
        await until(pilot, lambda: four.form is not None, what="step 4's form")
        four.load_values({**four.step.spec().params, "hidden": [7], "epochs": 2})
        await pilot.press("t")
        await until(pilot, lambda: four.run is not None and four.run.finished, what="step 4 to finish", timeout=60)
        assert four.run.status == DONE, four.run.error
        steps = app.lab_screen.query_one("#steps")
        await until(pilot, lambda: steps.goals.get(4) == "☆", what=lambda: f"one goal of two ticked: {steps.goals}")
        reached = app.exercise_progress.reached
        assert reached[f"reach-{tag}"]["run"] == four.run.run_id and f"miss-{tag}" not in reached
        label = str(steps.get_option_at_index(3).prompt)
        assert "☆ 4 Validation" in label
        assert lab.journal.state(JOURNAL_KEY)["reached"][f"reach-{tag}"]["run"] == four.run.run_id

        await pilot.press("g")
        await until(pilot, lambda: type(app.screen).__name__ == "GoalsDialog", what="the goals dialog")
        dialog = app.screen
        first, second = (rendered(dialog.query_one(f"#goal-{i}")) for i in (0, 1))
        assert "Reached: Any validation MSE" in first and four.run.run_id in first
        assert "Not yet: A validation MSE under 0.0001" in second and "Best so far:" in second
        await pilot.press("h")  # the marked goal is the one not reached
        await until(pilot, lambda: "Hint 1: First hint." in rendered(dialog.query_one("#goal-1")), what="a hint")
        assert "Second hint" not in rendered(dialog.query_one("#goal-1"))
        assert lab.journal.state(JOURNAL_KEY)["hints"][f"miss-{tag}"] == 1
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ != "GoalsDialog", what="the dialog to close")


async def test_goals_hints_and_quiz_answers_come_back_on_the_next_start(tmp_path):
    """No cluster: a finished run of an earlier session in the journal ticks its goal at start, without a word."""
    tag = "restore"
    journal = tmp_path / "journal.sqlite3"
    config = LabConfig(
        cluster=ClusterOptions(),
        download=False,
        journal_path=journal,
        models_dir=tmp_path / "models",
    )
    first = Lab(config)
    run = Run.from_dict(
        {
            "run_id": "run-1",
            "spec": {**first_spec(), "params": {"hidden": [7], "epochs": 2}},
            "status": DONE,
            "metrics": {"training": {"MSE": 0.5}, "validation": {"MSE": 0.4}},
            "started_at": 1.0,
            "finished_at": 3.0,
        }
    )
    first.journal.save_run(run)
    first.journal.save_state(JOURNAL_KEY, {"hints": {f"miss-{tag}": 2}, "answers": {f"q-{tag}": 1}})
    first.journal.close()

    lab = Lab(config)
    app = make_app(lab, autostart=False, health_interval=0, exercises=_file(tmp_path, tag))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        steps = app.lab_screen.query_one("#steps")
        await until(pilot, lambda: steps.goals.get(4) == "☆", what=lambda: f"the goal ticked at start: {steps.goals}")
        assert app.exercise_progress.hints == {f"miss-{tag}": 2}
        await pilot.pause()
        assert not [n for n in notices(app) if "Goal reached" in n], notices(app)
        app.show_step(13)
        await until(pilot, lambda: app._view_number(13) is not None, what="the quiz")
        quiz = app.lab_screen.view(13)
        await until(pilot, lambda: "score 0 of 1" in rendered(quiz.query_one("#quiz-status")), what="the score kept")
        assert "you chose b), the answer is a)" in rendered(quiz.query_one("#quiz-explain"))
    lab.close()


def first_spec() -> dict:
    from tui.lab.steps import step

    return step(4).spec().to_dict()


async def test_a_goal_that_compares_with_another_step_is_checked_again_when_that_step_trains():
    """Step 5's gap goal beats the latest step 4 run: a step 5 run trained first is ticked once step 4 has a run."""
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        five = replay.run(5)
        five.metrics = {"training": {"MSE": 0.15}, "validation": {"MSE": 0.14}}  # gap -0.01
        replay.replayed_run(app, five)
        await pilot.pause()
        assert "dropout-gap" not in app.exercise_progress.reached
        four = replay.run(4)
        four.metrics = {"training": {"MSE": 0.10}, "validation": {"MSE": 0.12}}  # gap +0.02
        replay.replayed_run(app, four)
        await until(pilot, lambda: "dropout-gap" in app.exercise_progress.reached, what="step 5's gap goal")
        assert app.exercise_progress.reached["dropout-gap"]["run"] == five.run_id
        assert app.lab_screen.query_one("#steps").goals.get(5) == "☆"


async def test_a_sweeps_model_is_checked_as_it_finishes():
    """A sweep's models come as sweep news, not as a step's: each finished one is checked against the goals."""
    from tests import replay
    from tui.lab.steps import step
    from tui.lab.sweep import Axis, SweepPlan
    from tui.lab.sweep_runner import SweepState
    from tui.messages import SweepUpdated

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        three = replay.run(3)
        three.metrics["training"]["MSE"] = 0.12
        three.sweep = "sweep-1"
        replay.remember(app, runs=(three,))  # in the lab's run table, as the sweep's runner adopts it
        state = SweepState(sweep_id="sweep-1", plan=SweepPlan(step(3).spec(), [Axis("epochs", [2.0, 50.0])]))
        state.runs.append(three)
        app.post_message(SweepUpdated(state, three))
        steps = app.lab_screen.query_one("#steps")
        await until(pilot, lambda: steps.goals.get(3) == "★", what=lambda: f"step 3 ticked: {steps.goals}")


def _footer_keys(app) -> list[str]:
    """The footer's keys as shown (key and description), those left out for room excepted."""
    from textual.widgets._footer import FooterKey

    return [f"{k.key_display} {k.description}" for k in app.lab_screen.query(FooterKey) if k.display]


async def test_the_quiz_reached_with_n_has_the_focus_on_its_choices_and_the_app_keys_still_work():
    """↑ ↓ Enter answer the question (they used to move in the step list and open All runs); n, p, ? still act."""
    from tests import replay
    from widgets.quiz import ChoiceList

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(12)
        await pilot.pause()
        app.lab_screen.query_one("#steps").focus()
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.focused, ChoiceList), what=lambda: f"the choices: {app.focused}")
        assert app.current_step == 13
        await until(pilot, lambda: "→ Next question" in _footer_keys(app), what=lambda: str(_footer_keys(app)))
        first = app.questions[0]
        await pilot.press("down", "enter")
        await until(pilot, lambda: first.id in app.exercise_progress.answers, what="the first answer")
        assert app.exercise_progress.answers[first.id] == 1 and app.current_step == 13
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is not app.lab_screen, what="the help")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.lab_screen, what="the help closed")
        await pilot.press("p")
        await until(pilot, lambda: app.current_step == 12, what="p: back to step 12")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.focused, ChoiceList), what="the choices again")


async def test_the_quiz_chosen_in_the_step_list_has_the_focus_on_its_choices():
    from tests import replay
    from widgets.quiz import ChoiceList

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        steps = app.lab_screen.query_one("#steps")
        steps.focus()
        await pilot.pause()
        steps.highlighted = next(i for i, s in enumerate(app.steps) if s.number == 13)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.focused, ChoiceList), what=lambda: f"the choices: {app.focused}")
        await pilot.press("enter")  # a): the first choice, answered on the quiz (not a step opened)
        await until(pilot, lambda: app.questions[0].id in app.exercise_progress.answers, what="the answer")
        assert app.current_step == 13


async def test_the_quiz_keys_that_lead_nowhere_are_not_offered():
    """← on the first question, → on the last once every question is answered: left out of the footer, inert."""
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(13)
        await until(pilot, lambda: app._view_number(13) is not None, what="the quiz")
        quiz = app.lab_screen.view(13)
        await until(pilot, lambda: "Question 1 of" in rendered(quiz.query_one("#quiz-status")), what="question 1")
        await until(pilot, lambda: "→ Next question" in _footer_keys(app), what=lambda: str(_footer_keys(app)))
        assert "← Prev question" not in _footer_keys(app)
        await pilot.press("left")
        await pilot.pause()
        assert quiz.index == 0
        questions = app.questions
        for question in questions[:-1]:  # every question answered but the last
            app.answer_question(question, question.answer)
        quiz.action_move(len(questions) - 1)
        await until(pilot, lambda: quiz.index == len(questions) - 1, what="the last question")
        await until(pilot, lambda: "← Prev question" in _footer_keys(app), what=lambda: str(_footer_keys(app)))
        assert "→ Next question" not in _footer_keys(app)  # the only question left is this one
        await pilot.press("enter")  # answer it
        await until(pilot, lambda: questions[-1].id in app.exercise_progress.answers, what="the last answer")
        await until(pilot, lambda: "a Start again" in _footer_keys(app), what=lambda: str(_footer_keys(app)))
        assert "→ Next question" not in _footer_keys(app)
        await pilot.press("right")
        await pilot.pause()
        assert quiz.index == len(questions) - 1
        assert "p Prev" in _footer_keys(app), _footer_keys(app)  # at 80 columns, with the quiz's keys first


async def test_a_file_without_goals_or_questions_is_used_and_the_app_says_what_it_lacks(tmp_path):
    from tests import replay

    path = tmp_path / "empty.toml"
    path.write_text("# goals to come\n")
    lab = Lab(LabConfig(cluster=ClusterOptions(), download=False, keep_journal=False))
    app = make_app(lab, autostart=False, health_interval=0, exercises=path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await replay.loaded(pilot)

        def toasts() -> str:
            return " | ".join(notices(app))

        await until(pilot, lambda: "no goals" in toasts() and "no questions" in toasts(), what=toasts)
        app.action_goals()
        await until(pilot, lambda: "This exercises file has no goals." in toasts(), what=toasts)
    lab.close()


async def test_up_and_down_choose_the_goal_when_the_hints_make_the_list_taller_than_the_dialog():
    """At 80x24, step 4's two goals with every hint shown no longer fit: ↑ ↓ still choose a goal (they used
    to scroll the list, and the second goal could not be chosen), and the goal chosen comes into view."""
    from screens.goals import GoalsDialog
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await pilot.pause()
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GoalsDialog), what="the goals dialog")
        dialog = app.screen
        assert isinstance(dialog, GoalsDialog)
        scroll = dialog.query_one("#goals-scroll")
        await pilot.press("h", "h")
        await until(pilot, lambda: scroll.max_scroll_y > 0, what=lambda: f"a list taller than the dialog: {scroll}")

        def in_view(index: int) -> bool:
            goal = dialog.query_one(f"#goal-{index}")
            return scroll.region.contains_region(goal.region)

        await pilot.press("down")
        await until(pilot, lambda: dialog.selected == 1, what=lambda: f"the second goal chosen: {dialog.selected}")
        await until(pilot, lambda: in_view(1), what="the second goal in view")
        await pilot.press("h", "h")
        await until(pilot, lambda: app.exercise_progress.hints.get("validation-mse-far") == 2, what="its hints")
        await until(pilot, lambda: in_view(1), what="the second goal's hints in view")
        await pilot.press("up")
        await until(pilot, lambda: dialog.selected == 0, what=lambda: f"the first goal again: {dialog.selected}")
        await until(pilot, lambda: in_view(0), what="the first goal in view")
        await pilot.press("down")
        await until(pilot, lambda: dialog.selected == 1 and in_view(1), what="the second goal once more")


async def test_the_quiz_shows_the_best_and_the_latest_score_after_taking_it_again(tmp_path):
    """a (again) used to forget the finished score: the best and the latest are shown, and kept for next time."""
    config = LabConfig(cluster=ClusterOptions(), download=False, journal_path=tmp_path / "journal.sqlite3")

    async def take(app, pilot, right: int) -> None:
        for index, question in enumerate(app.questions):
            app.answer_question(question, question.answer if index < right else (question.answer + 1) % 2)
        quiz = app.lab_screen.view(13)
        quiz.refresh_quiz()
        await until(pilot, lambda: "a Start again" in _footer_keys(app), what=lambda: str(_footer_keys(app)))
        await pilot.press("a")

    def status(app) -> str:
        return rendered(app.lab_screen.view(13).query_one("#quiz-status"))

    lab = Lab(config)
    app = make_app(lab, autostart=False, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_step(13)
        await until(pilot, lambda: app._view_number(13) is not None, what="the quiz")
        total = len(app.questions)
        await take(app, pilot, 5)
        await until(pilot, lambda: "none answered yet" in status(app), what=lambda: status(app))
        assert f"best 5 of {total}, latest 5 of {total}" in status(app)
        await take(app, pilot, 3)
        await until(pilot, lambda: "none answered yet" in status(app), what=lambda: status(app))
        assert f"best 5 of {total}, latest 3 of {total}" in " ".join(status(app).split())
    lab.close()

    lab = Lab(config)
    app = make_app(lab, autostart=False, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_step(13)
        await until(pilot, lambda: app._view_number(13) is not None, what="the quiz")
        await until(pilot, lambda: "latest 3 of" in " ".join(status(app).split()), what=lambda: status(app))
    lab.close()


async def test_a_goal_chosen_as_the_dialog_closes_raises_nothing():
    """g, ↓ and Esc in one burst: the goal chosen was to be scrolled into view after the next redraw, when the dialog
    was already gone (the lookup of its list failed, an internal error)."""
    from screens.goals import GoalsDialog
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await pilot.pause()
        for keys in (("g", "escape"), ("g", "down", "escape"), ("g", "h", "escape"), ("g", "down", "up", "escape")):
            burst(app, *keys)
            await pilot.pause()
            await until(pilot, lambda: not isinstance(app.screen, GoalsDialog), what="the dialog to close")
            await pilot.pause()
        assert app.internal_errors == 0 and app.is_running
