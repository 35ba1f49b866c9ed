"""Parameter rules, each with a failing and a passing case; then H2O's own check on a real cluster."""

from __future__ import annotations

import pytest

from tests.replay import metas as recorded_metas
from tui.lab.param_rules import advice, checkpoint_notes, checkpoint_problems, validate
from tui.lab.params import ParamError, canonical, differences, parse_value

METAS = {m.name: m for m in recorded_metas()}


def parse(name: str, text: str):
    return parse_value(METAS[name], text)


def test_the_form_lists_h2os_parameters_not_a_hand_kept_list():
    assert {"activation", "hidden", "epochs", "rate", "adaptive_rate", "l1", "l2", "nfolds", "reproducible"} <= set(
        METAS
    )
    assert METAS["activation"].values == (
        "Tanh",
        "TanhWithDropout",
        "Rectifier",
        "RectifierWithDropout",
        "Maxout",
        "MaxoutWithDropout",
    )
    assert {m.level for m in METAS.values()} == {"critical", "secondary", "expert"}
    assert "training_frame" not in METAS and "checkpoint" not in METAS


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("epochs", "15", 15.0),
        ("epochs", " 2.5 ", 2.5),
        ("hidden", "200, 200", [200, 200]),
        ("hidden", "[100 50]", [100, 50]),
        ("hidden_dropout_ratios", "0.5,0.25", [0.5, 0.25]),
        ("activation", "tanhwithdropout", "TanhWithDropout"),
        ("adaptive_rate", "false", False),
        ("seed", "1234", 1234),
        ("mini_batch_size", "32", 32),
        ("l1", "1e-5", 1e-5),
        ("epochs", "", None),
    ],
)
def test_values_that_parse(name, text, expected):
    assert parse(name, text) == expected


@pytest.mark.parametrize(
    "name,text,message",
    [
        ("epochs", "twenty", "is not a number"),
        ("epochs", "nan", "finite"),
        ("seed", "12.5", "not a whole number"),
        ("mini_batch_size", "99999999999", "too large"),
        ("hidden", "200, x", "value 2"),
        ("hidden", ",", "at least one value"),
        ("hidden", "200,,200", "missing between the commas"),
        ("hidden", "200, 200,", "missing between the commas"),
        ("activation", "Sigmoid", "is not one of"),
        ("adaptive_rate", "maybe", "true or false"),
        ("l2", "٣", "digits 0-9"),
    ],
)
def test_values_that_do_not_parse(name, text, message):
    with pytest.raises(ParamError) as err:
        parse(name, text)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "bad,good,field",
    [
        ({"epochs": 0}, {"epochs": 0.5}, "epochs"),
        ({"hidden": [200, 0]}, {"hidden": [200, 1]}, "hidden"),
        ({"rate": 0.0}, {"rate": 0.01}, "rate"),
        ({"rate": -0.01}, {"rate": 0.01}, "rate"),
        ({"l1": -1e-5}, {"l1": 0.0}, "l1"),
        ({"l2": -1.0}, {"l2": 1e-4}, "l2"),
        ({"input_dropout_ratio": 1.0}, {"input_dropout_ratio": 0.2}, "input_dropout_ratio"),
        ({"rho": 1.0}, {"rho": 0.95}, "rho"),
        ({"epsilon": 0.0}, {"epsilon": 1e-8}, "epsilon"),
        ({"nfolds": 1}, {"nfolds": 3}, "nfolds"),
        ({"mini_batch_size": 0}, {"mini_batch_size": 1}, "mini_batch_size"),
        ({"initial_weight_scale": 0.0}, {"initial_weight_scale": 0.1}, "initial_weight_scale"),
        ({"momentum_start": 1.5}, {"momentum_start": 0.5}, "momentum_start"),
        ({"train_samples_per_iteration": -3}, {"train_samples_per_iteration": -2}, "train_samples_per_iteration"),
        (
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5, 1.0]},
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5, 0.0]},
            "hidden_dropout_ratios",
        ),
        (
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5]},
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5, 0.5]},
            "hidden_dropout_ratios",
        ),
        (
            {"activation": "Tanh", "hidden_dropout_ratios": [0.5, 0.5]},
            {"activation": "TanhWithDropout", "hidden_dropout_ratios": [0.5, 0.5]},
            "hidden_dropout_ratios",
        ),
        (
            {"hidden_dropout_ratios": [0.5]},  # default activation (Rectifier) has no dropout
            {"activation": "RectifierWithDropout", "hidden": [64], "hidden_dropout_ratios": [0.5]},
            "hidden_dropout_ratios",
        ),
    ],
)
def test_each_rule_fails_and_passes(bad, good, field):
    assert field in validate(bad, METAS)
    assert field not in validate(good, METAS)


