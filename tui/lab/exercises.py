"""Exercises: the goals of each training step, their hints, and the quiz, read from a plain TOML file.

The lab ships its own file (``exercises.toml`` beside this module); a teacher can give another with
``--exercises FILE`` or by putting ``exercises.toml`` in the data directory. A file is checked when it is
read, and every mistake is reported with the line it stands on (:class:`ExercisesError`).

A goal names a step, a metric, a comparison and a target, optional conditions on the run, a text and its
hints; :func:`check` says whether a finished run reaches it, and :func:`report` what the best run so far
achieved. Nothing here needs H2O: goals are checked against the runs the lab already holds.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tui.lab import exercise_params
from tui.lab.exercise_lines import Lines, Problem, syntax_problem
from tui.lab.quiz import Attempt, Question, score
from tui.lab.steps import BY_NUMBER, Step
from tui.lab.training import DONE, Run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAME = "exercises.toml"  # the name looked for in the data directory

# Metric -> (its name in the run's metrics, its label, True when lower is better). gap, duration and epochs
# are computed from the run itself.
METRICS: dict[str, tuple[str, str, bool]] = {
    "mse": ("MSE", "MSE", True),
    "rmse": ("RMSE", "RMSE", True),
    "mae": ("mae", "MAE", True),
    "r2": ("r2", "R²", False),
    "deviance": ("mean_residual_deviance", "deviance", True),
    "logloss": ("logloss", "logloss", True),
    "auc": ("AUC", "AUC", False),
    "aucpr": ("pr_auc", "AUCPR", False),
    "accuracy": ("accuracy", "accuracy", False),
    "error": ("error", "error rate", True),
    "mean_per_class_error": ("mean_per_class_error", "mean per-class error", True),
    "gap": ("MSE", "validation MSE minus training MSE", True),
    "duration": ("", "training time (s)", True),
    "epochs": ("", "epochs trained", True),
}
# The metrics H2O reports for each kind of model (gap, duration and epochs go with every kind).
_BY_CATEGORY = {
    "Regression": {"mse", "rmse", "mae", "r2", "deviance"},
    "Binomial": {"mse", "rmse", "r2", "logloss", "auc", "aucpr", "mean_per_class_error"},
    "Multinomial": {"mse", "rmse", "r2", "logloss", "accuracy", "error", "mean_per_class_error"},
}
_ANY_KIND = {"gap", "duration", "epochs"}
COMPARISONS = {
    "below": ("<", lambda v, t: v < t),
    "at_most": ("≤", lambda v, t: v <= t),
    "above": (">", lambda v, t: v > t),
    "at_least": ("≥", lambda v, t: v >= t),
}
ON = ("validation", "training")
# Parameters whose value is a list: a comparison on one holds when it holds for every element.
LIST_PARAMETERS = {"hidden", "hidden_dropout_ratios"}
# What a condition can look at besides the run's parameters.
RUN_FACTS = {"sample_rows": "sample rows", "duration": "training time (s)", "epochs_done": "epochs trained"}
# H2O's Deep Learning parameters (a condition names one of them), with the defaults the conditions need
# when a run left a parameter unset.
DEFAULTS: dict[str, Any] = {
    "activation": "Rectifier",
    "adaptive_rate": True,
    "epochs": 10,
    "epsilon": 1e-8,
    "hidden": [200, 200],
    "hidden_dropout_ratios": None,
    "initial_weight_distribution": "UniformAdaptive",
    "initial_weight_scale": 1.0,
    "input_dropout_ratio": 0.0,
    "l1": 0.0,
    "l2": 0.0,
    "mini_batch_size": 1,
    "momentum_start": 0.0,
    "momentum_stable": 0.0,
    "nesterov_accelerated_gradient": True,
    "nfolds": 0,
    "rate": 0.005,
    "rate_annealing": 1e-6,
    "rate_decay": 1.0,
    "rho": 0.99,
    "seed": -1,
}
PARAMETERS = set(exercise_params.PARAMETERS)
_GOAL_KEYS = {"id", "step", "text", "metric", "on", "compare", "target", "than_step", "margin", "when", "hints"}
_QUESTION_KEYS = {"id", "text", "choices", "answer", "explain"}


class ExercisesError(Exception):
    """An exercises file that cannot be used: every mistake found, each with its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(self.message())

    def message(self) -> str:
        count = len(self.problems)
        if count == 1 and not self.problems[0].line and not self.problems[0].shown:
            return f"{self.source}: {self.problems[0].text}"
        head = f"{self.source}: {count} mistake{'s' if count > 1 else ''} in the exercises file"
        lines = []
        for problem in self.problems:
            lines.append(f"  line {problem.line}: {problem.text}" if problem.line else f"  {problem.text}")
            if problem.shown:
                lines.append(f"    {problem.shown}")
        return "\n".join([head, *lines])


