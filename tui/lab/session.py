"""The cluster a lab works with: starting it, asking it patiently, forgetting a lost one, stopping it."""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.lab.cluster import Cluster, ClusterOptions, ClusterStatus
from tui.lab.config import LabConfig, Say
from tui.lab.errors import ClusterError, LabError
from tui.lab.own_cluster import OwnCluster
from tui.lab.remote_cluster import RemoteCluster
from tui.lab.rest import ClusterUnreachable, Rest

log = logging.getLogger("h2o-lab")


def make_cluster(options: ClusterOptions) -> Cluster:
    """The lab's own private cluster, or the existing one given with ``--url``."""
    return OwnCluster(options) if options.own else RemoteCluster(options)


class Session:
    """One lab's hold on a cluster: the own one it started, or the remote one it joined."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config
        self.cluster: Cluster | None = None
        self.lock = threading.RLock()
        self.closed = False  # set once the lab is closing: slowness is no longer waited out
        self.token = secrets.token_hex(3)  # keeps this session's frames apart on a shared cluster
        self._slow_since: float | None = None  # since when a live cluster has not answered the health check

    @property
    def ready(self) -> bool:
        """Whether a cluster is up and answering REST calls."""
        return self.cluster is not None and self.cluster.rest is not None

    @property
    def own(self) -> bool:
        """Whether the lab runs its own cluster (rather than joining one at ``--url``)."""
        return self.config.cluster.own

    def start(self, say: Say | None = None) -> ClusterStatus:
        """Start the own cluster, or connect to ``--url``. Raises :class:`LabError` with the reason."""
        with self.lock:
            if self.ready:
                assert self.cluster is not None
                return self.cluster.status()
            cluster = make_cluster(self.config.cluster)
            if self.config.log_dir and hasattr(cluster, "log_dir"):
                cluster.log_dir = Path(self.config.log_dir)
            self.cluster = cluster
        try:
            status = cluster.start(progress=say)
        except LabError:
            self.cluster = None
            raise
        except Exception as exc:  # anything unexpected still reaches the learner as words
            log.exception("cluster start failed")
            tail = cluster.log_tail() if hasattr(cluster, "log_tail") else ""
            try:
                cluster.stop()
            except Exception:
                pass
            self.cluster = None
            raise ClusterError(f"The cluster could not be started: {exc}", detail=tail) from None
        log.info("cluster ready: %s %s", status.url, status.version)
        return status

    def engine_stopped(self) -> bool:
        """True when there is no cluster, or the private cluster's Java process has ended."""
        cluster = self.cluster
        return cluster is None or (cluster.own and not getattr(cluster, "process_alive", lambda: True)())

    def patiently(self, call: Callable[[], Any], patience: float | None = None) -> Any:
        """``call()``, asked again while the cluster is alive but too slow to answer, up to ``patience`` seconds.

        A refused connection or a stopped engine raises at once: only slowness is waited out.
        """
        patience = self.config.slow_patience if patience is None else patience
        since = None
        while True:
            try:
                return call()
            except ClusterUnreachable as exc:
                if not exc.timed_out or self.engine_stopped() or self.closed:
                    raise
                now = time.monotonic()
                since = since if since is not None else now
                if now - since >= patience:
                    raise
                log.info("the cluster is slow to answer (%s); asking again", exc.message)
                time.sleep(0.5)

    def status(self, timeout: float = 3.0) -> ClusterStatus:
        """The cluster's health now; raises :class:`ClusterUnreachable` without a cluster or an engine."""
        if self.cluster is None:
            raise ClusterUnreachable("There is no cluster.")
        own = self.cluster
        if own.own and not getattr(own, "process_alive", lambda: True)():
            raise ClusterUnreachable("The H2O engine (Java process) has stopped.")
        return own.status(timeout=timeout)

    def health(self, timeout: float = 2.0) -> ClusterStatus | None:
        """The health check's look at the cluster: its status, or None while a live cluster is only slow.

        A live engine that does not answer in time is waited out for up to ``slow_patience`` seconds over
        successive checks; any other failure gets one more quick try. Raises :class:`LabError` once the
        cluster counts as lost.
        """
        try:
            status = self.status(timeout=timeout)
        except LabError as exc:
            if isinstance(exc, ClusterUnreachable) and exc.timed_out and not self.engine_stopped():
                now = time.monotonic()
                self._slow_since = self._slow_since or now
                if now - self._slow_since < self.config.slow_patience:
                    return None
            else:
                try:  # a busy JVM can miss one beat
                    status = self.status(timeout=1.0)
                except LabError:
                    pass
                else:
                    self._slow_since = None
                    return status
            self._slow_since = None
            raise
        self._slow_since = None
        return status

    def detach(self) -> Cluster | None:
        """Let go of the cluster (a failed or lost one) and hand it back, to be stopped with :func:`stop_quietly`."""
        with self.lock:
            cluster, self.cluster = self.cluster, None
        return cluster

    def log_tail(self) -> str:
        """The last lines of the own cluster's log (empty for a remote cluster)."""
        cluster = self.cluster
        return cluster.log_tail() if cluster is not None and hasattr(cluster, "log_tail") else ""

    def mark_closed(self) -> bool:
        """Note that the lab is closing; True for the first caller only."""
        with self.lock:
            first = not self.closed
            self.closed = True
        return first

    def stop(self, wait: bool = True) -> None:
        """Stop the own cluster (a remote one is only disconnected) and forget it; ``wait``: see OwnCluster.stop."""
        cluster = self.cluster
        if cluster is None:
            return
        try:
            cluster.stop(wait)
        finally:
            self.cluster = None

    def rest(self) -> Rest:
        """The cluster's REST client; a :class:`ClusterError` when there is no cluster yet."""
        if self.cluster is None or self.cluster.rest is None:
            raise ClusterError("The cluster is not ready yet.", hint="Wait for step 1 to say 'ready'.")
        return self.cluster.rest

    @property
    def owner(self) -> str:
        """Whose keys these are on a shared cluster: the learner's user name (as a key allows), else ``h2o_lab``."""
        safe = re.sub(r"[^A-Za-z0-9]+", "_", self.config.cluster.user or "").strip("_")
        return safe or "h2o_lab"

    def frame_key(self, name: str) -> str:
        """``cars.hex`` on the own cluster; on a shared one the learner and this session's token keep it apart."""
        if self.own:
            return f"{name}.hex"
        return f"{name}_{self.owner}_{self.token}.hex"

    def model_key(self, run_id: str) -> str | None:
        """A run's model name on a shared cluster (the learner, the session, the run); H2O names it on the own one."""
        if self.own:
            return None
        return f"deeplearning_{self.owner}_{self.token}_{run_id.replace('-', '_')}"


def stop_quietly(cluster: Cluster | None) -> None:
    """Stop what is left of a detached cluster; a failure is only logged."""
    if cluster is not None:
        try:
            cluster.stop()
        except Exception:
            log.exception("stopping the old cluster")
