"""The App's part for the data sets: imports in thread workers, and H2O's parameter list."""

from __future__ import annotations

from functools import partial

from textual import on, work
from textual.worker import Worker

from screens.base import on_worker_error
from tui.lab.errors import LabError
from tui.messages import DataFailed, DataLoaded, DataProgress, MetasLoaded, MnistLoaded
from tui.parts.base import LabAppBase, log


class DataImports(LabAppBase):
    """Imports cars and MNIST into the cluster and shows them on their steps; fetches the parameter list."""

    # -- data ---------------------------------------------------------------------------------
    def load_data(self, name: str) -> None:
        """Import a data set (``cars`` or ``mnist``) in a thread worker named after it."""
        if not self.lab.ready:
            self.notify("The cluster is not ready yet; see step 1.", severity="warning")
            return
        self.run_worker(partial(self._import, name), name=name, group="data", thread=True, exit_on_error=False)

    def _import(self, name: str) -> None:
        say = lambda text: self.post_message(DataProgress(name, text))  # noqa: E731
        if name == "mnist":
            self.post_message(MnistLoaded(self.lab.load_mnist(say)))
        else:
            self.post_message(DataLoaded(self.lab.load_cars(say)))

    @on_worker_error("data", "The import")
    def _import_failed(self, worker: Worker, error: LabError) -> None:
        self.post_message(DataFailed(worker.name, error))

    @on(DataProgress)
    def _on_data_progress(self, message: DataProgress) -> None:
        view = self._view("mnist-data" if message.name == "mnist" else "data")
        if view is not None:
            view.show_progress(message.text)

    @on(MnistLoaded)
    def _on_mnist_loaded(self, message: MnistLoaded) -> None:
        self.data_errors.pop("mnist", None)
        self._mark_done("mnist-data")
        self._show_data()
        self.refresh_chrome()
        self._refresh_code()

    @on(DataLoaded)
    def _on_data_loaded(self, message: DataLoaded) -> None:
        self.data_errors.pop(message.info.name, None)
        self._mark_done("data")
        self._show_data()
        self.refresh_chrome()
        self._refresh_code()

    @on(DataFailed)
    def _on_data_failed(self, message: DataFailed) -> None:
        self.data_errors[message.name] = message.error
        self._show_data()

    def _show_data(self) -> None:
        view = self._view("data")
        if view is not None:
            cars = self.lab.frame_info("cars")
            if cars is not None:
                self._mark_done("data")  # the cluster holds it, however it got there
                view.show_frame(cars)
            elif "cars" in self.data_errors:
                view.show_failure(self.data_errors["cars"])
        view = self._view("mnist-data")
        if view is not None:
            if self.lab.mnist is not None:
                self._mark_done("mnist-data")
                view.show_mnist(self.lab.mnist)
            elif "mnist" in self.data_errors:
                view.show_failure(self.data_errors["mnist"])

    def _loaded(self, name: str) -> bool:
        """Whether a data set (cars or mnist) is in the cluster."""
        return self.lab.mnist is not None if name == "mnist" else self.lab.frame_info(name) is not None

    @work(thread=True, exclusive=True, group="metas", exit_on_error=False)
    def _metas_worker(self) -> None:
        self.post_message(MetasLoaded(self.lab.param_metas()))

    @on_worker_error("metas", "Reading H2O's parameter list")
    def _metas_failed(self, _worker: Worker, error: LabError) -> None:
        log.warning("no parameter list: %s", error.message)

    @on(MetasLoaded)
    def _on_metas(self, message: MetasLoaded) -> None:
        for view in self.training_views():
            view.set_metas(message.metas)
