"""The quiz at the end of the walkthrough: one question at a time, each answer explained, the score kept."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.base import StepView
from tui.lab.quiz import attempts_label, first_unanswered, score
from tui.lab.steps import Step
from widgets.quiz import QuizCard


class QuizView(StepView):
    """Questions on what the learner saw; the answers and the score are kept in the journal."""

    DEFAULT_CSS = """
    QuizView #quiz-scroll {
        height: 1fr;
    }
    QuizView #quiz-status {
        height: auto;
        padding: 0 1 1 1;
    }
    """
    BINDINGS = [
        Binding("a", "again", "Start again", id="quiz.again", tooltip="Forget every answer and take the quiz again"),
    ]

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.index = 0
        self._placed = False

    def compose(self) -> ComposeResult:
        """The lesson, where the learner stands (question, score), and the question."""
        with VerticalScroll(id="quiz-scroll", can_focus=False):  # one Tab from the step list reaches the choices
            yield from self.compose_intro()
            yield Static(id="quiz-status")
            yield QuizCard(id="quiz-card")

    def on_mount(self) -> None:
        """Open at the first question not answered yet."""
        super().on_mount()
        self.call_after_refresh(self._first_show)

    def _first_show(self) -> None:
        if not self._placed:
            self._placed = True
            self.index = first_unanswered(self.lab_app.questions, self.lab_app.quiz_answers())
        self.refresh_quiz()
        self._take_focus()

    def on_show_step(self) -> None:
        """Coming to the quiz: the answers as they are now, and the focus on the choices (↑ ↓ Enter answer).

        The focus moves now, not later: the App leaves it where it is when it is inside the step shown.
        """
        if self.is_mounted and self._placed:
            self.refresh_quiz()
            self._take_focus()

    def _take_focus(self) -> None:
        """The choices take the focus, while the quiz is the step on screen and has questions."""
        if self.lab_app.current_step != self.step.number or not self.lab_app.questions or not self.display:
            return
        self.query_one(QuizCard).focus_choices()

    def refresh_quiz(self) -> None:
        """Show the current question, its answer if given, and the score."""
        if not self.is_mounted or self.lab_app.leaving:
            return
        questions = self.lab_app.questions
        status = self.query_one("#quiz-status", Static)
        if not questions:
            status.update("This exercises file has no questions.")
            self.query_one(QuizCard).display = False
            return
        self.index = max(0, min(self.index, len(questions) - 1))
        answers = self.lab_app.quiz_answers()
        now = score(questions, answers)
        question = questions[self.index]
        earlier = attempts_label(self.lab_app.quiz_attempts(), now)
        status.update(
            Text.assemble(
                (f"Question {self.index + 1} of {len(questions)}", "bold"),
                ("  ·  ", "dim"),
                now.label(),
                ("  ·  Enter: next" if question.id in answers and not now.finished else "", "dim"),
                # Once the quiz is taken again: the earlier full scores too, on a line of their own.
                f"\nFull scores: {earlier}" if earlier else "",
            )
        )
        after = ""
        if now.finished and question.id in answers:
            after = f"That was every question: {now.label()}. Press a to take the quiz again."
        self.query_one(QuizCard).show(
            question, answers.get(question.id), after, back=self.index > 0, on=self._target(1) != self.index
        )
        if question.id in answers:  # the explanation in sight, under the choices
            self.call_after_refresh(self.query_one("#quiz-scroll").scroll_end, animate=False)
        else:
            self.query_one("#quiz-scroll").scroll_home(animate=False)
        self.app.refresh_bindings()

    @on(QuizCard.Answered)
    def _answered(self, message: QuizCard.Answered) -> None:
        message.stop()
        self.lab_app.answer_question(self.lab_app.questions[self.index], message.choice)
        self.refresh_quiz()

    @on(QuizCard.Move)
    def _move(self, message: QuizCard.Move) -> None:
        message.stop()
        self.action_move(message.delta)

    @on(QuizCard.Onward)
    def _onward(self, message: QuizCard.Onward) -> None:
        message.stop()
        self.action_move(1)

    def _target(self, delta: int) -> int:
        """Where ``delta`` leads: another question, the first unanswered one after the last, or where it is."""
        questions = self.lab_app.questions
        target = self.index + delta
        if target >= len(questions):
            answers = self.lab_app.quiz_answers()
            unanswered = [q for q in questions if q.id not in answers]
            target = first_unanswered(questions, answers) if unanswered else len(questions) - 1
        return max(0, target)

    def action_move(self, delta: int) -> None:
        """Another question (the first unanswered one after the last, when some are left)."""
        if not self.lab_app.questions:
            return
        self.index = self._target(delta)
        self.refresh_quiz()

    def action_again(self) -> None:
        """Every answer forgotten, back to the first question."""
        self.lab_app.restart_quiz()
        self.index = 0
        self.refresh_quiz()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Start again only once every question is answered."""
        if action == "again":
            return score(self.lab_app.questions, self.lab_app.quiz_answers()).finished
        return True
