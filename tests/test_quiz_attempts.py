"""Every attempt at the quiz is kept: its score goes to the journal when the quiz is taken again, and the best
and the latest full scores are shown."""

from __future__ import annotations

from tui.lab import exercises as ex
from tui.lab.journal import Journal
from tui.lab.quiz import Attempt, attempts_label, score
from tui.parts.goals import JOURNAL_KEY

QUESTIONS = ex.load(None).questions


def answer(progress: ex.Progress, right: int) -> None:
    """Every question answered, the first ``right`` of them rightly."""
    for index, question in enumerate(QUESTIONS):
        progress.answers[question.id] = question.answer if index < right else (question.answer + 1) % 2


def test_taking_the_quiz_again_keeps_the_finished_score():
    progress = ex.Progress()
    answer(progress, 5)
    progress.restart_quiz(QUESTIONS)
    assert progress.answers == {} and progress.attempts == [Attempt(5, len(QUESTIONS))]
    answer(progress, 3)
    progress.restart_quiz(QUESTIONS)
    assert progress.attempts == [Attempt(5, len(QUESTIONS)), Attempt(3, len(QUESTIONS))]


def test_the_best_and_the_latest_full_scores():
    total = len(QUESTIONS)
    earlier = [Attempt(5, total), Attempt(3, total)]
    progress = ex.Progress(attempts=list(earlier))
    assert attempts_label(earlier, score(QUESTIONS, {})) == f"best 5 of {total}, latest 3 of {total}"
    answer(progress, total)
    now = score(QUESTIONS, progress.answers)
    assert attempts_label(earlier, now) == f"best {total} of {total}, latest {total} of {total}"
    assert attempts_label([], now) == ""  # one attempt: its score says it all
    assert attempts_label([Attempt(2, 4), Attempt(6, 7)], score(QUESTIONS, {})) == "best 6 of 7, latest 6 of 7"


def test_the_attempts_go_through_the_journal_and_back(tmp_path):
    progress = ex.Progress(hints={"validation-mse": 1})
    answer(progress, 6)
    progress.restart_quiz(QUESTIONS)
    answer(progress, 2)
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.save_state(JOURNAL_KEY, progress.to_dict())
    journal.close()
    again = Journal(tmp_path / "journal.sqlite3")
    restored = ex.Progress.from_dict(again.state(JOURNAL_KEY))
    again.close()
    assert restored == progress and restored.attempts == [Attempt(6, len(QUESTIONS))]


def test_a_journal_written_before_attempts_were_kept_still_loads(tmp_path):
    """The field did not exist: such a journal loads with no earlier attempt, and its finished quiz is the first."""
    old = {"reached": {"validation-mse": {"run": "run-1", "value": 0.09}}, "hints": {"validation-mse": 2}}
    old["answers"] = {q.id: q.answer for q in QUESTIONS}
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.save_state(JOURNAL_KEY, old)
    journal.close()
    again = Journal(tmp_path / "journal.sqlite3")
    progress = ex.Progress.from_dict(again.state(JOURNAL_KEY))
    again.close()
    assert progress.attempts == [] and progress.hints == {"validation-mse": 2} and len(progress.answers) == 7
    progress.restart_quiz(QUESTIONS)
    assert progress.attempts == [Attempt(len(QUESTIONS), len(QUESTIONS))]


def test_attempts_that_make_no_sense_are_left_out():
    data = {"attempts": [{"right": 3, "total": 7}, {"right": 9, "total": 7}, "x", {"right": True, "total": 2}, 4]}
    assert ex.Progress.from_dict(data).attempts == [Attempt(3, 7)]
    assert ex.Progress.from_dict({"attempts": "many"}).attempts == []
