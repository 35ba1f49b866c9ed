"""The cars lessons promise only what a learner's run shows (figures measured with bench/train_vs_valid.py
and bench/step3_lab_vs_plain.py)."""

from __future__ import annotations

from tui.lab import codegen
from tui.lab.cluster import ClusterOptions
from tui.lab.steps import step


def test_step_3_does_not_call_its_error_optimistic():
    # On this data step 4's validation error comes out at or below the training error.
    lesson = step(3).lesson
    assert "optimistic" not in lesson
    assert "step 4 holds data back" in lesson


def test_step_3_says_why_runs_differ_and_the_threads_it_names_are_the_real_ones():
    lesson = step(3).lesson
    assert "No seed is set" in lesson
    assert "two threads (the lab's cluster)" in lesson and "one (the exported notebook's H2O)" in lesson
    # The lab's cluster takes every core; the exported notebook's H2O half of them (one of two).
    assert ClusterOptions().nthreads == -1
    assert "nthreads=max(1, (os.cpu_count() or 2) // 2)" in codegen.own_h2o_code("1g")


def test_step_4_says_the_two_errors_end_close():
    assert "validation often a little lower" in step(4).lesson


def test_step_5_says_when_there_is_no_gap_to_close():
    lesson = step(5).lesson
    assert "Compare the gap between the two curves with step 4." not in lesson
    assert "no gap to close" in lesson
    assert "The Inside tab sets your run's gap beside step 4's." in lesson
