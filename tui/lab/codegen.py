"""The h2o-py code that does what a step did, so that the learner can move on to scripts."""

from __future__ import annotations

from typing import Any

from tui.lab.cluster import DEFAULT_HEAP
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


# The parameters h2o-py checks as floats only: an int there fails, so their whole values keep their ".0".
FLOAT_ONLY = frozenset({"class_sampling_factors", "max_after_balance_size", "max_w2"})


def written(value: Any) -> str:
    """A parameter's value in Python as the learner writes it: 15, not the 15.0 H2O hands back for the 15 typed
    (a real fraction such as 0.5 stays)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(written(v) for v in value) + "]"
    return py(value)


def literal(name: str, value: Any) -> str:
    """``name``'s value in the code: as the learner writes it, but a float where h2o-py takes nothing else."""
    return py(value) if name in FLOAT_ONLY else written(value)


def connect_code(
    own: bool, url: str = "", user: str | None = None, estimator: bool = False, heap: str = DEFAULT_HEAP
) -> str:
    """Imports and the lines that reach a cluster: for the lab's own cluster an H2O of the script's own
    (:func:`own_h2o_code`), else a connect to the cluster at ``url``."""
    if own:
        return own_h2o_code(heap, estimator)
    lines = ["import getpass"] if user else []
    lines.append("import h2o")
    if estimator:
        lines.append("from h2o.estimators import H2ODeepLearningEstimator")
    lines.append("")
    if user:
        lines.append(f'h2o.connect(url="{url}", auth=("{user}", getpass.getpass()))')
    else:
        lines.append(f'h2o.connect(url="{url}")')
    return "\n".join(lines)


def own_h2o_code(heap: str = DEFAULT_HEAP, estimator: bool = True) -> str:
    """The start of a script that runs on this machine (the Code tab's, an exported session): an H2O of the
    script's own, on a free port, with a bounded heap and half the cores; a comment says how to join a class
    cluster instead. Its comments fit the Code tab's narrowest box (:data:`CODE_WIDTH`)."""
    lines = ["import os", "import socket", "", "import h2o"]
    if estimator:
        lines.append("from h2o.estimators import H2ODeepLearningEstimator")
    imports = "\n".join(lines)
    return f"""{imports}

# An H2O of this script's own, stopped when Python
# exits: a bare h2o.init() would join any H2O on
# port 54321 (on a shared machine, another
# learner's), or start one on every core. To use a
# class cluster instead, replace the lines below
# with (the teacher gives the address and the user):
#     import getpass
#     h2o.connect(url="http://HOST:54321",
#                 auth=("USER", getpass.getpass()))
with socket.socket() as free:
    free.bind(("127.0.0.1", 0))
    # a port no one uses now (H2O takes the next
    # free one from there)
    port = free.getsockname()[1]
h2o.init(port=port, max_mem_size="{heap}", nthreads=max(1, (os.cpu_count() or 2) // 2))"""


def _read_line(var: str, path: str, upload: bool, extra: str = "") -> str:
    """The line that brings a file into H2O: the cluster reads it itself, or this machine sends it."""
    if upload and "://" not in path:
        return f'{var} = h2o.upload_file("{path}"{extra})  # the cluster is elsewhere: this machine sends the file'
    return f'{var} = h2o.import_file("{path}"{extra})'


def import_cars_code(path: str, official_url: str, standin: bool = False, upload: bool = False) -> str:
    """The cars data in H2O, with the class column a factor."""
    lines = []
    if path != official_url:
        lines.append("# the lab's offline stand-in" if standin else f"# a copy of {official_url}")
    lines.append(_read_line(_CARS_VAR, path, upload))
    lines.append(f'{_CARS_VAR}["economy_20mpg"] = {_CARS_VAR}["economy_20mpg"].asfactor()')
    return "\n".join(lines)


