"""Whatever is typed into a field or a flag: a value, or a message for that field. Never an exception."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.replay import metas as recorded_metas
from tui.cli import parse_args
from tui.lab.mnist import parse_rows
from tui.lab.param_rules import advice, validate
from tui.lab.params import ParamError, parse_value

METAS = recorded_metas()
BY_NAME = {m.name: m for m in METAS}

# Text a learner might type, and text nobody should: numbers, lists, words, control characters.
numberish = st.from_regex(
    r"[\s\[]*[-+]?\d{0,12}(\.\d{0,8})?([eE][-+]?\d{1,4})?([,; ]+[-+]?\d{0,6}(\.\d{0,4})?){0,4}[\s\]]*", fullmatch=True
)
anything = st.text(max_size=60)
typed = st.one_of(
    numberish,
    anything,
    st.sampled_from(["", " ", "nan", "inf", "-0", "1e999", "[]", "200,,200", "true", "None", "Tanh"]),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=st.sampled_from(METAS), text=typed)
def test_every_form_field_gives_a_value_or_a_message(meta, text):
    try:
        value = parse_value(meta, text)
    except ParamError as exc:
        assert str(exc), "a message is needed"
        return
    errors = validate({meta.name: value}, BY_NAME)
    notes = advice({meta.name: value})
    for message in [*errors.values(), *notes.values()]:
        assert isinstance(message, str) and message
    assert set(errors) <= {meta.name, "_"}, "a message stands at the field typed into (or the form as a whole)"


@settings(max_examples=500, deadline=None)
@given(values=st.dictionaries(st.sampled_from([m.name for m in METAS]), typed, max_size=6))
def test_any_combination_of_fields_is_checked_without_an_exception(values):
    parsed = {}
    for name, text in values.items():
        try:
            parsed[name] = parse_value(BY_NAME[name], text)
        except ParamError:
            continue
    # No exception, and every verdict is a message for a field that was filled in (or the form as a whole).
    for found in (validate(parsed, BY_NAME), advice(parsed)):
        assert all(isinstance(message, str) and message for message in found.values())
        assert set(found) <= set(parsed) | {"_"}, (found, parsed)


VALUE_FLAGS = ["--nthreads", "--max-mem", "--port", "--url", "--user", "--data-dir", "--mirror"]
argv_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=800, deadline=None)
@given(flag=st.sampled_from(VALUE_FLAGS), text=argv_text, with_url=st.booleans())
def test_every_flag_gives_a_config_or_exit_2(flag, text, with_url):
    import contextlib
    import io

    argv = [flag, text]
    if with_url and flag != "--url":
        argv = ["--url", "https://h2o.example.org:54321"] + argv
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            _args, config = parse_args(argv, environ={"H2O_LAB_PASSWORD": "pw"})
    except SystemExit as exc:
        assert exc.code == 2
        assert "error:" in err.getvalue()
    else:
        from tui.lab.service import LabConfig

        assert isinstance(config, LabConfig)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(anything, st.integers(-(10**9), 10**9).map(str)))
def test_the_training_size_field(text):
    rows, message = parse_rows(text, 60000)
    assert (rows is None) != (message is None)
    if rows is not None:
        assert 1 <= rows <= 60000


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(alphabet=string.ascii_letters + string.digits + " ._-", min_size=0, max_size=30), deeper=st.booleans()
)
def test_the_save_field(name, deeper, tmp_path_factory):
    from widgets.code import save_text

    base = tmp_path_factory.mktemp("save")
    # Always below the test's own directory: a name like '..' must not reach anywhere else.
    relative = f"missing-dir/{name}" if deeper else name
    try:
        path = save_text(f"{base}/{relative}" if name.strip(" .") else "", "print(1)\n")
    except (ValueError, FileExistsError) as exc:
        assert str(exc)
    else:
        assert path.read_text() == "print(1)\n"
        assert base in path.parents


@pytest.mark.parametrize("text", ["0", "-5", "abc", "60001", "1e3", "", "  ", "٣٠٠"])
def test_training_size_examples(text):
    rows, message = parse_rows(text, 60000)
    assert rows is None and message


def test_training_size_messages_name_the_mistake():
    assert parse_rows("-5", 60000)[1] == "a sample needs at least one row"
    assert "at most" in parse_rows("60001", 60000)[1]
    assert parse_rows("3,000", 60000) == (3000, None)