@dataclass(frozen=True)
class Condition:
    """Which runs a goal counts: a parameter or a fact of the run, compared with a value."""

    name: str
    compare: str  # "equals" or one of COMPARISONS
    value: Any

    def label(self) -> str:
        name = RUN_FACTS.get(self.name, self.name)
        if self.compare == "equals":
            return f"{name} = {_show(self.value)}"
        if self.name in LIST_PARAMETERS:
            name += " all"  # every element compared
        return f"{name} {COMPARISONS[self.compare][0]} {_show(self.value)}"

    def met_by(self, run: Run) -> bool:
        value = _fact(run, self.name)
        if self.compare == "equals":
            return _same(value, self.value)
        if self.name == "sample_rows" and value is None:
            return self.compare in ("above", "at_least")  # all rows: more than any sample
        if isinstance(value, (list, tuple)):  # a list: every element must meet it (an empty list never does)
            return bool(value) and all(self._holds(v) for v in value)
        return self._holds(value)

    def _holds(self, value: Any) -> bool:
        if not _number(value):
            return False
        return bool(COMPARISONS[self.compare][1](float(value), float(self.value)))


@dataclass(frozen=True)
class Goal:
    id: str
    step: int
    text: str
    metric: str
    on: str = "validation"
    compare: str = "below"
    target: float | None = None  # a number, or None with than_step
    than_step: int | None = None  # compare with the learner's latest finished run of that step
    margin: float = 0.0  # with than_step: by how much that run must be beaten (above run-to-run noise)
    when: tuple[Condition, ...] = ()
    hints: tuple[str, ...] = ()
    line: int = 0

    @property
    def lower_is_better(self) -> bool:
        return self.compare in ("below", "at_most")

    def metric_label(self) -> str:
        label = METRICS[self.metric][1]
        if self.metric in _ANY_KIND:
            return label
        return f"{self.on} {label}"

    def goal_value(self, reference: float | None) -> float | None:
        """The number a run must beat: the target, or the other step's run moved by the margin."""
        if reference is None or self.than_step is None:
            return reference
        return reference - self.margin if self.lower_is_better else reference + self.margin

    def target_label(self, reference: float | None = None) -> str:
        sign = COMPARISONS[self.compare][0]
        if self.than_step is not None:
            against = f"your latest run of step {self.than_step}"
            if reference is not None:
                against += f" ({describe(self, reference)})"
            if self.margin:
                side = "below" if self.lower_is_better else "above"
                return f"{self.metric_label()} at least {fmt_value(self.margin)} {side} {against}"
            return f"{self.metric_label()} {sign} {against}"
        return f"{self.metric_label()} {sign} {fmt_value(self.target)}"


