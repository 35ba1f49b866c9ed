"""The quiz at the end of the walkthrough: multiple-choice questions, each answer explained, and the score."""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "abcdef"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    choices: tuple[str, ...]
    answer: int  # the index of the right choice
    explain: str  # why, shown once the learner has answered
    line: int = 0  # where it stands in its file

    def is_right(self, choice: int) -> bool:
        return choice == self.answer

    def letter(self, choice: int) -> str:
        return LETTERS[choice] if 0 <= choice < len(LETTERS) else "?"


@dataclass(frozen=True)
class Score:
    right: int
    answered: int
    total: int

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.answered == self.total

    def label(self) -> str:
        if self.answered == 0:
            return "none answered yet"
        if self.finished:
            return f"score {self.right} of {self.total}"
        return f"score {self.right} of {self.answered} answered"


def score(questions: tuple[Question, ...] | list[Question], answers: dict[str, int]) -> Score:
    """The learner's score: right answers among those given to these questions."""
    given = [(q, answers[q.id]) for q in questions if q.id in answers and 0 <= answers[q.id] < len(q.choices)]
    return Score(sum(1 for q, a in given if q.is_right(a)), len(given), len(questions))


def first_unanswered(questions: tuple[Question, ...] | list[Question], answers: dict[str, int]) -> int:
    """Where to open the quiz: the first question without an answer (the first one when all are answered)."""
    return next((i for i, q in enumerate(questions) if q.id not in answers), 0)


@dataclass(frozen=True)
class Attempt:
    """The score of one full attempt at the quiz, kept when the learner takes it again."""

    right: int
    total: int

    def label(self) -> str:
        return f"{self.right} of {self.total}"

    def to_dict(self) -> dict:
        return {"right": self.right, "total": self.total}

    @classmethod
    def from_dict(cls, data: object) -> Attempt | None:
        """An attempt from the journal, or None for one that makes no sense."""
        if not isinstance(data, dict):
            return None
        right, total = data.get("right"), data.get("total")
        if not isinstance(right, int) or isinstance(right, bool) or not isinstance(total, int):
            return None
        if isinstance(total, bool) or total <= 0 or not 0 <= right <= total:
            return None
        return cls(right, total)


def attempts_label(earlier: list[Attempt], now: Score) -> str:
    """The best and the latest full scores over the earlier attempts and the current one once finished; empty
    before the quiz is taken again (the score then says it all)."""
    if not earlier:
        return ""
    finished = [*earlier, Attempt(now.right, now.total)] if now.finished else list(earlier)
    best = max(reversed(finished), key=lambda a: (a.right / a.total, a.right))
    return f"best {best.label()}, latest {finished[-1].label()}"