def import_mnist_code(train_path: str, test_path: str, train_url: str, test_url: str, upload: bool = False) -> str:
    """The MNIST training and test frames in H2O (no header; the label, last, a factor)."""
    lines = []
    for var, path, url in (("train", train_path, train_url), ("test", test_path, test_url)):
        if path != url:
            lines.append(f"# a copy of {url}")
        lines.append(_read_line(var, path, upload))
    lines += [
        "",
        "predictors = list(range(0, 784))  # the 784 pixels",
        "resp = 784  # the label, in the last column",
        "train[resp] = train[resp].asfactor()",
        "test[resp] = test[resp].asfactor()",
        "nclasses = train[resp].nlevels()[0]",
    ]
    return "\n".join(lines)


def estimator_code(
    params: dict[str, Any],
    comments: dict[str, str] | None = None,
    var: str = "model",
    expressions: dict[str, str] | None = None,
) -> str:
    """``var = H2ODeepLearningEstimator(...)`` with one parameter a line; ``expressions`` are written as code."""
    comments = comments or {}
    expressions = expressions or {}
    if not params:
        return f"{var} = H2ODeepLearningEstimator()"
    lines = [f"{var} = H2ODeepLearningEstimator("]
    for name, value in params.items():
        line = f"    {name}={expressions.get(name, literal(name, value))},"
        if name in comments:
            line += f"  # {comments[name]}"
        lines.append(line)
    lines.append(")")
    return "\n".join(lines)


def evaluation_code(frame: str, valid: bool) -> str:
    """Step 12's reading of a classifier on ``frame`` (the validation rows, or the training rows without them):
    H2O's figures, curves and thresholds, its gains/lift, then the walkthrough's route with scikit-learn."""
    perf = "model.model_performance(valid=True)" if valid else "model.model_performance(train=True)"
    rows = "the validation rows" if valid else "the training rows (no validation frame)"
    return f"""
# Step 12's Evaluation tab: AUC and AUCPR, both curves, the thresholds, on {rows}
perf = {perf}
print("AUC", perf.auc(), "AUCPR", perf.aucpr())
fpr, tpr = perf.fprs, perf.tprs  # the ROC curve: one point per threshold
table = perf.thresholds_and_metric_scores()  # precision, recall, F1, ... at every threshold
recall, precision = table["recall"], table["precision"]  # the precision-recall curve
import numpy as np

# Its area with straight lines, from (recall 0, precision 1); np.trapezoid takes y first, then x.
print("AUCPR, lines", np.trapezoid([1.0, *precision], [0.0, *recall]))
# The walkthrough's np.trapz(recall, precision) swaps the two: it integrates recall along precision,
# which is not this area (about half of it on step 12). NumPy 2.4 has no np.trapz; the call is above.
best = perf.find_threshold_by_max_metric("f1")
print("threshold of the highest F1", best)
print(perf.confusion_matrix(thresholds=best))
for metric in ("f2", "f0point5", "accuracy", "precision", "recall", "specificity", "absolute_mcc"):
    print("threshold of the highest", metric, perf.find_threshold_by_max_metric(metric))
print(perf.gains_lift())  # lift and capture, group by group from the likeliest yes down

# The walkthrough's route: scikit-learn's curves from the predicted probabilities
# (pip install scikit-learn matplotlib). auc(recall, precision) joins the points with lines.
scored = model.predict({frame})["p1"].cbind({frame}[response])  # probability of 1, answer
rows = scored.as_data_frame(use_pandas=False, header=False)
rows = [row for row in rows if len(row) > 1 and row[1] not in ("", "NA")]  # cars with an answer
y_true, y_score = [int(row[1]) for row in rows], [float(row[0]) for row in rows]
try:
    from sklearn.metrics import auc, precision_recall_curve, roc_curve
except ImportError:
    print("for the walkthrough's route: pip install scikit-learn matplotlib")
else:
    fpr_sk, tpr_sk, _ = roc_curve(y_true, y_score)
    precision_sk, recall_sk, _ = precision_recall_curve(y_true, y_score)
    print("AUC", auc(fpr_sk, tpr_sk), "AUCPR, lines", auc(recall_sk, precision_sk))
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("to draw the curves: pip install matplotlib")
    else:
        fig, (roc, pr) = plt.subplots(1, 2, figsize=(10, 4))
        roc.plot(fpr_sk, tpr_sk)
        roc.plot([0, 1], [0, 1], linestyle="--")  # guessing
        roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
        pr.plot(recall_sk, precision_sk)
        pr.set(xlabel="recall", ylabel="precision", title="Precision-recall")
        fig.savefig("step12_curves.png")
        print("the curves are in step12_curves.png")"""


