"""A teacher's exercises file: conditions checked against the parameters' types, warnings for a file without
goals or questions, and syntax errors pointed at the line that opened what is never closed."""

from __future__ import annotations

import pytest

from tests.replay import metas
from tui import cli
from tui.lab import exercise_params
from tui.lab import exercises as ex

GOAL = '[[goal]]\nstep = {step}\ntext = "Beat it."\nmetric = "mse"\ntarget = 1\nwhen = {{ {when} }}\n'
QUESTION = '[[question]]\ntext = "q"\nchoices = ["a", "b"]\nanswer = "a"\nexplain = "e"\n'


def problems(text: str) -> list[ex.Problem]:
    with pytest.raises(ex.ExercisesError) as caught:
        ex.parse(text)
    return caught.value.problems


def test_a_condition_of_the_wrong_type_is_refused_naming_goal_parameter_value_and_what_is_allowed():
    found = problems(GOAL.format(step=4, when='activation = 5, epochs = "ten"') + QUESTION)
    assert [p.line for p in found] == [6, 6]
    activation = next(p.text for p in found if "activation" in p.text)
    assert "goal 1 (step 4)" in activation and "activation = 5" in activation
    assert "Tanh, TanhWithDropout, Rectifier, RectifierWithDropout, Maxout, MaxoutWithDropout" in activation
    epochs = next(p.text for p in found if "epochs" in p.text)
    assert "goal 1 (step 4)" in epochs and 'epochs = "ten"' in epochs and "a number" in epochs


@pytest.mark.parametrize(
    ("when", "words"),
    [
        ('activation = "Sigmoid"', "one of Tanh"),
        ('adaptive_rate = "yes"', "true or false"),
        ("hidden = 200", "a list of whole numbers, such as [200, 200]"),
        ("hidden = [100, 0]", "each value must be >= 1"),
        ("hidden = [1.5]", "a list of whole numbers"),
        ("input_dropout_ratio = 1", "must be < 1"),
        ("nfolds = 1", "2 folds or more"),
        ("seed = 1.5", "a whole number"),
        ("sample_rows = 0", "a number of rows, 1 or more"),
        ('duration = "fast"', "a number of seconds"),
        ("input_dropout_ratio = { at_least = 1 }", "no value allowed meets it"),
        ("epochs = { below = 0 }", "no value allowed meets it"),
        ("stopping_metric = { above = 1 }", "'stopping_metric' is not a number"),
    ],
)
def test_every_condition_is_checked_against_the_parameters_rules(when, words):
    found = problems(GOAL.format(step=5, when=when) + QUESTION)
    assert len(found) == 1 and found[0].line == 6, found
    assert words in found[0].text and "goal 1 (step 5)" in found[0].text, found[0].text


@pytest.mark.parametrize(
    "when",
    [
        'activation = "tanhwithdropout"',
        "hidden = [50, 50]",
        "hidden_dropout_ratios = [0.1, 0.2]",
        "hidden = { at_most = 50 }",
        "epochs = { above = 0 }",
        "input_dropout_ratio = { at_most = 0.2 }",
        "adaptive_rate = false",
        "nfolds = { at_least = 2 }",
        "sample_rows = { at_most = 10000 }",
        "l2 = { at_least = 1e-4 }",
        "seed = 42",
    ],
)
def test_conditions_that_a_run_can_meet_are_accepted(when):
    (goal,) = ex.parse(GOAL.format(step=5, when=when) + QUESTION).goals
    assert goal.when


def test_the_parameter_table_agrees_with_h2os_own_metadata():
    """The types and allowed values the file is checked against, as H2O 3.46 gave them (tests/fixtures)."""
    recorded = {m.name: m for m in metas()}
    for name, meta in exercise_params.PARAMETERS.items():
        assert name in recorded, name
        assert (meta.type, meta.values) == (recorded[name].type, recorded[name].values), name
    assert set(exercise_params.PARAMETERS) == ex.PARAMETERS


def test_a_file_without_goals_or_questions_is_accepted_with_a_warning():
    empty = ex.parse("# nothing yet\n")
    assert not empty.goals and not empty.questions
    assert any("no goals" in w for w in empty.warnings) and any("no questions" in w for w in empty.warnings)
    only_questions = ex.parse(QUESTION)
    assert [w for w in only_questions.warnings if "goals" in w] and not [
        w for w in only_questions.warnings if "questions" in w
    ]
    assert ex.load(None).warnings == ()


def test_the_command_line_says_the_warning_and_goes_on(tmp_path, capsys):
    path = tmp_path / "class.toml"
    path.write_text(GOAL.format(step=4, when="epochs = { at_most = 5 }"))
    args, _ = cli.parse_args(["--exercises", str(path)], environ={})
    assert args.exercises == path.resolve()
    err = capsys.readouterr().err
    assert f"h2o-lab: warning: {path}: no questions" in err


UNCLOSED_ARRAY = """\
[[goal]]
step = 4
text = "Under 0.11."
metric = "mse"
target = 0.11
# two hints
hints = ["Raise epochs.", "Look at the curve."
  # the question
[[question]]
text = "q"
choices = ["a", "b"]
answer = "a"
explain = "e"
"""


def test_an_unclosed_bracket_is_pointed_at_the_line_that_opened_it_and_that_line_is_shown():
    (problem,) = problems(UNCLOSED_ARRAY)
    assert problem.line == 7
    assert "'['" in problem.text and "not closed" in problem.text
    assert problem.shown == 'hints = ["Raise epochs.", "Look at the curve."'
    message = ex.ExercisesError("class.toml", [problem]).message()
    assert "line 7: TOML syntax" in message and '    hints = ["Raise epochs.", "Look at the curve."' in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('a = 1\nb = """one\ntwo\nc = 3\n', 2, 'closing """'),
        ("a = 1\nb = '''one\nc = 3\n", 2, "closing '''"),
        ("a = 1\nb = 'one\nc = 3\n", 2, "closing quote"),
        ('a = 1\nb = "one\nc = 3\n', 2, "closing quote"),
        ('a = 1\nhints = [\n  "a"\n  "b",\n]\n', 2, "a comma"),
        ('a = 1\nhints = ["a", "b"\n', 2, "'['"),
        ("a = 1\nwhen = { b = 1\nc = 2\n", 2, "'{'"),
        ('a = 1\nb = "x" # a "quote\nc = nope\n', 3, "Invalid value"),
        ('a = 1\nb = ["]", "[", \'[\']\nc = nope\n', 3, "Invalid value"),
    ],
)
def test_syntax_errors_point_at_the_line_that_opened_what_is_not_closed(text, line, words):
    (problem,) = problems(text)
    assert problem.line == line and words in problem.text, problem
    assert problem.shown == text.splitlines()[line - 1].strip()
