"""The App's part for exercises: goals checked on every finished run, hints, and the quiz.

Every finished run is checked against its step's goals, whichever way it came: all run news passes through
the runs' part (a step's own training, a sweep's models), which calls :meth:`check_goals`; the runs of
earlier sessions are checked once when the app starts. Reached goals, the hints shown and the quiz's answers
are kept in the journal; the step list gets its marks from :meth:`goal_marks` like its other marks.
"""

from __future__ import annotations

from tui.lab import exercises as ex
from tui.lab.exercises import Exercises, ExercisesError, Goal, GoalStatus, Progress
from tui.lab.quiz import Attempt, Question, Score, score
from tui.lab.training import DONE, Run
from tui.parts.base import LabAppBase, log

JOURNAL_KEY = "exercises"
ALL_REACHED = "★"  # in the step list: every goal of the step reached
SOME_REACHED = "☆"  # some of them


class Goals(LabAppBase):
    """Exercises: the goals of each step, checked against every finished run; hints; the quiz."""

    _exercises: Exercises | None = None
    _exercises_note: str = ""  # why the shipped exercises are used instead of the teacher's file
    _progress: Progress | None = None
    _checked: set[str] | None = None  # runs already checked (by id)

    # -- the exercises and what the learner did with them ---------------------------------------------
    @property
    def exercises(self) -> Exercises:
        """The goals and the quiz: the teacher's file (--exercises, or exercises.toml in the data directory) or ours."""
        if self._exercises is None:
            path = ex.exercises_path(self.exercises_file, self.lab.config.data_dir)
            try:
                self._exercises = ex.load(path)
            except ExercisesError as error:  # the command line checks it first: here only for an app made in code
                log.warning("%s", error.message())
                self._exercises_note = f"The exercises file {error.source} has mistakes; the lab's own are used."
                self._exercises = ex.load(None)
        return self._exercises

    @property
    def exercise_progress(self) -> Progress:
        """Goals reached, hints shown and quiz answers, from the journal (read once)."""
        if self._progress is None:
            self._progress = Progress.from_dict(self.lab.journal.state(JOURNAL_KEY))
        return self._progress

    def _save_exercises(self) -> None:
        self.lab.journal.save_state(JOURNAL_KEY, self.exercise_progress.to_dict())

    def on_mount(self) -> None:
        """The exercises are read, and the runs of earlier sessions checked (ticked without a word)."""
        _ = self.exercises
        if self._exercises_note:
            self.notify(self._exercises_note, severity="warning", timeout=12)
        for warning in self.exercises.warnings:
            self.notify(f"{self.exercises.source}: {warning}", severity="warning", timeout=12)
        self.check_goals()

    # -- checking ---------------------------------------------------------------------------------------
    def goal_marks(self) -> dict[int, str]:
        """Each step's mark for its goals: ★ all reached, ☆ some, none otherwise."""
        reached = self.exercise_progress.reached
        marks: dict[int, str] = {}
        for number in self.exercises.steps_with_goals():
            goals = self.exercises.goals_of(number)
            count = sum(1 for g in goals if g.id in reached)
            if count:
                marks[number] = ALL_REACHED if count == len(goals) else SOME_REACHED
        return marks

    def check_goals(self) -> None:
        """Check the finished runs not checked yet against the goals; a goal reached now is said in a toast."""
        if self._checked is None:
            self._checked = set()
            first_look = True
        else:
            first_look = False
        runs = self.lab.run_table()
        fresh = [r for r in runs if r.finished and r.run_id not in self._checked]
        if not fresh:
            return
        # A finished run is checked once; one whose metrics are not read yet is looked at again.
        self._checked.update(r.run_id for r in fresh if r.metrics or r.status != DONE)
        progress = self.exercise_progress
        newly: list[tuple[Goal, Run]] = []
        for goal in self.exercises.goals:
            if goal.id in progress.reached:
                continue
            candidates = fresh
            if goal.than_step is not None and any(r.spec.step == goal.than_step for r in fresh):
                candidates = [r for r in runs if r.spec.step == goal.step]  # a new run to beat: the step's runs again
            for run in candidates:
                if ex.check(goal, run, runs):
                    progress.reached[goal.id] = {"run": run.run_id, "value": ex.value_of(goal, run)}
                    newly.append((goal, run))
                    break
        if not newly:
            return
        self._save_exercises()
        if first_look:
            return  # runs of earlier sessions: ticked without a word
        for goal, run in newly:
            self.notify(
                f"Step {goal.step}, {run.run_id}: {goal.text} (g: the step's goals)", title="★ Goal reached", timeout=8
            )

    def goal_statuses(self, step: int) -> list[GoalStatus]:
        """Where each goal of a step stands against every run so far."""
        runs = self.lab.run_table()
        reached = self.exercise_progress.reached
        return [ex.report(goal, runs, reached.get(goal.id)) for goal in self.exercises.goals_of(step)]

    def reveal_hint(self, goal: Goal) -> int:
        """One more hint of a goal (kept in the journal); how many are shown now."""
        shown = self.exercise_progress.reveal_hint(goal)
        self._save_exercises()
        return shown

    # -- the quiz ---------------------------------------------------------------------------------------
    @property
    def questions(self) -> tuple[Question, ...]:
        return self.exercises.questions

    def quiz_answers(self) -> dict[str, int]:
        return dict(self.exercise_progress.answers)

    def answer_question(self, question: Question, choice: int) -> Score:
        """The learner's answer (the first one counts), kept in the journal; the score now."""
        answers = self.exercise_progress.answers
        if question.id not in answers:
            answers[question.id] = choice
            self._save_exercises()
        quiz_score = score(self.questions, answers)
        if quiz_score.finished:
            self._mark_done("quiz")
            self.save_progress()
            self.refresh_chrome()
        return quiz_score

    def quiz_attempts(self) -> list[Attempt]:
        """The scores of the earlier attempts at the quiz, oldest first."""
        return list(self.exercise_progress.attempts)

    def restart_quiz(self) -> None:
        """Every answer forgotten, their score kept: the quiz starts again (the hints and goals stay)."""
        self.exercise_progress.restart_quiz(self.questions)
        self._save_exercises()

    # -- the goals dialog (g, bound on the main screen) ----------------------------------------------------
    def has_goals(self) -> bool:
        """Whether the step on screen has goals."""
        return bool(self.exercises.goals_of(self.current_step))

    def action_goals(self) -> None:
        """This step's goals (a dialog); on a step without goals, which steps have some."""
        from screens.dialogs import Dialog  # noqa: PLC0415
        from screens.goals import GoalsDialog  # noqa: PLC0415

        if isinstance(self.screen, Dialog):
            return
        step = next(s for s in self.steps if s.number == self.current_step)
        if not self.exercises.goals:
            self.notify("This exercises file has no goals.", timeout=6)
            return
        if not self.exercises.goals_of(step.number):
            numbers = ", ".join(str(n) for n in self.exercises.steps_with_goals())
            self.notify(f"{step.title} has no goals. The steps with goals: {numbers}.", timeout=6)
            return
        self.check_goals()
        self.push_screen(GoalsDialog(step, self.goal_statuses(step.number), self.exercise_progress))