def run_code(
    spec: RunSpec,
    *,
    data_path: str,
    official_url: str,
    standin: bool = False,
    own: bool = True,
    heap: str = DEFAULT_HEAP,
    url: str = "",
    user: str | None = None,
    comments: dict[str, str] | None = None,
    bases: list[tuple[str, RunSpec]] | None = None,
    evaluation: bool = False,
) -> str:
    """A complete script that repeats the run: connect, import, (split,) train, report.

    ``bases`` are the runs a continued run stands on, oldest first (run id, spec): the script trains
    each and continues it, as the lab did, so that it runs on its own. ``evaluation`` adds step 12's
    reading of a classifier. On a cluster the lab did not start (``own`` False) the files are uploaded.
    """
    upload = not own
    parts = [connect_code(own, url, user, estimator=True, heap=heap), ""]
    if spec.dataset == "mnist":
        train_path, test_path = data_path.split("\n") if "\n" in data_path else (data_path, data_path)
        train_url, test_url = official_url.split("\n") if "\n" in official_url else (official_url, official_url)
        parts.append(import_mnist_code(train_path, test_path, train_url, test_url, upload))
        if spec.sample_rows:
            parts.append(f"train = train[0:{spec.sample_rows}, :]  # the first {spec.sample_rows:,} rows only")
        train_args = "x=predictors, y=resp, training_frame=train, validation_frame=test"
        report = ["print(model.model_performance(valid=True))"]
    else:
        parts.append(import_cars_code(data_path, official_url, standin, upload))
        parts.append("")
        parts.append(wrapped_call("predictors = [", [f'"{p}"' for p in spec.predictors], "]"))
        parts.append(f'response = "{spec.response}"')
        train_args = f"x=predictors, y=response, training_frame={_CARS_VAR}"
        if spec.split:
            parts.append(f"train, valid = {_CARS_VAR}.split_frame(ratios=[{spec.split_ratio}], seed={spec.split_seed})")
            train_args = "x=predictors, y=response, training_frame=train, validation_frame=valid"
        report = ["print(model.mse())"] + (["print(model.mse(valid=True))"] if spec.split else [])
    previous = ""
    for number, (run_id, base) in enumerate(bases or [], start=1):
        var = "base" if len(bases or []) == 1 else f"base{number}"
        parts.append("")
        parts.append(f"# {run_id}: the run this one continues, trained first as in the lab")
        parts.append(estimator_code(base.params, var=var, expressions=_checkpoint(base, previous)))
        parts.append(wrapped_call(f"{var}.train(", train_args.split(", "), ")"))
        previous = var
    parts.append("")
    parts.append(estimator_code(spec.params, comments, expressions=_checkpoint(spec, previous)))
    parts.append(wrapped_call("model.train(", train_args.split(", "), ")"))
    parts += report
    if evaluation:
        parts.append(evaluation_code("valid" if spec.split else _CARS_VAR, bool(spec.split)))
    return "\n".join(parts) + "\n"


def _checkpoint(spec: RunSpec, previous: str) -> dict[str, str]:
    """A continued run's ``checkpoint`` names the model the script trained just before, not a key of the lab's."""
    return {"checkpoint": f"{previous}.model_id"} if previous and "checkpoint" in spec.params else {}


# The narrowest code box at 80 columns (steps 2 and 10 show their code inside the lesson): a comment
# longer than this goes above its code, wrapped, so that it is read whole (code itself is never
# wrapped; a long line scrolls sideways).
CODE_WIDTH = 52


