"""The Setup tab's news of the frames a step trains on: which ones, and the sizes of the cars data's 80/20 split.

The sizes come from the lab (it keeps every split it has made); a step that splits before anything trained asks
for them in a thread worker, and every step that splits the same way shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static

from tui.lab.errors import LabError
from tui.lab.training import RunSpec
from widgets.train_link import AppLink, ensure_data
from widgets.train_texts import frames_text

if TYPE_CHECKING:
    from textual.widget import Widget as _Panel
else:
    _Panel = object  # a plain mixin: Textual names a widget's CSS types after its first base's line only


class SplitNews(_Panel):
    """What :class:`widgets.train_setup.SetupPanel` says of its frames (``#setup-news``) and the split's sizes.

    Mixed in after the panel's widget class.
    """

    spec: RunSpec
    link: AppLink

    def current_spec(self) -> RunSpec:
        """What a run would train now (the panel answers)."""
        raise NotImplementedError

    @property
    def is_mnist(self) -> bool:
        """True for the steps that train on MNIST (the panel answers)."""
        raise NotImplementedError

    def _split_spec(self) -> RunSpec:
        return self.current_spec() if self.is_mounted else self.spec

    def split_key(self) -> tuple:
        """What decides the split's sizes: the data set, the split, the rows."""
        spec = self._split_spec()
        return (spec.dataset, spec.split, spec.sample_rows)

    def frames_text(self) -> Text:
        """Which frames the step trains and validates on, with the split's sizes once known."""
        split = self.spec.split and not self.is_mnist
        return frames_text(self.spec, self.link.split_sizes(self._split_spec()) if split else None)

    def show_split(self) -> None:
        """The split's sizes are known: say them under the step's lesson."""
        if self.is_mounted:
            self.query_one("#setup-news", Static).update(self.frames_text())

    def find_split(self) -> None:
        """Find the sizes of the 80/20 split before anything trains, unless they are known."""
        if self.spec.split and not self.is_mnist and self.link.split_sizes(self._split_spec()) is None:
            self._split_worker(self.current_spec())

    def got_split(self, sizes: list[int]) -> None:
        """The split's sizes, for every step that splits the same way."""
        self.link.show_split(self.split_key(), sizes)

    @work(thread=True, group="split", exit_on_error=False)
    def _split_worker(self, spec: RunSpec) -> None:
        lab = self.link.lab
        try:
            ensure_data(lab, spec, self.app.post_message)
            sizes = lab.split_sizes(spec)
        except LabError:
            return  # the Train key will say what is wrong
        self.app.call_from_thread(self.got_split, sizes)
