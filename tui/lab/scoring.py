"""Reading a finished model: the test digits it gets wrong, a binary classifier's AUC and thresholds, its weights."""

from __future__ import annotations

from tui.lab.data import Frames
from tui.lab.errors import DataError, TrainingError
from tui.lab.evaluation import (
    Evaluation,
    criteria_from_metrics,
    gains_lift_from_metrics,
    pr_auc,
    pr_auc_trapezoid,
    roc_auc,
    thresholds_from_metrics,
)
from tui.lab.h2o_errors import as_lab_error
from tui.lab.mnist import LABEL as MNIST_LABEL
from tui.lab.mnist import Digit
from tui.lab.models import ModelStore
from tui.lab.predictions import ROWS, Predictions, RowScore, number, outside
from tui.lab.quiet import quiet_h2o
from tui.lab.session import Session
from tui.lab.training import Run
from tui.lab.weights import LayerWeights, exported, read_weights


class Scoring:
    """Predictions of a run's model on the lab's frames, and what they tell."""

    def __init__(self, session: Session, frames: Frames, models: ModelStore) -> None:
        self.session = session
        self.frames = frames
        self.models = models

    def mistakes(self, run: Run, limit: int = 24) -> tuple[int, list[Digit]]:
        """How many test digits the run's model gets wrong, and the first ``limit`` of them."""
        import h2o  # noqa: PLC0415

        self.models.ensure_model(run)
        test = self.frames.frame("mnist-test")
        if test is None:
            raise DataError("The MNIST test digits are not imported.", hint="Import them on step 10.")
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                predictions = model.predict(test)
                wrong = (predictions["predict"] != test[MNIST_LABEL]).which()
                count = int(wrong.nrows)
                ids = (
                    [
                        int(float(r[0]))
                        for r in wrong[0 : min(limit, count), :].as_data_frame(use_pandas=False, header=False)
                    ]
                    if count
                    else []
                )
                table = predictions[ids, :].as_data_frame(use_pandas=False, header=True) if ids else [[]]
                h2o.remove(predictions, cascade=False)  # H2O keeps a prediction frame until it is removed
        except Exception as exc:
            raise as_lab_error(exc, "H2O could not score the test digits") from None
        header, rows = table[0], table[1:]
        digits = self.frames.digits("test", ids)
        for digit, row in zip(digits, rows):
            values = dict(zip(header, row))
            digit.predicted = str(values.get("predict", ""))
            try:
                digit.probability = float(values.get(f"p{digit.predicted}", "nan"))
            except ValueError:
                digit.probability = None
        return count, digits

    def weights(self, run: Run) -> list[LayerWeights]:
        """The run's weights summarized layer by layer: read from the cluster once, then kept with the run."""
        if run.weights:
            return [LayerWeights.from_dict(d) for d in run.weights]
        if not exported(run):
            raise TrainingError(
                f"{run.run_id} did not keep its weights (export_weights_and_biases was off).",
                hint="Turn export_weights_and_biases on in the form and train again.",
            )
        self.models.ensure_model(run)
        layers = len(run.spec.params.get("hidden") or [200, 200]) + 1
        try:
            with quiet_h2o():
                found = read_weights(run.model_id, layers)
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not hand out the weights of {run.run_id}") from None
        run.weights = [w.to_dict() for w in found]
        return found

    def evaluate(self, run: Run) -> Evaluation:
        """H2O's AUC, AUCPR and thresholds for a binomial run, and the same two figures computed again
        from the model's predictions (on the validation frame, else on the training frame)."""
        if run.model_category and run.model_category != "Binomial":
            raise TrainingError(
                f"{run.run_id} is a {run.model_category.lower()} model: AUC, AUCPR and their curves need a "
                "response with exactly two classes.",
                hint="Pick a run of step 12, which predicts economy_20mpg (0 or 1).",
            )
        self.models.ensure_model(run)
        rest = self.session.rest()
        model = rest.get(f"/3/Models/{run.model_id}", timeout=60)["models"][0]
        output = model.get("output") or {}
        scored_on = "validation" if output.get("validation_metrics") else "training"
        block = output.get(f"{scored_on}_metrics") or {}
        if not block.get("thresholds_and_metric_scores"):
            raise TrainingError(f"H2O has no thresholds for {run.run_id}: it is not a finished binary classifier.")
        table, best = thresholds_from_metrics(block)
        domain = (output.get("domains") or [[]])[-1] or ["0", "1"]
        positive = str(domain[-1])
        train, valid = self.frames.training_frames(run.spec)
        frame = valid if scored_on == "validation" and valid is not None else train
        import h2o  # noqa: PLC0415

        try:
            with quiet_h2o():
                predictions = h2o.get_model(run.model_id).predict(frame)
                both = predictions[f"p{positive}"].cbind(frame[run.spec.response])
                rows = both.as_data_frame(use_pandas=False, header=False)
                h2o.remove(predictions, cascade=False)  # H2O keeps a prediction frame until it is removed
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not score {run.run_id}") from None
        labels, scores = [], []
        unlabelled = 0
        for score, actual in rows:
            if actual in ("", None, "NA") or score in ("", None, "NA"):
                unlabelled += 1
                continue  # H2O leaves rows without an answer out of its metrics too
            labels.append(1 if str(actual).removesuffix(".0") == positive else 0)
            scores.append(float(score))
        return Evaluation(
            run_id=run.run_id,
            scored_on=scored_on,
            positive=positive,
            rows=len(labels),
            positives=int(sum(labels)),
            auc_h2o=float(block["AUC"]),
            aucpr_h2o=float(block["pr_auc"]),
            auc_own=roc_auc(labels, scores),
            aucpr_own=pr_auc(labels, scores),
            thresholds=table,
            max_f1_index=best,
            unlabelled=unlabelled,
            aucpr_trapezoid=pr_auc_trapezoid(labels, scores),
            criteria=criteria_from_metrics(block),
            gains_lift=gains_lift_from_metrics(block),
        )

    # -- predictions, row by row, and the learner's own row -------------------------------------------------------
    def predictions(self, run: Run, limit: int = ROWS) -> Predictions:
        """The first ``limit`` rows the run is judged on (validation, MNIST test, else training), with the
        model's predictions; for the cars steps, the car's name and predictors too, and the training ranges."""
        import h2o  # noqa: PLC0415

        self.models.ensure_model(run)
        spec = run.spec
        train, valid = self.frames.training_frames(spec)
        frame = valid if valid is not None else train
        scored_on = "training" if valid is None else ("test" if spec.dataset == "mnist" else "validation")
        category = (run.model_category or "").lower() or ("multinomial" if spec.dataset == "mnist" else "regression")
        shown = [] if spec.dataset == "mnist" else [c for c in ("name", *spec.predictors) if c in frame.names]
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                total = int(frame.nrows)
                rows = min(limit, total)
                head = frame[0:rows, :] if rows < total else frame
                predicted = model.predict(head)
                both = head[[*shown, spec.response]].cbind(predicted)
                table = both.as_data_frame(use_pandas=False, header=True)
                ranges = {}
                if spec.dataset != "mnist":
                    for name in spec.predictors:
                        known = train[name].na_omit()  # a missing value is no bound
                        ranges[name] = (float(known.min()), float(known.max()))
                for temporary in (predicted, both) if head is frame else (predicted, head, both):
                    h2o.remove(temporary, cascade=False)  # never the lab's own frame
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not score the rows for {run.run_id}") from None
        header = [str(h) for h in table[0]]
        columns = [*shown, "actual", "predicted", *header[len(shown) + 2 :]]
        cells = [[number(v) for v in row] for row in table[1:]]
        if category == "regression":
            columns.append("residual")
            for row in cells:
                actual, guess = row[len(shown)], row[len(shown) + 1]
                ok = isinstance(actual, float) and isinstance(guess, float)
                row.append(actual - guess if ok else None)
        return Predictions(run.run_id, scored_on, category, spec.response, columns, cells, total, ranges)

    def score_row(self, run: Run, values: dict[str, float], ranges: dict[str, tuple[float, float]]) -> RowScore:
        """The model's answer for one row of predictors the learner wrote (sent to the cluster, then removed)."""
        import h2o  # noqa: PLC0415

        self.models.ensure_model(run)
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                row = h2o.H2OFrame({name: [float(value)] for name, value in values.items()})
                predicted = model.predict(row)
                table = predicted.as_data_frame(use_pandas=False, header=True)
                h2o.remove(predicted, cascade=False)
                h2o.remove(row, cascade=False)
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not score the row with {run.run_id}") from None
        header, cells = table[0], table[1]
        answer = number(cells[0])
        probabilities = {h.removeprefix("p"): float(v) for h, v in zip(header[1:], cells[1:]) if v not in ("", None)}
        return RowScore(answer, probabilities, outside(values, ranges))