def wrapped_call(opening: str, items: list[str], closing: str, width: int = CODE_WIDTH) -> str:
    """``opening`` + items + ``closing`` on one line if it fits ``width``, else the items packed on indented lines."""
    line = opening + ", ".join(items) + closing
    if len(line) <= width:
        return line
    lines, current = [opening], "   "
    for item in items:
        if len(current) + 1 + len(item) + 1 > width and current.strip():
            lines.append(current)
            current = "   "
        current += f" {item},"
    lines.append(current)
    lines.append(closing)
    return "\n".join(lines)


def fit_comments(code: str, width: int = CODE_WIDTH) -> str:
    """``code`` with every comment that would run past ``width`` moved onto lines of its own, wrapped."""
    import io  # noqa: PLC0415
    import textwrap  # noqa: PLC0415
    import tokenize  # noqa: PLC0415

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    comments = {t.start[0]: t for t in tokens if t.type == tokenize.COMMENT}
    out: list[str] = []
    for number, line in enumerate(code.split("\n"), start=1):
        token = comments.get(number)
        if token is None or len(line) <= width:
            out.append(line)
            continue
        before = line[: token.start[1]].rstrip()
        indent = line[: len(line) - len(line.lstrip())]
        text = token.string.lstrip("#").strip()
        out.extend(
            textwrap.wrap(
                text,
                width=width,
                initial_indent=indent + "# ",
                subsequent_indent=indent + "# ",
                break_long_words=False,  # an address cut in two cannot be copied; it runs past the width whole
                break_on_hyphens=False,
            )
        )
        if before:
            out.append(before)
    return "\n".join(out)


def grid_code(
    script: str, hyper: dict[str, list[Any]], grid_id: str, sort_by: str, decreasing: bool, parallelism: int = 1
) -> str:
    """A single run's script (see :func:`run_code`) turned into the grid search that trains every combination of
    ``hyper``: the swept parameters leave the estimator, ``H2OGridSearch`` trains (``parallelism`` models at once),
    the grid is printed best first."""
    lines = script.rstrip("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("model = H2ODeepLearningEstimator(")]
    trains = [i for i, line in enumerate(lines) if line.startswith("model.train(")]
    if not starts or not trains:
        return script
    start, train = starts[-1], trains[-1]
    head = lines[:start]
    estimator = lines[start:train]
    while estimator and not estimator[-1].strip():
        estimator.pop()
    end = train if lines[train].endswith(")") else next(i for i in range(train, len(lines)) if lines[i] == ")")
    call = lines[train : end + 1]
    kept: list[str] = []
    for line in estimator:
        name = line.strip().split("=", 1)[0] if line.startswith("    ") and "=" in line else ""
        if name in hyper:
            while kept and kept[-1].strip().startswith("#"):
                kept.pop()  # the swept value's comment goes with it
            continue
        kept.append(line)
    if len(kept) == 2 and kept[-1] == ")":
        kept = ["model = H2ODeepLearningEstimator()"]
    importing = "from h2o.estimators import H2ODeepLearningEstimator"
    head = [line + ("\nfrom h2o.grid import H2OGridSearch" if line == importing else "") for line in head]
    grid = ["", "# every combination of these values is one model", "hyper_params = {"]
    grid += [f'    "{name}": {literal(name, list(values))},' for name, values in hyper.items()]
    grid += ["}"]
    arguments = ["model", "hyper_params=hyper_params", f'grid_id="{grid_id}"']
    if parallelism != 1:
        grid.append(
            f"# {parallelism} models are trained at once"
            if parallelism > 1
            else "# H2O decides how many it trains at once"
        )
        arguments.append(f"parallelism={parallelism}")
    grid.append(wrapped_call("grid = H2OGridSearch(", arguments, ")"))
    call[0] = call[0].replace("model.train(", "grid.train(", 1)
    report = [
        "# the models, best first (on the validation frame when there is one)",
        f'print(grid.get_grid(sort_by="{sort_by}", decreasing={decreasing}))',
    ]
    return "\n".join([*head, *kept, *grid, *call, *report]) + "\n"
