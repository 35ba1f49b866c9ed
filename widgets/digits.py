"""Digits drawn in the terminal: two pixel rows per text row with half blocks.

Where the terminal shows colours the pixels are greys; where it does not (NO_COLOR, or only 16
colours), each half block is drawn or left blank by whether its pixel is ink.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from tui.lab import fmt
from tui.lab.mnist import SIDE, Digit

INK = 100  # a pixel at or above this counts as ink when there are no greys


def _grey(value: int) -> Style:
    return Style(color=f"rgb({value},{value},{value})")


def render_digit(pixels: list[int], greys: bool = True) -> Text:
    """28x28 pixels as 14 lines of 28 characters."""
    text = Text()
    if len(pixels) < SIDE * SIDE:
        pixels = list(pixels) + [0] * (SIDE * SIDE - len(pixels))
    for y in range(0, SIDE, 2):
        for x in range(SIDE):
            top = pixels[y * SIDE + x]
            bottom = pixels[(y + 1) * SIDE + x]
            if greys:
                style = Style(color=f"rgb({top},{top},{top})", bgcolor=f"rgb({bottom},{bottom},{bottom})")
                text.append("▀", style)
            else:
                glyph = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}[
                    (top >= INK, bottom >= INK)
                ]
                text.append(glyph)
        if y < SIDE - 2:
            text.append("\n")
    return text


def terminal_has_greys(widget: Widget) -> bool:
    """Whether the terminal can show grey pixels (colours on, beyond the 16 standard ones)."""
    app = widget.app
    if getattr(app, "no_color", False):
        return False
    return app.console.color_system not in (None, "standard")


class DigitPicture(Static):
    """One digit, 28 columns by 14 rows."""

    DEFAULT_CSS = """
    DigitPicture {
        width: 28;
        height: 14;
    }
    """

    def __init__(self, digit: Digit | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.digit = digit

    def on_mount(self) -> None:
        """Draw the digit it was made with (or the placeholder)."""
        self.show(self.digit)

    def show(self, digit: Digit | None) -> None:
        """Draw a digit in greys or in blocks, whichever the terminal can show; None draws a placeholder."""
        self.digit = digit
        if digit is None:
            self.update(Text("\n" * 6 + "   (no digit yet)", style="dim"))
            return
        self.update(render_digit(digit.pixels, terminal_has_greys(self)))


class DigitCard(Widget):
    """A digit with a caption under it (the gallery of mistakes)."""

    DEFAULT_CSS = """
    DigitCard {
        width: 30;
        height: 18;
        padding: 0 1;
        margin: 0 1 1 0;
        border: round $panel-lighten-2;
    }
    DigitCard > Static {
        width: 28;
        height: auto;
    }
    """

    def __init__(self, digit: Digit) -> None:
        super().__init__()
        self.digit = digit

    def compose(self):
        """The digit's picture, then its true and predicted labels, the probability and the test row."""
        yield DigitPicture(self.digit)
        caption = Text.assemble(
            ("true ", "dim"), (self.digit.label, "bold green"), ("  said ", "dim"), (self.digit.predicted, "bold red")
        )
        if self.digit.probability is not None:
            caption.append(f" ({self.digit.probability:.0%})", style="dim")
        caption.append(f"\ntest row {fmt.row_number(self.digit.row)}", style="dim")
        yield Static(caption)
