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
    kind: str  # "cluster", "data", "mnist-data", "train", "evaluation", "quiz", or "runs" for the page of all runs
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
    taught: tuple[str, ...] = ()  # the form's fields this step is about, shown first
    category: str = "Regression"  # what H2O will make of the response: Regression, Binomial, Multinomial

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
        taught=("activation", "hidden", "epochs"),
        scoring_reason=(
            "By default H2O scores a model only every few seconds, which on 406 rows gives two or three "
            "points. Scoring after every iteration draws the whole learning curve. The network trains the "
            "same either way, but H2O hands back the best model it scored, not always the last one (◆ on "
            "the chart), and more scores give it more to choose from."
        ),
        metric_hint="MSE: the mean of squared errors on the training rows; lower is better.",
        lesson=(
            "A first neural network with every setting left at H2O's default: two hidden layers of 200 "
            "rectifier units, 10 passes over the data (epochs). It learns to predict the number of cylinders "
            "from displacement, power, weight, acceleration and year. It is scored on the rows it learned "
            "from: the MSE says how well it fits them, not how it does on cars it has not seen; step 4 holds "
            "data back to measure that. No seed is set and H2O trains on several threads at once, so each run "
            "ends with another MSE, and the number of threads moves it too: on two cores, 24 runs on two "
            "threads (the lab's cluster) gave a median of 0.175, 24 on one (the exported notebook's H2O) 0.154."
        ),
    ),
]

_SCORING_REASON = (
    "By default H2O scores a model only every few seconds; on a few hundred rows that gives two to four "
    "points. Scoring after every iteration draws the curves as the network learns. The network trains the "
    "same either way, but H2O hands back the best model it scored, not always the last one (◆ on the "
    "chart), and more scores give it more to choose from."
)
_STEP5 = {
    "activation": "TanhWithDropout",
    "epochs": 20,
    "hidden": [200, 200],
    "hidden_dropout_ratios": [0.5, 0.5],
    "seed": 1234,
}


def _cars_step(number: int, key: str, title: str, heading: str, params: dict, taught: tuple, lesson: str) -> Step:
    return Step(
        number=number,
        key=key,
        title=title,
        heading=heading,
        kind="train",
        dataset="cars",
        response="cylinders",
        predictors=tuple(CARS_PREDICTORS),
        params=params,
        scoring={"score_each_iteration": True},
        scoring_reason=_SCORING_REASON,
        split=True,
        taught=taught,
        metric_hint="MSE on the training rows and on the 20% held back (validation); lower is better.",
        lesson=lesson,
    )


STEPS += [
    _cars_step(
        4,
        "validation",
        "Validation",
        "Hold data back, and try tanh",
        {"activation": "Tanh", "epochs": 15, "seed": 1234},
        ("activation", "epochs", "seed"),
        "Step 3 judged the network on the rows it learned from. Here the frame is split at random, 80% to "
        "train on and 20% held back (seed 1234 makes the split the same every time), and the network is "
        "scored on both. The activation changes to tanh, an S-curve that squashes every value into -1..1. "
        "The validation curve is the honest one: it shows how the network does on cars it has never seen. "
        "On this split the two errors end close together, validation often a little lower: in three runs "
        "here it was 0 to 0.007 below training, so this network has not memorised its rows.",
    ),
    _cars_step(
        5,
        "dropout",
        "Dropout",
        "Dropout: no unit relied on alone",
        dict(_STEP5),
        ("activation", "hidden", "hidden_dropout_ratios", "epochs"),
        "The walkthrough writes the network out: two hidden layers of 200 units, which is also H2O's default "
        "(step 4 had the same). Units that many can memorise the training rows; dropout is a guard against "
        "that: while training, each hidden unit is switched off at random for each row (half of them with a "
        "ratio of 0.5), so no unit can be relied on alone. It needs an activation 'with dropout', and one "
        "ratio per hidden layer. On these cars there is little to guard against: step 4's validation error "
        "is not above its training error, so dropout has no gap to close, and here it raised both errors "
        "instead (about 0.17 against 0.15, three runs each). The Inside tab sets your run's gap beside step 4's.",
    ),
    _cars_step(
        6,
        "mini-batch",
        "Mini-batches",
        "Mini-batches",
        {**_STEP5, "mini_batch_size": 32},
        ("mini_batch_size",),
        "Many libraries update the weights once per small batch of rows. H2O's Deep Learning accepts "
        "mini_batch_size but trains one row at a time on every thread at once (a scheme called Hogwild!), so "
        "a value above 1 changes nothing: after the run, the layer table says 'mini-batch size 1'. The "
        "walkthrough sets 32; the lab keeps it so you can see this for yourself.",
    ),
    _cars_step(
        7,
        "learning-rate",
        "Learning rate",
        "The learning rate",
        {**_STEP5, "mini_batch_size": 32, "rate": 0.01},
        ("rate", "adaptive_rate"),
        "The learning rate sets the size of each weight update: too large and training jumps about or blows "
        "up, too small and it crawls. By default H2O adapts the rate for every weight by itself (ADADELTA, "
        "adaptive_rate on) and ignores rate, so the walkthrough's rate=0.01 does nothing until adaptive_rate "
        "is turned off. The form offers to do it; try both and compare the runs.",
    ),
    _cars_step(
        8,
        "regularisation",
        "L1 and L2",
        "Regularisation: L1 and L2",
        {**_STEP5, "mini_batch_size": 32, "rate": 0.01, "l1": 1e-5, "export_weights_and_biases": True},
        ("l1", "l2"),
        "Regularisation keeps the weights small so the network fits the pattern rather than the noise. L1 "
        "adds the sum of the weights' sizes to the error, which drives weights to zero; L2 adds the sum of "
        "their squares, which shrinks all of them and zeroes none. The lab keeps the weights: the Inside tab "
        "shows them. The walkthrough's l1 = 1e-5 barely shows there; try 1e-3, or l2.",
    ),
    _cars_step(
        9,
        "advanced",
        "Advanced",
        "Initial weights, cross-validation, ADADELTA, checkpoints",
        {
            **_STEP5,
            "l1": 1e-5,
            "initial_weight_distribution": "Normal",
            "initial_weight_scale": 0.1,
            "nfolds": 3,
            "adaptive_rate": True,
            "rho": 0.99,
            "epsilon": 1e-10,
        },
        ("initial_weight_distribution", "initial_weight_scale", "nfolds", "adaptive_rate", "rho", "epsilon"),
        "Initial weights: where training starts, here a normal spread of scale 0.1 (at 1, tanh saturates "
        "and the network barely learns). Cross-validation (nfolds): k extra networks, each tested on another "
        "k-th of the rows. ADADELTA: rho, how long it remembers past updates, and epsilon, how large its "
        "first steps are; at 1e-10 instead of H2O's 1e-8 the curve falls later and ends higher. Checkpoints: "
        "k continues a finished run for more epochs (not a cross-validated one: set nfolds to 0 first).",
    ),
]

