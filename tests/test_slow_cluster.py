"""A cluster that is alive but slow to answer (a busy lab VM, a long garbage collection) is not lost:
the job is followed to its end, and the health check does not call the cluster lost."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.waiting import wait_until
from tui.lab.steps import step
from tui.lab.training import DONE

pytestmark = pytest.mark.cluster

FROZEN = 8.0  # seconds: longer than any single request's timeout (5 s)


def state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
        return fh.read().split(") ", 1)[1][:1]


def test_a_job_survives_a_cluster_that_stops_answering_for_a_while(lab, cars):
    pid = lab.cluster.process.pid  # type: ignore[union-attr]
    spec = step(4).spec()
    spec.params = {**spec.params, "epochs": 30}
    updates = []
    result = {}
    worker = threading.Thread(
        target=lambda: result.setdefault("run", lab.train(spec, on_update=updates.append)), daemon=True
    )
    worker.start()
    wait_until(lambda: updates and len(updates[-1].history) >= 1, what="the job to score once", timeout=180)
    os.kill(pid, signal.SIGSTOP)  # the engine freezes: requests time out, the process is alive
    try:
        wait_until(lambda: state(pid) == "T", what="the engine to stop", timeout=30)
        frozen_at = time.monotonic()
        with pytest.raises(Exception) as slow:
            lab.cluster_status(timeout=1.0)
        assert getattr(slow.value, "timed_out", False), f"a frozen engine should time out, got {slow.value!r}"
        assert not lab.engine_stopped()
        while time.monotonic() - frozen_at < FROZEN:
            time.sleep(0.2)  # the freeze itself is the condition under test
    finally:
        os.kill(pid, signal.SIGCONT)
    worker.join(timeout=300)
    assert not worker.is_alive(), "the job was not followed to its end"
    run = result["run"]
    assert run.status == DONE, f"{run.run_id} ended {run.status}: {run.error}"


def test_a_refused_connection_is_not_waited_out(lab):
    from tui.lab.rest import ClusterUnreachable

    calls = []

    def refused():
        calls.append(1)
        raise ClusterUnreachable("refused", timed_out=False)

    started = time.monotonic()
    with pytest.raises(ClusterUnreachable):
        lab.patiently(refused, patience=30)
    assert calls == [1] and time.monotonic() - started < 5