def test_dropout_length_follows_the_default_hidden_layers():
    errors = validate({"activation": "TanhWithDropout", "hidden_dropout_ratios": [0.5, 0.5, 0.5]}, METAS)
    assert "2 layers, 3 ratios" in errors["hidden_dropout_ratios"]


def test_rate_is_ignored_while_adaptive_rate_is_on():
    notes = advice({"rate": 0.01})
    assert "ignored while adaptive_rate is on" in notes["rate"]
    assert "rate" not in advice({"rate": 0.01, "adaptive_rate": False})
    assert "rho" in advice({"rho": 0.95, "adaptive_rate": False})
    assert "rho" not in advice({"rho": 0.95})


def test_mini_batches_above_one_are_explained():
    assert "one row at a time" in advice({"mini_batch_size": 32})["mini_batch_size"]
    assert "mini_batch_size" not in advice({"mini_batch_size": 1})


def test_seed_alone_is_not_enough():
    assert "reproducible" in advice({"seed": 1234})["seed"]
    assert "seed" not in advice({"seed": 1234, "reproducible": True})


def test_canonical_spelling_of_enums():
    assert canonical({"activation": "tanhwithdropout", "epochs": 3}, METAS) == {
        "activation": "TanhWithDropout",
        "epochs": 3,
    }


def test_checkpoint_rules():
    base_actual = {"activation": "TanhWithDropout", "hidden": [200, 200], "epochs": 20.0}
    ok = {"activation": "TanhWithDropout", "hidden": [200, 200], "epochs": 30.0, "l1": 1e-4}
    assert checkpoint_problems(ok, METAS, base_actual, 20.0, base_label="run-1") == {}
    bad = checkpoint_problems(
        {"activation": "Tanh", "hidden": [100], "epochs": 10.0, "nfolds": 3},
        METAS,
        base_actual,
        20.0,
        base_label="run-1",
    )
    assert set(bad) == {"activation", "hidden", "epochs", "nfolds"}
    assert "run-1 already has 20" in bad["epochs"]
    other = checkpoint_problems(ok, METAS, base_actual, 20.0, base_label="run-1", same_frames=False)
    assert "_" in other
    cross_validated = checkpoint_problems(ok, METAS, {**base_actual, "nfolds": 3}, 20.0, base_label="run-1")
    assert "cannot continue such a run" in cross_validated["_"]


def test_continuing_notes_the_settings_that_do_nothing():
    base = {"activation": "Tanh", "hidden": [200, 200], "initial_weight_distribution": "Normal"}
    assert checkpoint_notes({**base, "epochs": 30.0}, METAS, base, base_label="run-2") == {}
    notes = checkpoint_notes({**base, "initial_weight_distribution": "Uniform"}, METAS, base, base_label="run-2")
    assert list(notes) == ["initial_weight_distribution"] and "run-2's weights" in notes["initial_weight_distribution"]


def test_a_value_left_unset_and_h2os_default_are_no_difference():
    defaults = {name: meta.default for name, meta in METAS.items()}
    assert differences({"nfolds": 0}, {}, defaults) == {}
    assert differences({"nfolds": 0}, {}) == {"nfolds": (0, None)}
    assert differences({"nfolds": 3}, {}, defaults) == {"nfolds": (3, None)}


# -- H2O's own check, on the real cluster -------------------------------------------------------


def spec(params):
    from tui.lab.training import RunSpec

    return RunSpec(
        step=5,
        params=params,
        response="cylinders",
        predictors=["displacement", "power", "weight", "acceleration", "year"],
        split=True,
    )


@pytest.mark.parametrize(
    "bad,good,field",
    [
        (
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5]},
            {"activation": "TanhWithDropout", "hidden": [200, 200], "hidden_dropout_ratios": [0.5, 0.5]},
            "hidden_dropout_ratios",
        ),
        ({"nfolds": 1}, {"nfolds": 2}, "nfolds"),
        ({"l1": -1.0}, {"l1": 1e-5}, "l1"),
        ({"activation": "Sigmoid"}, {"activation": "Tanh"}, "activation"),
        ({"epochs": "abc"}, {"epochs": 3}, "epochs"),
    ],
)
def test_h2os_check_fails_and_passes(lab, cars, bad, good, field):
    rejected = lab.check_params(spec(bad))
    assert field in rejected.errors, rejected
    assert lab.check_params(spec(good)).ok


def test_h2os_check_warns_that_rate_is_ignored(lab, cars):
    check = lab.check_params(spec({"rate": 0.01}))
    assert check.ok and "rate" in check.warnings
    assert "rate" not in lab.check_params(spec({"rate": 0.01, "adaptive_rate": False})).warnings
