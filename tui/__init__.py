"""h2o-lab: a terminal lab assistant for deep learning with H2O-3."""

__version__ = "0.1.0"
