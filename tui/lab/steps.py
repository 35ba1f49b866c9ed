"""The walkthrough, step by step: what each step teaches, its data and its preset parameters.

The lesson texts are the lab's own. The parameters are the walkthrough's exact values; the
scoring parameters that make the live chart possible are listed apart, so the learner sees
which ones the lab added and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.lab.training import RunSpec

CARS_PREDICTORS = ["displacement", "power", "weight", "acceleration", "year"]


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str  # short, for the sidebar
    heading: str  # the step's screen title
    kind: str  # "cluster", "data" or "train"
    lesson: str
    params: dict[str, Any] = field(default_factory=dict)
    # Parameters the lab adds so that the chart gets enough points, shown with their reason.
    scoring: dict[str, Any] = field(default_factory=dict)
    scoring_reason: str = ""
    response: str = ""
    predictors: tuple[str, ...] = ()
    dataset: str = ""
    split: bool = False  # train on the 80/20 split with a validation frame
    metric_hint: str = ""

    def spec(self) -> RunSpec:
        """The run this step trains with its preset values (the scoring parameters included)."""
        return RunSpec(
            step=self.number,
            params={**self.params, **self.scoring},
            response=self.response,
            predictors=list(self.predictors),
            dataset=self.dataset,
            split=self.split,
        )


STEPS: list[Step] = [
    Step(
        number=1,
        key="cluster",
        title="Cluster",
        heading="Start an H2O cluster",
        kind="cluster",
        lesson=(
            "H2O-3 does its work in a separate engine, a Java program called a cluster. Python only sends it "
            "requests and reads back results, so the same code runs on a laptop or on a hundred machines. "
            "h2o-lab starts a private cluster for you on this machine; only this session knows its password."
        ),
    ),
    Step(
        number=2,
        key="data",
        title="Cars data",
        heading="Import the cars data",
        kind="data",
        dataset="cars",
        lesson=(
            "The cars data describes 406 car models from the 1970s and early 80s: engine size, power, weight, "
            "acceleration, model year, fuel economy. H2O reads the file itself and keeps it in the cluster as "
            "a frame; Python only holds a handle to it. Look at the column types and missing values before "
            "training anything."
        ),
    ),
    Step(
        number=3,
        key="first-network",
        title="First network",
        heading="Train a first network with the defaults",
        kind="train",
        dataset="cars",
        response="cylinders",
        predictors=tuple(CARS_PREDICTORS),
        params={"activation": None},
        scoring={"score_each_iteration": True},
        scoring_reason=(
            "By default H2O scores a model every few seconds, which on 406 rows gives only three points. "
            "Scoring after every iteration draws the learning curve as the network trains; it changes what "
            "is measured, not what is learned."
        ),
        metric_hint="MSE: the mean of squared errors on the training rows; lower is better.",
        lesson=(
            "A first neural network with every setting left at H2O's default: two hidden layers of 200 "
            "rectifier units, 10 passes over the data (epochs). It learns to predict the number of cylinders "
            "from displacement, power, weight, acceleration and year. It is scored on the rows it learned "
            "from, so the error you see is optimistic: step 4 holds data back to check it."
        ),
    ),
]

BY_NUMBER = {s.number: s for s in STEPS}
BY_KEY = {s.key: s for s in STEPS}


def step(number: int) -> Step:
    return BY_NUMBER[number]
