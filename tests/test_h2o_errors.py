"""H2O's error texts, as a real cluster wrote them, in words the learner can read whole."""

from __future__ import annotations

import json

from tests.helpers import FIXTURES
from tui.lab.h2o_errors import as_lab_error, explain_failure, first_line, h2o_reason

# A job that died of numerical instability (step 8's network, rate 0.05, adaptive_rate off), as H2O 3.46 reported it.
UNSTABLE = json.loads((FIXTURES / "unstable_job.json").read_text())


def test_a_nodes_error_is_quoted_by_its_reason_not_its_wrapper():
    assert UNSTABLE["exception"].startswith("DistributedException from /127.0.0.1:54325: '\n")
    said = explain_failure(UNSTABLE["exception"], UNSTABLE["stacktrace"])
    quoted = said.split("H2O said: ", 1)[1]
    assert quoted.startswith("Trying to predict with an unstable model. Job was aborted due to observed numerical")
    assert "DistributedException" not in said and "127.0.0.1" not in said
    # Whole sentences, never a dangling quote nor H2O's link or stack.
    assert quoted.endswith(".") and "'" not in quoted
    assert "http" not in said and "MRTask" not in said and "\n" not in said


def test_the_reason_is_the_same_from_the_stack_when_the_exception_is_empty():
    assert explain_failure("", UNSTABLE["stacktrace"]) == explain_failure(UNSTABLE["exception"])


def test_long_words_of_h2o_are_cut_at_a_sentence_or_a_word():
    reason = h2o_reason(UNSTABLE["exception"], limit=60)
    assert reason == "Trying to predict with an unstable model."
    cut = h2o_reason(UNSTABLE["exception"], limit=30)
    assert cut == "Trying to predict with an…"
    line = "word " * 100
    assert first_line(line).endswith(" word…") and len(first_line(line)) <= 400


def test_an_h2o_py_error_that_wraps_a_nodes_error_says_the_reason():
    error = as_lab_error(RuntimeError(UNSTABLE["exception"]), "Scoring the model")
    assert error.message.startswith("Scoring the model: Trying to predict with an unstable model."), error.message
    assert "'" not in error.message