@dataclass(frozen=True)
class Exercises:
    goals: tuple[Goal, ...] = ()
    questions: tuple[Question, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = ()  # what the file lacks, though it can be used

    def goals_of(self, step: int) -> list[Goal]:
        return [g for g in self.goals if g.step == step]

    def steps_with_goals(self) -> list[int]:
        return sorted({g.step for g in self.goals})


@dataclass
class GoalStatus:
    """Where a goal stands: reached or not, and the best run so far against its target."""

    goal: Goal
    reached: bool
    best: float | None = None  # the best value among the runs that count
    best_run: str = ""
    reference: float | None = None  # than_step: the value to beat
    note: str = ""  # why nothing counts yet


@dataclass
class Progress:
    """What the learner did with the exercises: goals reached (by which run), hints shown, quiz answers, and the
    scores of the earlier attempts at the quiz (journals written before they were kept have none)."""

    reached: dict[str, dict[str, Any]] = field(default_factory=dict)  # goal id -> {"run": id, "value": v}
    hints: dict[str, int] = field(default_factory=dict)  # goal id -> hints revealed
    answers: dict[str, int] = field(default_factory=dict)  # question id -> the choice given
    attempts: list[Attempt] = field(default_factory=list)  # oldest first; the current one is in answers

    def to_dict(self) -> dict:
        return {
            "reached": self.reached,
            "hints": self.hints,
            "answers": self.answers,
            "attempts": [a.to_dict() for a in self.attempts],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Progress:
        if not isinstance(data, dict):
            return cls()

        def table(key: str, kind: type) -> dict:
            value = data.get(key)
            if not isinstance(value, dict):
                return {}
            return {str(k): v for k, v in value.items() if isinstance(v, kind) and not isinstance(v, bool)}

        kept = data.get("attempts")
        attempts = [Attempt.from_dict(a) for a in kept] if isinstance(kept, list) else []
        return cls(
            table("reached", dict), table("hints", int), table("answers", int), [a for a in attempts if a is not None]
        )

    def restart_quiz(self, questions: tuple[Question, ...]) -> None:
        """Every answer forgotten, the score they made kept among the attempts (once every question is answered)."""
        now = score(questions, self.answers)
        if now.finished:
            self.attempts.append(Attempt(now.right, now.total))
        self.answers.clear()

    def reveal_hint(self, goal: Goal) -> int:
        """One more hint of ``goal`` shown; the number shown now (never more than it has)."""
        shown = min(len(goal.hints), self.hints.get(goal.id, 0) + 1)
        self.hints[goal.id] = shown
        return shown

    def hints_shown(self, goal: Goal) -> int:
        return min(len(goal.hints), max(0, self.hints.get(goal.id, 0)))


# -- reading and checking a file --------------------------------------------------------------------------
def shipped_text() -> str:
    return resources.files("tui.lab").joinpath(FILE_NAME).read_text(encoding="utf-8")


def exercises_path(explicit: Path | None, data_dir: Path | None) -> Path | None:
    """The file to use: ``--exercises``, else ``exercises.toml`` in the data directory, else None (the shipped one)."""
    if explicit is not None:
        return Path(explicit)
    if data_dir is not None:
        candidate = Path(data_dir) / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None = None) -> Exercises:
    """The exercises of ``path`` (None: the shipped file). Raises :class:`ExercisesError` with every mistake."""
    if path is None:
        return parse(shipped_text(), "the exercises shipped with h2o-lab")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExercisesError(str(path), [Problem(0, "no such file")]) from None
    except IsADirectoryError:
        raise ExercisesError(str(path), [Problem(0, "a directory, not a file")]) from None
    except UnicodeDecodeError as exc:
        raise ExercisesError(str(path), [Problem(0, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ExercisesError(str(path), [Problem(0, f"cannot be read ({exc.strerror})")]) from None
    return parse(text, str(path))


def parse(text: str, source: str = "exercises") -> Exercises:
    """Read and check the text of an exercises file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExercisesError(source, [syntax_problem(exc, text)]) from None
    lines = Lines(text)
    problems: list[Problem] = []
    for key in data:
        if key not in ("goal", "question"):
            problems.append(Problem(lines.top(key), f"unknown section '{key}': use [[goal]] and [[question]]"))
    goals = _entries(data, "goal", lines, problems)
    questions = _entries(data, "question", lines, problems)
    reader = _Reader(lines, problems)
    found_goals = [reader.goal(entry, index) for index, entry in enumerate(goals)]
    found_questions = [reader.question(entry, index) for index, entry in enumerate(questions)]
    ids: dict[str, int] = {}
    for goal in [g for g in found_goals if g is not None]:
        if goal.id in ids:
            problems.append(Problem(goal.line, f"goal id '{goal.id}' is used twice (first at line {ids[goal.id]})"))
        ids.setdefault(goal.id, goal.line)
    qids: dict[str, int] = {}
    for question in [q for q in found_questions if q is not None]:
        if question.id in qids:
            problems.append(
                Problem(question.line, f"question id '{question.id}' is used twice (first at line {qids[question.id]})")
            )
        qids.setdefault(question.id, question.line)
    if problems:
        raise ExercisesError(source, problems)
    warnings = []
    if not goals:
        warnings.append("no goals ([[goal]]): with this file no step has goals, not even the lab's own")
    if not questions:
        warnings.append("no questions ([[question]]): with this file the quiz has none")
    return Exercises(
        tuple(g for g in found_goals if g is not None),
        tuple(q for q in found_questions if q is not None),
        source,
        tuple(warnings),
    )


def _entries(data: dict, key: str, lines: Lines, problems: list[Problem]) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(lines.top(key), f"'{key}' must be written as [[{key}]] tables"))
        return []
    return value


class _Reader:
    """Turns each table of the file into a Goal or a Question, noting every mistake with its line."""

    def __init__(self, lines: Lines, problems: list[Problem]) -> None:
        self.lines = lines
        self.problems = problems

    def _say(self, section: str, index: int, key: str, text: str) -> None:
        self.problems.append(Problem(self.lines.at(section, index, key), text))

    def _text(self, entry: dict, section: str, index: int, key: str, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                self._say(section, index, "", f"this {section} has no '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self._say(section, index, key, f"'{key}' must be a text that is not empty")
            return None
        return " ".join(value.split())

    def goal(self, entry: dict, index: int) -> Goal | None:
        def say(key: str, text: str) -> None:
            self._say("goal", index, key, text)

        before = len(self.problems)
        for key in entry:
            if key not in _GOAL_KEYS:
                say(key, f"unknown key '{key}' in a goal (known: {', '.join(sorted(_GOAL_KEYS))})")
        number = entry.get("step")
        step: Step | None = None
        if number is None:
            say("", "this goal has no 'step'")
        elif not isinstance(number, int) or isinstance(number, bool):
            say("step", "'step' must be a step number, such as 4")
        elif number not in BY_NUMBER or BY_NUMBER[number].kind not in ("train", "evaluation"):
            trained = ", ".join(str(s.number) for s in BY_NUMBER.values() if s.kind in ("train", "evaluation"))
            say("step", f"step {number} trains no model: goals go with steps {trained}")
        else:
            step = BY_NUMBER[number]
        text = self._text(entry, "goal", index, "text")
        metric = entry.get("metric")
        if metric is None:
            say("", "this goal has no 'metric'")
        elif metric not in METRICS:
            say("metric", f"unknown metric '{metric}' (known: {', '.join(METRICS)})")
        elif step is not None and metric not in _BY_CATEGORY.get(step.category, set()) | _ANY_KIND:
            usable = ", ".join(sorted(_BY_CATEGORY.get(step.category, set()) | _ANY_KIND))
            say("metric", f"step {step.number} trains a {step.category.lower()} model: it has no '{metric}' ({usable})")
        on = entry.get("on", "validation")
        if on not in ON:
            say("on", f'\'on\' must be "validation" or "training", not {_show(on)}')
        elif on == "validation" and step is not None and not _has_validation(step) and metric not in _ANY_KIND:
            say("on", f'step {step.number} keeps no rows back for validation: use on = "training"')
        if metric == "gap" and step is not None and not _has_validation(step):
            say("metric", f"step {step.number} keeps no rows back, so it has no gap between training and validation")
        compare = entry.get("compare", "below")
        if compare not in COMPARISONS:
            say("compare", f"'compare' must be one of {', '.join(COMPARISONS)}, not {_show(compare)}")
        target, than = entry.get("target"), entry.get("than_step")
        if (target is None) == (than is None):
            say("", "a goal needs either 'target' (a number) or 'than_step' (a step to beat), and only one")
        elif target is not None and (not isinstance(target, (int, float)) or isinstance(target, bool)):
            say("target", f"'target' must be a number, not {_show(target)}")
        elif than is not None and (
            not isinstance(than, int) or isinstance(than, bool) or than not in BY_NUMBER or than == number
        ):
            say("than_step", f"'than_step' must be the number of another training step, not {_show(than)}")
        margin = entry.get("margin", 0.0)
        if not isinstance(margin, (int, float)) or isinstance(margin, bool) or margin < 0:
            say("margin", f"'margin' must be a number of at least 0, not {_show(margin)}")
        elif margin and than is None:
            say("margin", "'margin' goes with 'than_step' (by how much that step's run must be beaten)")
        named = f'goal "{entry["id"]}"' if isinstance(entry.get("id"), str) else f"goal {index + 1}"
        if step is not None:
            named += f" (step {step.number})"
        when = self._conditions(entry.get("when", {}), index, named)
        hints = entry.get("hints", [])
        if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
            say("hints", '\'hints\' must be a list of texts, such as ["first hint", "second hint"]')
            hints = []
        goal_id = entry.get("id")
        if goal_id is not None and (not isinstance(goal_id, str) or not goal_id.strip()):
            say("id", "'id' must be a text")
        if len(self.problems) > before or step is None or text is None:
            return None
        return Goal(
            id=str(goal_id or f"goal-{index + 1}"),
            step=step.number,
            text=text,
            metric=str(metric),
            on=str(on),
            compare=str(compare),
            target=float(target) if target is not None else None,
            than_step=int(than) if than is not None else None,
            margin=float(margin) if isinstance(margin, (int, float)) else 0.0,
            when=when,
            hints=tuple(" ".join(h.split()) for h in hints),
            line=self.lines.at("goal", index),
        )

    def _conditions(self, when: Any, index: int, name: str) -> tuple[Condition, ...]:
        """The goal's conditions; each one no run can meet (a value of the wrong type, outside its range) is
        a mistake, named with the goal (``name``), the parameter, the value and what the parameter takes."""
        if not isinstance(when, dict):
            self._say(
                "goal", index, "when", "'when' must be a table, such as when = { sample_rows = { at_most = 5000 } }"
            )
            return ()
        found = []
        for parameter, value in when.items():

            def say(text: str, parameter: str = parameter) -> None:
                self._say("goal", index, f"when.{parameter}", f"{name}: {text}")

            if parameter not in RUN_FACTS and parameter not in PARAMETERS:
                say(f"unknown condition '{parameter}': a Deep Learning parameter or one of {', '.join(RUN_FACTS)}")
                continue
            if not isinstance(value, dict):
                problem = exercise_params.equals_problem(parameter, value)
                if problem:
                    say(f"when {parameter} = {_show(value)} is never met: {problem}")
                else:
                    found.append(Condition(parameter, "equals", value))
                continue
            if not value or any(k not in COMPARISONS for k in value):
                say(f"the condition on '{parameter}' compares with {', '.join(COMPARISONS)}")
                continue
            if not exercise_params.is_numeric(parameter):
                example = _show(DEFAULTS[parameter]) if parameter in DEFAULTS else exercise_params.example(parameter)
                say(f"'{parameter}' is not a number: write {parameter} = {example}, not a comparison")
                continue
            for compare, limit in value.items():
                if not exercise_params.is_number(limit):
                    say(f"the condition on '{parameter}' needs a number, not {_show(limit)}")
                    continue
                problem = exercise_params.limit_problem(parameter, float(limit), COMPARISONS[compare][1])
                if problem:
                    say(f"when {parameter} {compare} {_show(limit)} is never met: {problem}")
                    continue
                found.append(Condition(parameter, compare, limit))
        return tuple(found)

    def question(self, entry: dict, index: int) -> Question | None:
        before = len(self.problems)
        for key in entry:
            if key not in _QUESTION_KEYS:
                self._say(
                    "question",
                    index,
                    key,
                    f"unknown key '{key}' in a question (known: {', '.join(sorted(_QUESTION_KEYS))})",
                )
        text = self._text(entry, "question", index, "text")
        explain = self._text(entry, "question", index, "explain")
        choices = entry.get("choices")
        if choices is None:
            self._say("question", index, "", "this question has no 'choices'")
            choices = []
        elif (
            not isinstance(choices, list)
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or not 2 <= len(choices) <= 6
        ):
            self._say("question", index, "choices", "'choices' must be a list of 2 to 6 texts")
            choices = []
        answer = entry.get("answer")
        right = -1
        if answer is None:
            self._say("question", index, "", "this question has no 'answer' (the text of the right choice)")
        elif choices:
            wanted = " ".join(str(answer).split()).lower()
            matches = [i for i, c in enumerate(choices) if " ".join(c.split()).lower() == wanted]
            if not matches:
                self._say("question", index, "answer", f"the answer {_show(answer)} is not one of its choices")
            right = matches[0] if matches else -1
        if len(set(c.strip().lower() for c in choices)) != len(choices):
            self._say("question", index, "choices", "two choices are the same")
        qid = entry.get("id")
        if len(self.problems) > before or text is None or explain is None or right < 0:
            return None
        return Question(
            id=str(qid or f"question-{index + 1}"),
            text=text,
            choices=tuple(" ".join(c.split()) for c in choices),
            answer=right,
            explain=explain,
            line=self.lines.at("question", index),
        )


def _has_validation(step: Step) -> bool:
    return step.split or step.dataset == "mnist"


# -- checking runs ----------------------------------------------------------------------------------------
def value_of(goal: Goal, run: Run) -> float | None:
    """The run's figure for the goal's metric, or None when the run has none."""
    if goal.metric == "duration":
        return run.elapsed if run.finished_at is not None else None
    if goal.metric == "epochs":
        return run.epochs_done
    name = METRICS[goal.metric][0]
    if goal.metric == "gap":  # signed: below 0 when the network does better on the held-back rows
        training, validation = run.metric(name, "training"), run.metric(name, "validation")
        if not _number(training) or not _number(validation):
            return None
        return float(validation) - float(training)
    value = run.metric(name, goal.on)
    return float(value) if _number(value) else None


def counts(goal: Goal, run: Run) -> bool:
    """Whether a run counts for a goal: a finished run of its step that meets its conditions."""
    return run.spec.step == goal.step and run.status == DONE and all(c.met_by(run) for c in goal.when)


def reference(goal: Goal, runs: Iterable[Run]) -> float | None:
    """For a goal with ``than_step``: the value of the learner's latest finished run of that step."""
    if goal.than_step is None:
        return goal.target
    latest = None
    for run in runs:
        same = run.spec.step == goal.than_step and run.status == DONE and value_of(goal, run) is not None
        if same and (latest is None or run.started_at >= latest.started_at):
            latest = run
    return value_of(goal, latest) if latest is not None else None


def check(goal: Goal, run: Run, runs: Iterable[Run] = ()) -> bool:
    """Whether ``run`` reaches ``goal`` (``runs``: the others, for a goal that compares with another step)."""
    if not counts(goal, run):
        return False
    value = value_of(goal, run)
    target = goal.goal_value(reference(goal, runs))
    if value is None or target is None:
        return False
    return bool(COMPARISONS[goal.compare][1](value, target))


def report(goal: Goal, runs: list[Run], reached: dict[str, Any] | None = None) -> GoalStatus:
    """Where ``goal`` stands against every run: reached (now or in an earlier session), and the best so far."""
    target = reference(goal, runs)
    counted = [(value_of(goal, r), r) for r in runs if counts(goal, r)]
    scored = [(v, r) for v, r in counted if v is not None]
    status = GoalStatus(goal, reached=bool(reached), reference=target if goal.than_step is not None else None)
    if scored:
        value, best = (min if goal.lower_is_better else max)(scored, key=lambda pair: pair[0])
        status.best, status.best_run = value, best.run_id
        beat = goal.goal_value(target)
        if beat is not None and COMPARISONS[goal.compare][1](value, beat):
            status.reached = True
    elif reached and _number(reached.get("value")):
        status.best, status.best_run = float(reached["value"]), str(reached.get("run", ""))
    if not scored and not status.reached:
        tried = [r for r in runs if r.spec.step == goal.step and r.status == DONE]
        if not tried:
            status.note = f"no finished run of step {goal.step} yet"
        elif goal.when:
            status.note = "no run meets: " + ", ".join(c.label() for c in goal.when)
    if goal.than_step is not None and target is None:
        status.note = f"train step {goal.than_step} first: this goal compares with it"
    return status


# -- small helpers ----------------------------------------------------------------------------------------
def _fact(run: Run, name: str) -> Any:
    if name == "sample_rows":
        return run.spec.sample_rows
    if name == "duration":
        return run.elapsed if run.finished_at is not None else None
    if name == "epochs_done":
        return run.epochs_done
    value = run.spec.params.get(name)
    if value is None and name == "hidden_dropout_ratios":
        # H2O's default: 0.5 in every hidden layer with a "...WithDropout" activation, else no dropout at all.
        if str(_fact(run, "activation")).lower().endswith("withdropout"):
            hidden = _fact(run, "hidden")
            return [0.5] * (len(hidden) if isinstance(hidden, (list, tuple)) else 1)
        return None
    return DEFAULTS.get(name) if value is None else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if _number(a) and _number(b):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(float(value))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return fmt_value(value)
    return str(value)


def describe(goal: Goal, value: float | None) -> str:
    """A run's figure for a goal as the learner reads it; a gap with its sign and what the sign means."""
    if value is None or goal.metric != "gap":
        return fmt_value(value)
    if abs(value) < 5e-5:
        return f"{fmt_value(value)}, validation MSE = training MSE"
    side = "above" if value > 0 else "below"
    return f"{'+' if value > 0 else ''}{fmt_value(value)}, validation MSE {side} training MSE"


def fmt_value(value: float | None) -> str:
    """A figure for a goal: four significant digits (1e-05 stays short)."""
    if value is None:
        return "-"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.3g}"
    return f"{value:.4g}"
