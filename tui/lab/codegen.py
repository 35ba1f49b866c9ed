"""The h2o-py code that does what a step did, so that the learner can move on to scripts."""

from __future__ import annotations

from typing import Any

from tui.lab.training import RunSpec

_CARS_VAR = "cars"


def py(value: Any) -> str:
    """A Python literal for a parameter value."""
    if isinstance(value, float):
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
            return f"{value:g}"
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py(v) for v in value) + "]"
    return repr(value)


def connect_code(own: bool, url: str = "", user: str | None = None, estimator: bool = False) -> str:
    """Imports and the line that reaches a cluster."""
    lines = ["import getpass"] if (not own and user) else []
    lines.append("import h2o")
    if estimator:
        lines.append("from h2o.estimators import H2ODeepLearningEstimator")
    lines.append("")
    if own:
        lines.append("h2o.init()  # starts a local H2O cluster, or joins the one already running")
    elif user:
        lines.append(f'h2o.connect(url="{url}", auth=("{user}", getpass.getpass()))')
    else:
        lines.append(f'h2o.connect(url="{url}")')
    return "\n".join(lines)


def import_cars_code(path: str, official_url: str, standin: bool = False) -> str:
    lines = []
    if path == official_url:
        lines.append(f'{_CARS_VAR} = h2o.import_file("{official_url}")')
    else:
        note = "the lab's offline stand-in" if standin else f"a copy of {official_url}"
        lines.append(f"# {note}")
        lines.append(f'{_CARS_VAR} = h2o.import_file("{path}")')
    lines.append(f'{_CARS_VAR}["economy_20mpg"] = {_CARS_VAR}["economy_20mpg"].asfactor()')
    return "\n".join(lines)


def import_mnist_code(train_path: str, test_path: str, train_url: str, test_url: str) -> str:
    lines = []
    for var, path, url in (("train", train_path, train_url), ("test", test_path, test_url)):
        if path != url:
            lines.append(f"# a copy of {url}")
        lines.append(f'{var} = h2o.import_file("{path}")')
    lines += [
        "",
        "predictors = list(range(0, 784))  # the 784 pixels",
        "resp = 784  # the label, in the last column",
        "train[resp] = train[resp].asfactor()",
        "test[resp] = test[resp].asfactor()",
        "nclasses = train[resp].nlevels()[0]",
    ]
    return "\n".join(lines)


def estimator_code(params: dict[str, Any], comments: dict[str, str] | None = None, var: str = "model") -> str:
    comments = comments or {}
    if not params:
        return f"{var} = H2ODeepLearningEstimator()"
    lines = [f"{var} = H2ODeepLearningEstimator("]
    for name, value in params.items():
        line = f"    {name}={py(value)},"
        if name in comments:
            line += f"  # {comments[name]}"
        lines.append(line)
    lines.append(")")
    return "\n".join(lines)


def run_code(
    spec: RunSpec,
    *,
    data_path: str,
    official_url: str,
    standin: bool = False,
    own: bool = True,
    url: str = "",
    user: str | None = None,
    comments: dict[str, str] | None = None,
) -> str:
    """A complete script that repeats the run: connect, import, (split,) train, report."""
    parts = [connect_code(own, url, user, estimator=True), ""]
    if spec.dataset == "mnist":
        train_path, test_path = data_path.split("\n") if "\n" in data_path else (data_path, data_path)
        train_url, test_url = official_url.split("\n") if "\n" in official_url else (official_url, official_url)
        parts.append(import_mnist_code(train_path, test_path, train_url, test_url))
        if spec.sample_rows:
            parts.append(f"train = train[0:{spec.sample_rows}, :]  # the first {spec.sample_rows:,} rows only")
        parts.append("")
        parts.append(estimator_code(spec.params, comments))
        parts.append("model.train(x=predictors, y=resp, training_frame=train, validation_frame=test)")
        parts.append("print(model.model_performance(valid=True))")
        return "\n".join(parts) + "\n"
    parts.append(import_cars_code(data_path, official_url, standin))
    parts.append("")
    parts.append("predictors = [" + ", ".join(f'"{p}"' for p in spec.predictors) + "]")
    parts.append(f'response = "{spec.response}"')
    train_frame = _CARS_VAR
    valid = ""
    if spec.split:
        parts.append(f"train, valid = {_CARS_VAR}.split_frame(ratios=[{spec.split_ratio}], seed={spec.split_seed})")
        train_frame = "train"
        valid = ", validation_frame=valid"
    parts.append("")
    parts.append(estimator_code(spec.params, comments))
    parts.append(f"model.train(x=predictors, y=response, training_frame={train_frame}{valid})")
    parts.append("print(model.mse())")
    if spec.split:
        parts.append("print(model.mse(valid=True))")
    return "\n".join(parts) + "\n"
