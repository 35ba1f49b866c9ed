"""Test set-up: private user directories, the data in tests/data, one real H2O cluster per session, and the
``cluster`` marker.

Every test that needs H2O is marked ``cluster`` here, at collection: those that use the session cluster
(``lab``, directly or through fixtures such as ``cars``), and those that start H2O themselves (the app in a
terminal, ``OwnCluster``, ``start_cluster``, an app that starts its cluster). So

    python -m pytest -m "not cluster"     # the quick part: no H2O at all
    python -m pytest                      # everything

A test without the marker may not start H2O: while it runs, ``tests/h2o_guard`` makes any command line with
``h2o.jar`` fail, in this process and in the Python processes the test starts, and the test fails saying so.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import shutil
import tempfile
import types
from pathlib import Path

import pytest

from tests.h2o_guard import sitecustomize as h2o_guard
from tests.helpers import TEST_DATA, jvms_with

# Before anything asks platformdirs: the tests never touch the user's own state, cache or data.
_HOME = Path(tempfile.mkdtemp(prefix="h2o-lab-tests-"))
for _var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
    os.environ[_var] = str(_HOME / _var.lower())
os.environ.pop("NO_COLOR", None)  # it changes every snapshot
os.environ.pop("H2O_LAB_MIRROR", None)
os.environ.pop("H2O_LAB_PASSWORD", None)
os.environ.pop(h2o_guard.VARIABLE, None)
# The app (in this process, and in a terminal) finds its data in the repository's tests/data, never elsewhere.
os.environ["H2O_LAB_DATA"] = str(TEST_DATA)
h2o_guard.install()

CLUSTER = "cluster"
# Fixtures that are, or start, a real H2O cluster; pytest lists the fixtures a test uses indirectly too.
CLUSTER_FIXTURES = {"lab"}
# Code that starts H2O, in a test's own body or in one of its fixtures defined under tests/.
STARTS_H2O = re.compile(
    r"\bTerminal\("  # the app in a pseudo-terminal starts its private cluster
    r"|\bOwnCluster\("  # tui.lab.cluster's own JVM
    r"|\.start_cluster\("
    r"|\bh2o\.init\("
    r"|\bmake_app\((?![^)]*autostart=False)"  # an app that starts its cluster when it runs
)
_TESTS = Path(__file__).resolve().parent
_SELECTION = {"cluster": True}  # whether the tests selected for this session include any marked cluster


@functools.cache
def _source_starts_h2o(function) -> bool:
    try:
        if not _in_tests(function):
            return False
        return bool(STARTS_H2O.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def _in_tests(function) -> bool:
    try:
        return Path(inspect.getsourcefile(function) or "").resolve().is_relative_to(_TESTS)
    except TypeError:
        return False


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _calls_code_that_starts_h2o(function, seen: set) -> bool:
    """Whether ``function``, or a function of the tests it names (at any depth), starts H2O."""
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function) or not _in_tests(function):
        return False
    seen.add(function)
    if _source_starts_h2o(function):
        return True
    namespace = function.__globals__
    names = {name for code in _code_objects(function.__code__) for name in code.co_names}
    modules = [m for m in (namespace.get(n) for n in names) if isinstance(m, types.ModuleType)]
    called = [namespace.get(name) for name in names]
    called += [getattr(module, name, None) for module in modules for name in names]  # replay.show_run(...)
    return any(_calls_code_that_starts_h2o(f, seen) for f in called if inspect.isfunction(f))


def needs_h2o(item: pytest.Item) -> bool:
    """Whether ``item`` uses the session cluster or starts H2O itself: in its body, its fixtures, or the
    functions of the tests they call."""
    if CLUSTER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in info.name2fixturedefs.values() if info else ():
        functions += [definition.func for definition in definitions]
    seen: set = set()
    return any(_calls_code_that_starts_h2o(f, seen) for f in functions if f is not None)


PICTURE_FILES = {
    "test_snapshots.py",
    "test_terminals.py",
    "test_exercise_snapshots.py",
    "test_sweep_snapshots.py",
}  # whole screens drawn and compared: a minute or two


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not item.get_closest_marker(CLUSTER) and needs_h2o(item):
            item.add_marker(CLUSTER)
        if item.path.name in PICTURE_FILES:
            item.add_marker(pytest.mark.pictures)


def pytest_collection_finish(session):
    _SELECTION["cluster"] = any(item.get_closest_marker(CLUSTER) for item in session.items)


@pytest.fixture(autouse=True)
def _h2o_only_in_cluster_tests(request):
    """A test not marked cluster that starts H2O (here or in a process it runs) fails, and says why."""
    if request.node.get_closest_marker(CLUSTER):
        yield
        return
    record = _HOME / "h2o-guard" / f"{os.getpid()}-{id(request.node)}.txt"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.unlink(missing_ok=True)
    guard_dir = str(Path(h2o_guard.__file__).parent)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(h2o_guard.VARIABLE, str(record))
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [guard_dir, os.environ.get("PYTHONPATH")])))
        yield
    if record.exists():
        attempts = record.read_text()
        record.unlink()
        pytest.fail(
            f"{request.node.nodeid} started H2O but is not marked '{CLUSTER}'. Mark it with @pytest.mark.{CLUSTER}, "
            f"or teach tests/conftest.py (STARTS_H2O) how to see it.\n{attempts}",
            pytrace=False,
        )


def data_dir() -> Path:
    return TEST_DATA


@pytest.fixture(scope="session")
def lab():
    """A real H2O-3 cluster, started once for the whole test session, and stopped after it."""
    if not _SELECTION["cluster"] or os.environ.get(h2o_guard.VARIABLE):
        pytest.fail(
            f"the session's H2O cluster was asked for by a test not marked '{CLUSTER}' (in a run without H2O, such "
            f"as -m 'not {CLUSTER}', no test may start it): mark that test @pytest.mark.{CLUSTER}",
            pytrace=False,
        )
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
