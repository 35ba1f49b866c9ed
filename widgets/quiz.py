"""One question of the quiz: its text, its choices (arrow keys and Enter), and, once answered, why."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.lab.quiz import Question

RIGHT = "✓"
WRONG = "✗"


def choice_label(question: Question, index: int, chosen: int | None) -> Table:
    """A choice as the list shows it: its letter, and once answered a mark (✓ the right one, ✗ a wrong pick).

    Two columns, so that a long choice wraps under its own text, not under the letter.
    """
    mark = " "
    if chosen is not None:
        if index == question.answer:
            mark = RIGHT
        elif index == chosen:
            mark = WRONG
    style = "bold" if chosen is not None and index == question.answer else ""
    grid = Table.grid(padding=0)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(
        Text.assemble((f"{mark} ", "bold"), f"{question.letter(index)}) "), Text(question.choices[index], style)
    )
    return grid


def verdict(question: Question, chosen: int) -> Text:
    """What the learner reads after answering: right or not, which answer is right, and why."""
    if question.is_right(chosen):
        text = Text(f"{RIGHT} Right.", style="bold green")
    else:
        text = Text(
            f"{WRONG} Not quite: you chose {question.letter(chosen)}), the answer is {question.letter(question.answer)}).",
            style="bold red",
        )
    text.append(" " + question.explain, style="")
    return text


class ChoiceList(OptionList):
    """The choices: ↑ ↓ and Enter as in any list, ← → to another question (posts :class:`QuizCard.Move`).

    Only the keys of the list itself: n, p, q, ? and the app's other keys go on to the app.
    """

    # Both keys shown as one "← → Questions" (room for the app's n and p at 80 columns); alone, with its own name.
    QUESTIONS = Binding.Group("Questions")
    BINDINGS = [
        Binding(
            "left",
            "move(-1)",
            "Prev question",
            id="quiz.prev",
            tooltip="The previous question of the quiz",
            group=QUESTIONS,
        ),
        Binding(
            "right",
            "move(1)",
            "Next question",
            id="quiz.next",
            tooltip="The next question of the quiz",
            group=QUESTIONS,
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_go_back = False  # ← leads somewhere (not on the first question)
        self.can_go_on = False  # → leads somewhere (not on the last one once every question is answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """← and → only where they lead to another question (else hidden from the footer, and they do nothing)."""
        if action == "move" and parameters:
            return self.can_go_on if float(str(parameters[0])) > 0 else self.can_go_back
        return super().check_action(action, parameters)

    def action_move(self, delta: int) -> None:
        """Another question."""
        if self.check_action("move", (delta,)):
            self.post_message(QuizCard.Move(delta))


class QuizCard(Vertical):
    """A question and its choices; Enter on a choice posts :class:`QuizCard.Answered` (once per question)."""

    DEFAULT_CSS = """
    QuizCard {
        height: auto;
        padding: 0 1;
    }
    QuizCard #quiz-question {
        height: auto;
        text-style: bold;
        margin-bottom: 1;
    }
    QuizCard #quiz-choices {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    QuizCard #quiz-choices:focus {
        border-left: outer $accent;
    }
    QuizCard #quiz-explain {
        height: auto;
        margin-top: 1;
    }
    """

    @dataclass(eq=False)
    class Answered(Message):
        """The learner picked a choice of the question shown."""

        choice: int

    @dataclass(eq=False)
    class Onward(Message):
        """Enter on a question already answered: on to the next one."""

    @dataclass(eq=False)
    class Move(Message):
        """← or → on the choices: another question."""

        delta: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None
        self.chosen: int | None = None

    def focus_choices(self) -> None:
        """Put the focus on the choices now (so that ↑ ↓ and Enter answer), if they are there to take it."""
        for choices in self.query(ChoiceList):
            if choices.focusable and not choices.has_focus:
                self.screen.set_focus(choices)

    def compose(self) -> ComposeResult:
        """The question, its choices, and the explanation once answered."""
        yield Static(id="quiz-question")
        yield ChoiceList(id="quiz-choices")
        yield Static(id="quiz-explain")

    def show(
        self, question: Question, chosen: int | None, after: str = "", *, back: bool = True, on: bool = True
    ) -> None:
        """Show ``question``; with ``chosen``, marked and explained (``after``: a last sentence, such as the score).

        ``back`` and ``on``: whether ← and → lead to another question from this one.
        """
        same = self.question is not None and self.question.id == question.id
        self.question, self.chosen = question, chosen
        self.query_one("#quiz-question", Static).update(question.text)
        options = self.query_one("#quiz-choices", ChoiceList)
        options.can_go_back, options.can_go_on = back, on
        highlighted = options.highlighted if same else None
        options.clear_options()
        options.add_options(
            [Option(choice_label(question, i, chosen), id=f"choice-{i}") for i in range(len(question.choices))]
        )
        if highlighted is not None:
            options.highlighted = highlighted
        elif chosen is not None:
            options.highlighted = chosen
        else:
            options.highlighted = 0
        explain = self.query_one("#quiz-explain", Static)
        if chosen is None:
            others = "; ← → for the other questions" if back or on else ""
            explain.update(Text(f"Choose with ↑ ↓ and Enter{others}.", style="dim"))
        else:
            text = verdict(question, chosen)
            if after:
                text.append("\n\n" + after, style="italic")
            explain.update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice answers the question; on an answered question it goes on to the next."""
        event.stop()
        if self.question is None:
            return
        if self.chosen is not None:
            self.post_message(self.Onward())
        elif event.option.id:
            self.post_message(self.Answered(int(event.option.id.split("-")[1])))
