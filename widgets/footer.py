"""The footer: Textual's, but a key that does not fit whole is left out instead of being cut mid-word."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class LabFooter(Footer):
    """The keys that apply now, as many as fit the width whole (? lists them all).

    At 80 columns a step's own keys and the app's do not always fit on one line: Textual's footer then cuts the
    last one ("t Tra"). This one leaves it out, and brings it back when the terminal is wider.
    """

    async def recompose(self) -> None:
        """Textual's keys for the bindings now, then the ones that do not fit whole left out."""
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        """Wider or narrower: lay the keys out again, all of them, then leave out what does not fit."""
        self.call_after_refresh(self.recompose)

    def _fit(self) -> None:
        if not self.content_region.width:
            return  # not laid out yet (a screen still being built): the next recompose fits the keys
        right = self.content_region.right
        cut = False
        for key in self.query(FooterKey):
            cut = cut or key.region.right > right
            if cut:
                key.display = False  # and every key after it: the order stays the footer's
