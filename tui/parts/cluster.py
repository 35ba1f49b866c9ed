"""The App's part for the cluster's life: start or attach, health checks, loss and restart."""

from __future__ import annotations

import time

from textual import on, work
from textual.worker import Worker

from screens.base import on_worker_error
from tui.lab.errors import ClusterError, LabError
from tui.messages import ClusterFailed, ClusterLost, ClusterProgress, ClusterReady, ClusterStatusUpdate
from tui.parts.base import LabAppBase, log


class ClusterLife(LabAppBase):
    """Starts the cluster (or reads the one handed over), watches its health, restarts it when lost."""

    # -- the cluster --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="cluster", exit_on_error=False)
    def _attach_worker(self) -> None:
        """The lab was handed a running cluster: read its status off the UI thread."""
        self.post_message(ClusterReady(self.lab.cluster_status(timeout=10.0)))

    @work(thread=True, exclusive=True, group="cluster", exit_on_error=False)
    def start_cluster(self) -> None:
        """Start the private cluster, or connect to --url (a thread worker)."""
        status = self.lab.start_cluster(lambda text: self.post_message(ClusterProgress(text)))
        self.post_message(ClusterReady(status))

    @on_worker_error("cluster", "Starting the cluster")
    def _cluster_worker_failed(self, _worker: Worker, error: LabError) -> None:
        self.post_message(ClusterFailed(error, error.detail or self.lab.log_tail()))

    @on(ClusterProgress)
    def _on_cluster_progress(self, message: ClusterProgress) -> None:
        self.news.append(message.text)
        self._show_cluster()

    @on(ClusterReady)
    def _on_cluster_ready(self, message: ClusterReady) -> None:
        self.cluster_state = "ready"
        self.cluster_status = message.status
        if self.ready_at is None:
            self.ready_at = time.monotonic() - self.started_at
            log.info("cluster ready after %.3f s", self.ready_at)
        self._mark_done("cluster")
        self._show_cluster()
        self.refresh_chrome()
        self._refresh_code()
        self._start_health_checks()
        for view in self.training_views():
            view.cluster_ready()
        for name in sorted(self._reload_after_restart):
            self.notify(f"Reading the {name} data into the new cluster…", timeout=4)
            self.load_data(name)
        self._reload_after_restart = set()
        if self.metas is None and self.lab.ready:
            self._metas_worker()

    @on(ClusterStatusUpdate)
    def _on_cluster_status(self, message: ClusterStatusUpdate) -> None:
        if self.cluster_state not in ("ready",):
            return
        self.cluster_status = message.status
        if self.current_step == self._number("cluster"):  # elsewhere the step shows it when it comes back
            self._show_cluster()

    @on(ClusterFailed)
    def _on_cluster_failed(self, message: ClusterFailed) -> None:
        self.cluster_state = "failed"
        self.cluster_error = (message.error, message.log_tail)
        self.done.discard(self._number("cluster"))
        self._show_cluster()
        self.refresh_chrome()
        if self._screen_ready:
            self.show_step(self._number("cluster"))

    @on(ClusterLost)
    def _on_cluster_lost(self, message: ClusterLost) -> None:
        if self.cluster_state != "ready":
            return
        self.cluster_state = "lost"
        self.cluster_error = (
            ClusterError(message.reason, hint="Finished runs are kept on their steps."),
            message.log_tail,
        )
        self._stop_health_checks()
        self._show_cluster()
        self.refresh_chrome()
        self.notify("The H2O cluster was lost. Press r on step 1 to start a fresh one.", severity="error", timeout=8)

    def _start_health_checks(self) -> None:
        if self._health_timer is None and self.health_interval > 0:
            self._health_timer = self.set_interval(self.health_interval, self._check_health)

    def _stop_health_checks(self) -> None:
        if self._health_timer is not None:
            self._health_timer.stop()
            self._health_timer = None

    def _check_health(self) -> None:
        if self.cluster_state == "ready" and not self._quitting:
            self._health_worker()

    @work(thread=True, exclusive=True, group="health", exit_on_error=False)
    def _health_worker(self) -> None:
        try:
            status = self.lab.health(timeout=min(2.0, self.health_interval))
        except LabError as exc:
            if not self._quitting:
                self.post_message(ClusterLost(exc.message, self.lab.log_tail()))
            return
        if status is not None:
            self.post_message(ClusterStatusUpdate(status))

    def action_restart_cluster(self) -> None:
        if self.cluster_state not in ("failed", "lost"):
            return
        # The data lived in the old cluster: it is read again once the new one is ready.
        self._reload_after_restart = {name for name in ("cars", "mnist") if self._loaded(name)}
        self.cluster_state = "starting"
        self.cluster_error = None
        self.news = ["Starting a fresh cluster"]
        self.refresh_chrome()
        self._show_cluster()
        self._restart_worker()

    @work(thread=True, exclusive=True, group="cluster", exit_on_error=False)
    def _restart_worker(self) -> None:
        self.lab.reset_cluster()
        status = self.lab.start_cluster(lambda text: self.post_message(ClusterProgress(text)))
        self.post_message(ClusterReady(status))

    def _show_cluster(self) -> None:
        view = self._view("cluster")
        if view is None:
            return
        if self.cluster_state in ("failed", "lost") and self.cluster_error is not None:
            error, tail = self.cluster_error
            view.show_failure(error, tail, lost=self.cluster_state == "lost")
            if self.cluster_state == "lost" and self.cluster_status is not None:
                view.show_status(self.cluster_status, "lost")
        elif self.cluster_state == "ready" and self.cluster_status is not None:
            view.show_status(self.cluster_status)
        else:
            view.show_news(self.news or ["Starting…"])