MNIST_PRESET = {
    "activation": "RectifierWithDropout",
    "adaptive_rate": False,
    "rate": 0.01,
    "rate_decay": 0.9,
    "rate_annealing": 1e-6,
    "momentum_start": 0.95,
    "momentum_ramp": 1e5,
    "momentum_stable": 0.99,
    "nesterov_accelerated_gradient": False,
    "input_dropout_ratio": 0.2,
    "train_samples_per_iteration": 20000,
    "classification_stop": -1,
    "l1": 1e-5,
}

STEPS += [
    Step(
        number=10,
        key="mnist-data",
        title="MNIST data",
        heading="Import the MNIST digits",
        kind="mnist-data",
        dataset="mnist",
        lesson=(
            "MNIST holds 70,000 handwritten digits: 60,000 to train on and 10,000 to test with. Each is a 28 by "
            "28 grey picture stored as 784 numbers from 0 (blank) to 255 (ink), followed by the digit it shows. "
            "The files have no header, so H2O names the columns C1 to C785 and the label is C785. H2O reads the "
            "label as a number; as a factor it becomes 10 classes, and a model then gives a probability for each."
        ),
    ),
    Step(
        number=11,
        key="mnist-network",
        title="MNIST network",
        heading="A network that reads digits",
        kind="train",
        dataset="mnist",
        response="C785",
        predictors=tuple(f"C{i}" for i in range(1, 785)),
        params=dict(MNIST_PRESET),
        taught=tuple(MNIST_PRESET) + ("epochs", "hidden", "l2"),
        category="Multinomial",
        metric_hint="classification error and logloss, on the training rows and on the 10,000 test digits",
        lesson=(
            "Ten classes from 784 pixels, with the walkthrough's settings: rectifier units with dropout, and "
            "20% of the input pixels dropped at random too; a hand-set learning rate that shrinks as training "
            "goes on (rate, rate_annealing, rate_decay); momentum that grows from 0.95 to 0.99; and L1. The "
            "10,000 test digits are the validation frame. Change one value at a time and compare the runs: "
            "the error on the test digits is the figure that counts."
        ),
    ),
]

STEPS += [
    Step(
        number=12,
        key="evaluation",
        title="Evaluation",
        heading="Evaluate a binary classifier: AUC, AUCPR, ROC and PR curves",
        kind="evaluation",
        dataset="cars",
        response="economy_20mpg",
        predictors=tuple(CARS_PREDICTORS),
        params=dict(_STEP5),
        scoring={"score_each_iteration": True},
        scoring_reason=_SCORING_REASON,
        split=True,
        taught=("activation", "hidden", "epochs"),
        category="Binomial",
        metric_hint="logloss and AUC on the training rows and on the 20% held back",
        lesson=(
            "A yes/no question this time: does a car do more than 20 miles per gallon (economy_20mpg)? The "
            "network gives each car a probability; a threshold turns it into yes or no. AUC is the chance that "
            "a random car that does 20 mpg gets a higher probability than a random car that does not: 0.5 is a "
            "coin toss, 1 is perfect, and no threshold is involved. AUCPR looks only at the cars the model says "
            "yes to and at the real yeses: how precise it stays as it finds more of them. Its baseline is the "
            "share of yeses, so when positives are rare it shows weaknesses that AUC, buoyed by the many easy "
            "noes, hides."
        ),
    ),
]

STEPS += [
    Step(
        number=13,
        key="quiz",
        title="Quiz",
        heading="Quiz: what did the runs show?",
        kind="quiz",
        lesson=(
            "Multiple choice on what you saw along the way. Each answer is explained as soon as you give it; the "
            "first one counts, and your score is kept."
        ),
    ),
]

# Pages beside the walkthrough's steps, listed after them in the sidebar.
RUNS = Step(
    number=99,
    key="runs",
    title="All runs",
    heading="Every run, this session's and earlier ones'",
    kind="runs",
    lesson=(
        "One row per model, with what made it different from its step's values; 'earlier' marks those "
        "of past sessions. Mark two runs with space to compare their settings and their validation curves; "
        "press l to put a run's values back into its step's form and try a variation."
    ),
)
PAGES = [RUNS]

BY_NUMBER = {s.number: s for s in STEPS + PAGES}
BY_KEY = {s.key: s for s in STEPS}


def step(number: int) -> Step:
    return BY_NUMBER[number]
