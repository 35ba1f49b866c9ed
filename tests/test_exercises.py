"""Exercises without H2O: the shipped file, a teacher's file, mistakes reported by line, and runs checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.lab import exercises as ex
from tui.lab.quiz import first_unanswered, score
from tui.lab.steps import BY_NUMBER
from tui.lab.training import CANCELLED, DONE, Run, RunSpec

HERE = Path(__file__).resolve().parent / "data" / "exercises"


def run(step: int, training=None, validation=None, status=DONE, seconds=10.0, rows=None, **params) -> Run:
    spec = BY_NUMBER[step].spec()
    spec = RunSpec(**{**spec.to_dict(), "params": {**spec.params, **params}, "sample_rows": rows})
    metrics = {"training": training or {}, "validation": validation or {}}
    return Run(
        f"run-{step}-{id(metrics)}", spec, status=status, metrics=metrics, started_at=100.0, finished_at=100.0 + seconds
    )


def goal(text: str) -> ex.Goal:
    return ex.parse(text).goals[0]


def test_the_shipped_file_is_valid_with_goals_on_every_training_step_and_a_quiz():
    shipped = ex.load(None)
    trained = {s.number for s in BY_NUMBER.values() if s.kind in ("train", "evaluation")}
    assert set(shipped.steps_with_goals()) == trained
    assert all(1 <= len(shipped.goals_of(n)) <= 2 for n in trained)
    assert 5 <= len(shipped.questions) <= 8
    assert all(g.hints and g.text for g in shipped.goals)
    assert len({g.id for g in shipped.goals}) == len(shipped.goals)


def test_a_teachers_file_replaces_the_shipped_one_and_the_data_directory_is_looked_in(tmp_path):
    teacher = ex.load(HERE / "teacher.toml")
    assert [g.id for g in teacher.goals] == ["easy"] and teacher.questions[0].answer == 0
    assert ex.exercises_path(None, tmp_path) is None
    (tmp_path / "exercises.toml").write_text((HERE / "teacher.toml").read_text())
    assert ex.exercises_path(None, tmp_path) == tmp_path / "exercises.toml"
    assert ex.exercises_path(HERE / "teacher.toml", tmp_path) == HERE / "teacher.toml"  # the flag wins


def test_every_mistake_is_reported_with_its_line():
    with pytest.raises(ex.ExercisesError) as caught:
        ex.load(HERE / "mistakes.toml")
    found = [(p.line, p.text) for p in caught.value.problems]
    assert [line for line, _ in found] == [3, 11, 14, 25, 30, 36]
    texts = " | ".join(t for _, t in found)
    for part in (
        "step 14",
        "unknown metric 'speed'",
        "no 'text'",
        "hidden_layers",
        "not one of its choices",
        "no 'accuracy'",
    ):
        assert part in texts
    assert caught.value.message().splitlines()[1].startswith("  line 3: ")


def test_a_syntax_error_is_reported_with_its_line():
    with pytest.raises(ex.ExercisesError) as caught:
        ex.load(HERE / "syntax.toml")
    (problem,) = caught.value.problems
    assert problem.line == 5 and "closing quote" in problem.text


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[goal]]\nstep = 3\ntext = "x"\nmetric = "mse"\ntarget = 1\n', 1, 'use on = "training"'),
        ('[[goal]]\nstep = 4\ntext = "x"\nmetric = "mse"\n', 1, "either 'target'"),
        ('[[goal]]\nstep = 4\ntext = "x"\nmetric = "mse"\ntarget = 1\ncompare = "less"\n', 6, "'compare'"),
        ('[[goal]]\nstep = 4\ntext = "x"\nmetric = "mse"\ntarget = "low"\n', 5, "must be a number"),
        ('[[goal]]\nstep = 4\ntext = "x"\nmetric = "mse"\ntarget = 1\ncolour = "red"\n', 6, "unknown key 'colour'"),
        (
            '[[goal]]\nstep = 4\ntext = "x"\nmetric = "mse"\ntarget = 1\n[goal.when]\nepochs = { near = 3 }\n',
            7,
            "compares",
        ),
        (
            '[[goal]]\nstep = 5\ntext = "x"\nmetric = "mse"\ntarget = 1\n'
            'when = { hidden_dropout_ratios = { above = "none" } }\n',
            6,
            "needs a number",
        ),
        (
            '[[goal]]\nstep = 5\ntext = "x"\nmetric = "mse"\ntarget = 1\n\nwhen = { activation = { above = 0 } }\n',
            7,
            "'activation' is not a number",
        ),
        ('[[question]]\ntext = "q"\nchoices = ["a", "b"]\nanswer = "a"\n', 1, "no 'explain'"),
        ('[[question]]\ntext = "q"\nchoices = [\n  "a",\n  "a",\n]\nanswer = "a"\nexplain = "e"\n', 3, "the same"),
        ("[quiz]\nx = 1\n", 1, "unknown section 'quiz'"),
    ],
)
def test_semantic_mistakes_name_their_line(text, line, words):
    with pytest.raises(ex.ExercisesError) as caught:
        ex.parse(text)
    assert any(p.line == line and words in p.text for p in caught.value.problems), caught.value.message()


def test_a_run_is_checked_against_its_goal_with_conditions():
    fast = goal(
        '[[goal]]\nstep = 11\ntext = "t"\nmetric = "accuracy"\ncompare = "at_least"\ntarget = 0.95\n'
        "when = { sample_rows = { at_most = 5000 }, duration = { below = 120 } }\n"
    )
    good = run(11, validation={"accuracy": 0.951}, rows=5000, seconds=60)
    assert ex.check(fast, good)
    assert not ex.check(fast, run(11, validation={"accuracy": 0.94}, rows=5000, seconds=60))  # below the target
    assert not ex.check(fast, run(11, validation={"accuracy": 0.96}, rows=None, seconds=60))  # all rows
    assert not ex.check(fast, run(11, validation={"accuracy": 0.96}, rows=5000, seconds=130))  # too slow
    assert not ex.check(fast, run(11, validation={"accuracy": 0.96}, rows=5000, status=CANCELLED))
    assert not ex.check(fast, run(12, validation={"accuracy": 0.96}, rows=5000))  # another step
    status = ex.report(fast, [good, run(11, validation={"accuracy": 0.97}, rows=60000)])
    assert status.reached and status.best == pytest.approx(0.951) and status.best_run == good.run_id


def test_parameter_conditions_use_h2os_defaults_when_a_run_left_them_unset():
    off = goal('[[goal]]\nstep = 7\ntext = "t"\nmetric = "mse"\ntarget = 1\nwhen = { adaptive_rate = false }\n')
    assert not ex.check(off, run(7, validation={"MSE": 0.1}))  # the step leaves adaptive_rate at its default: on
    assert ex.check(off, run(7, validation={"MSE": 0.1}, adaptive_rate=False))
    tanh = goal(
        '[[goal]]\nstep = 5\ntext = "t"\nmetric = "mse"\ntarget = 1\nwhen = { activation = "tanhwithdropout" }\n'
    )
    assert ex.check(tanh, run(5, validation={"MSE": 0.1}))  # enum names compare without case
    assert not ex.check(tanh, run(5, validation={"MSE": 0.1}, activation="Tanh"))


def test_a_comparison_on_a_list_parameter_needs_every_element_to_meet_it():
    """Dropout on means a ratio above 0 in every hidden layer: [0, 0] and [0.2, 0] do not count."""
    dropout = goal(
        '[[goal]]\nstep = 5\ntext = "t"\nmetric = "mse"\ntarget = 1\n'
        'when = { activation = "TanhWithDropout", hidden_dropout_ratios = { above = 0 } }\n'
    )
    assert [c.label() for c in dropout.when] == ['activation = "TanhWithDropout"', "hidden_dropout_ratios all > 0"]
    mse = {"MSE": 0.1}
    assert ex.check(dropout, run(5, validation=mse, hidden_dropout_ratios=[0.2, 0.2]))
    assert not ex.check(dropout, run(5, validation=mse, hidden_dropout_ratios=[0.0, 0.0]))
    assert not ex.check(dropout, run(5, validation=mse, hidden_dropout_ratios=[0.2, 0.0]))
    assert not ex.check(dropout, run(5, validation=mse, hidden_dropout_ratios=[]))
    # Left unset, H2O puts 0.5 in every layer with a "...WithDropout" activation, and no dropout without one.
    assert ex.check(dropout, run(5, validation=mse, hidden_dropout_ratios=None))
    assert not ex.check(dropout, run(5, validation=mse, activation="Tanh", hidden_dropout_ratios=None))
    report = ex.report(dropout, [run(5, validation=mse, hidden_dropout_ratios=[0, 0])])
    assert not report.reached and report.best is None and "hidden_dropout_ratios all > 0" in report.note


def test_the_shipped_dropout_goals_count_only_runs_with_dropout_on():
    """The walk's run: TanhWithDropout with [0, 0] had "reached" both of step 5's goals."""
    gap_goal, mse_goal = ex.load(None).goals_of(5)
    four = run(4, training={"MSE": 0.14}, validation={"MSE": 0.143})  # gap +0.003
    off = run(5, training={"MSE": 0.12}, validation={"MSE": 0.098}, hidden_dropout_ratios=[0, 0])
    on = run(5, training={"MSE": 0.12}, validation={"MSE": 0.098}, hidden_dropout_ratios=[0.2, 0.2])
    for shipped in (gap_goal, mse_goal):
        assert not ex.check(shipped, off, [four, off]) and ex.check(shipped, on, [four, on])
    status = ex.report(gap_goal, [four, off, on])
    assert status.best_run == on.run_id
    assert ex.describe(gap_goal, status.best) == "-0.022, validation MSE below training MSE"
    assert gap_goal.target_label(status.reference) == (
        "validation MSE minus training MSE at least 0.012 below your latest run of step 4 (+0.003, validation MSE "
        "above training MSE)"
    )
    assert ex.describe(mse_goal, 0.098) == "0.098"


def test_a_gap_goal_compares_with_the_latest_run_of_another_step():
    gap = goal('[[goal]]\nstep = 5\ntext = "t"\nmetric = "gap"\nthan_step = 4\n')
    five = run(5, training={"MSE": 0.15}, validation={"MSE": 0.14})  # gap -0.01
    assert not ex.check(gap, five, [five])  # no step 4 run yet
    status = ex.report(gap, [five])
    assert not status.reached and "train step 4 first" in status.note
    older = run(4, training={"MSE": 0.10}, validation={"MSE": 0.05})  # gap -0.05
    newer = run(4, training={"MSE": 0.10}, validation={"MSE": 0.12})  # gap +0.02
    newer.started_at = 200.0
    assert ex.check(gap, five, [older, newer, five])  # the latest step 4 run counts
    assert not ex.check(gap, five, [older, five])
    assert ex.report(gap, [older, newer, five]).reference == pytest.approx(0.02)


def test_a_margin_asks_to_beat_the_other_run_by_more_than_noise():
    gap = goal('[[goal]]\nstep = 5\ntext = "t"\nmetric = "gap"\nthan_step = 4\nmargin = 0.01\n')
    four = run(4, training={"MSE": 0.15}, validation={"MSE": 0.153})  # gap +0.003
    noise = run(5, training={"MSE": 0.15}, validation={"MSE": 0.149})  # gap -0.001: below, by noise only
    clear = run(5, training={"MSE": 0.15}, validation={"MSE": 0.12})  # gap -0.03
    assert not ex.check(gap, noise, [four])
    assert ex.check(gap, clear, [four])
    assert not ex.report(gap, [four, noise]).reached and ex.report(gap, [four, clear]).reached
    assert gap.target_label(0.003).startswith("validation MSE minus training MSE at least 0.01 below your latest")


@pytest.mark.parametrize(
    "margin,message",
    [("-0.01", "'margin' must be a number of at least 0"), ('"some"', "'margin' must be a number")],
)
def test_a_bad_margin_is_named_at_its_line(margin, message):
    text = f'[[goal]]\nstep = 5\ntext = "t"\nmetric = "gap"\nthan_step = 4\nmargin = {margin}\n'
    with pytest.raises(ex.ExercisesError) as caught:
        ex.parse(text)
    assert message in str(caught.value) and "line 6" in str(caught.value)
    with pytest.raises(ex.ExercisesError, match="goes with 'than_step'"):
        ex.parse('[[goal]]\nstep = 5\ntext = "t"\nmetric = "mse"\ntarget = 0.1\nmargin = 0.01\n')


def test_progress_keeps_hints_one_at_a_time_and_survives_a_bad_journal_entry():
    shipped = ex.load(None)
    first = shipped.goals[0]
    progress = ex.Progress()
    assert [progress.reveal_hint(first) for _ in range(len(first.hints) + 2)][-1] == len(first.hints)
    again = ex.Progress.from_dict(progress.to_dict())
    assert again.hints_shown(first) == len(first.hints)
    assert ex.Progress.from_dict({"reached": [1], "hints": {"x": "two"}, "answers": {"q": 1}}).answers == {"q": 1}
    assert ex.Progress.from_dict("nonsense") == ex.Progress()


def test_the_quiz_score_counts_the_first_answers():
    questions = ex.load(None).questions
    answers = {questions[0].id: questions[0].answer, questions[1].id: (questions[1].answer + 1) % 2}
    now = score(questions, answers)
    assert (now.right, now.answered, now.total) == (1, 2, len(questions)) and not now.finished
    assert first_unanswered(questions, answers) == 2
    every = {q.id: q.answer for q in questions}
    assert score(questions, every).finished and "score" in score(questions, every).label()


@pytest.mark.parametrize("name", ["mistakes.toml", "syntax.toml", "missing.toml"])
def test_the_command_line_refuses_a_broken_file_before_anything_starts(name):
    """The real h2o-lab command: exit status 2, the mistakes by line, no traceback."""
    command = [str(Path(sys.executable).with_name("h2o-lab")), "--exercises", str(HERE / name)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert f"h2o-lab: error: --exercises {HERE / name}" in done.stderr
    expected = {
        "mistakes.toml": "line 30: the answer",
        "syntax.toml": "line 5: TOML syntax",
        "missing.toml": "no such file",
    }
    assert expected[name] in done.stderr


def test_a_broken_file_in_the_data_directory_is_refused_too(tmp_path):
    (tmp_path / "exercises.toml").write_text('[[goal]]\nstep = 4\ntext = "x"\nmetric = "speed"\ntarget = 1\n')
    command = [str(Path(sys.executable).with_name("h2o-lab")), "--data-dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"{tmp_path / 'exercises.toml'}: 1 mistake" in done.stderr and "line 4: unknown metric 'speed'" in done.stderr
    )
