"""Where h2o-lab keeps its files: the user's state, cache and data directories."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "h2o-lab"


def state_dir() -> Path:
    """Logs of the app and of the H2O JVMs it starts."""
    return Path(platformdirs.user_state_dir(APP_NAME))


def log_dir() -> Path:
    return state_dir() / "logs"


def cache_dir() -> Path:
    """Downloaded data sets."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def data_cache_dir() -> Path:
    return cache_dir() / "data"


def data_dir() -> Path:
    """The learner's own data: the run journal and saved models."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def runtime_base() -> Path | None:
    """The per-user runtime directory (``XDG_RUNTIME_DIR``) if the system has one, for the cluster's secrets."""
    value = os.environ.get("XDG_RUNTIME_DIR", "")
    path = Path(value) if value else None
    return path if path is not None and path.is_dir() and os.access(path, os.W_OK) else None
