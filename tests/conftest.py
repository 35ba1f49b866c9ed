"""Test set-up: private user directories, the shared data, and one real H2O cluster per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA, jvms_with

# Before anything asks platformdirs: the tests never touch the user's own state, cache or data.
_HOME = Path(tempfile.mkdtemp(prefix="h2o-lab-tests-"))
for _var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
    os.environ[_var] = str(_HOME / _var.lower())
os.environ.pop("NO_COLOR", None)  # it changes every snapshot
os.environ.pop("H2O_LAB_MIRROR", None)
os.environ.pop("H2O_LAB_PASSWORD", None)
if SHARED_DATA.is_dir():
    os.environ["H2O_LAB_DATA"] = str(SHARED_DATA)
else:
    os.environ.pop("H2O_LAB_DATA", None)


def data_dir() -> Path | None:
    value = os.environ.get("H2O_LAB_DATA")
    return Path(value) if value else None


@pytest.fixture(scope="session")
def lab():
    """A real H2O-3 cluster, started once for the whole test session, and stopped after it."""
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    config = LabConfig(
        cluster=ClusterOptions(nthreads=2, max_mem="3g"),
        data_dir=data_dir(),
        download=False,
        cache_dir=_HOME / "cache" / "data",
        log_dir=_HOME / "logs",
        journal_path=_HOME / "session-journal.sqlite3",
        models_dir=_HOME / "models",
    )
    lab = Lab(config)
    lab.start_cluster()
    name = lab.cluster.name  # type: ignore[union-attr]
    yield lab
    lab.close()
    assert jvms_with(name) == [], "the test session's H2O JVM outlived the session"


@pytest.fixture(scope="session")
def cars(lab):
    return lab.load_cars()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)
