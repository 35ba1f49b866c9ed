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
