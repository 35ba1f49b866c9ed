"""A 28x28 drawing pad for MNIST: a test digit to edit, or a blank one, drawn from the keyboard, and the model's
ten probabilities as bars, asked again after every stroke.

The arrows move the pen (a box in the picture); with the pen down (space) every move inks the pixel it lands on,
with the eraser (e) it clears it; c clears the pad. The picture uses half blocks, two pixel rows per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tui.lab import fmt
from tui.lab.errors import LabError
from tui.lab.mnist import SIDE
from tui.lab.predictions import RowScore
from tui.lab.training import Run
from widgets.digits import render_digit, terminal_has_greys

INKED = 255
ASK_AFTER = 0.4  # seconds after the last stroke before the model is asked again
BAR = 16  # characters of a probability of 1


def probability_bars(score: RowScore | None) -> Text:
    """Ten bars, one per digit, the model's choice in bold."""
    if score is None or not score.probabilities:
        return Text("Draw, and the model's ten probabilities show here.", style="italic")
    text = Text()
    chosen = str(score.predicted).removesuffix(".0")
    for digit in [str(d) for d in range(10)]:
        p = score.probabilities.get(digit, 0.0)
        style = "bold cyan" if digit == chosen else ""
        text.append(f"{digit} ", style="bold")
        text.append("█" * round(p * BAR) or "▏", style=style)
        text.append(f" {p:.3f}\n", style=style)
    text.append(f"The model reads a {chosen}.", style="bold")
    return text


@dataclass(eq=False)
class PadScored(Message):
    score: RowScore | None
    error: str = ""
    asked: int = 0  # which version of the drawing was asked about


class DigitCanvas(Widget, can_focus=True):
    """The pad itself: the pixels, the pen's place, and the keys that draw."""

    DEFAULT_CSS = """
    DigitCanvas {
        width: 30;
        height: 16;
        border: round $panel-lighten-2;
    }
    DigitCanvas:focus {
        border: heavy $accent;
    }
    """
    BINDINGS = [
        Binding("up", "move(0,-1)", "Up", show=False, tooltip="Move the pen up (inking or erasing if it is down)"),
        Binding("down", "move(0,1)", "Down", show=False, tooltip="Move the pen down"),
        Binding("left", "move(-1,0)", "Left", show=False, tooltip="Move the pen left"),
        Binding("right", "move(1,0)", "Right", show=False, tooltip="Move the pen right"),
        Binding("space", "pen", "Pen up/down", id="pad.pen", tooltip="Put the pen down (moving inks) or lift it"),
        Binding("e", "eraser", "Eraser", id="pad.eraser", tooltip="Put the eraser down (moving clears) or lift it"),
        Binding("c", "clear", "Clear", id="pad.clear", tooltip="Clear the pad"),
    ]

    @dataclass(eq=False)
    class Drawn(Message):
        """The pixels changed."""

    def __init__(self) -> None:
        super().__init__(id="pad-canvas")
        self.pixels = [0] * (SIDE * SIDE)
        self.x, self.y = SIDE // 2, SIDE // 2
        self.mode = "move"  # move, pen, eraser

    def render(self) -> Text:
        """The digit in half blocks, the pen's cell in reverse."""
        text = render_digit(self.pixels, terminal_has_greys(self))
        # Each line is SIDE characters and a newline; the pen's pixel lies in line y // 2.
        at = (self.y // 2) * (SIDE + 1) + self.x
        text.stylize(Style(reverse=True, bold=True), at, at + 1)
        return text

    def load(self, pixels: list[int]) -> None:
        """Put a digit on the pad (a test digit to edit)."""
        self.pixels = list(pixels)[: SIDE * SIDE] + [0] * max(0, SIDE * SIDE - len(pixels))
        self.refresh()
        self.post_message(self.Drawn())

    def _ink(self) -> None:
        if self.mode == "move":
            return
        self.pixels[self.y * SIDE + self.x] = INKED if self.mode == "pen" else 0
        self.post_message(self.Drawn())

    def action_move(self, dx: int, dy: int) -> None:
        """An arrow: move the pen one pixel (inking or erasing on the way when it is down)."""
        self.x = max(0, min(SIDE - 1, self.x + dx))
        self.y = max(0, min(SIDE - 1, self.y + dy))
        self._ink()
        self.refresh()

    def action_pen(self) -> None:
        """space: put the pen down (and ink where it is), or lift it."""
        self.mode = "move" if self.mode == "pen" else "pen"
        self._ink()
        self.refresh()
        self.post_message(self.Moded())

    def action_eraser(self) -> None:
        """e: the eraser down (clearing where it is), or lifted."""
        self.mode = "move" if self.mode == "eraser" else "eraser"
        self._ink()
        self.refresh()
        self.post_message(self.Moded())

    def action_clear(self) -> None:
        """c: a blank pad."""
        self.load([0] * (SIDE * SIDE))

    @dataclass(eq=False)
    class Moded(Message):
        """The pen went up or down."""


class DigitPad(Vertical):
    """The canvas, the probabilities beside it, and what the keys do."""

    DEFAULT_CSS = """
    DigitPad {
        height: auto;
        margin-top: 1;
    }
    DigitPad #pad-row {
        height: auto;
    }
    DigitPad #pad-bars {
        width: 1fr;
        height: auto;
        padding-left: 2;
    }
    DigitPad #pad-help {
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="digit-pad")
        self.run: Run | None = None
        self.lab = None
        self.score: RowScore | None = None
        self._version = 0  # the drawing's version; an answer about an older one is dropped
        self._timer: Timer | None = None
        self.row: int | None = None  # the test row the pad was loaded with
        # The parts are made here and held, never looked up: the pad may be taken away while they mount.
        self.canvas = DigitCanvas()
        self.bars = Static(probability_bars(None), id="pad-bars")
        self.help = Static(self._help_text(), id="pad-help")

    def compose(self) -> ComposeResult:
        """The canvas and the bars side by side, the keys under them."""
        with Horizontal(id="pad-row"):
            yield self.canvas
            yield self.bars
        yield self.help

    def _help_text(self) -> str:
        state = {"move": "pen up", "pen": "pen down: moving inks", "eraser": "eraser down: moving clears"}
        held = "" if self.row is None else f"test row {fmt.row_number(self.row)} loaded; "
        return (
            f"↑ ↓ ← → move · space pen · e eraser · c clear ({state[self.canvas.mode]}); "
            f"{held}Enter on a row above puts that test digit here"
        )

    def show(self, run: Run, lab) -> None:
        """The run whose model reads the pad."""
        self.run, self.lab = run, lab

    def load(self, pixels: list[int], row: int | None = None) -> None:
        """Put a test digit on the pad (``row``: its row in the test frame, counted from 0)."""
        self.row = row
        self.canvas.load(pixels)
        self.help.update(self._help_text())

    @on(DigitCanvas.Moded)
    def _moded(self, event: DigitCanvas.Moded) -> None:
        event.stop()
        self.help.update(self._help_text())

    @on(DigitCanvas.Drawn)
    def _drawn(self, event: DigitCanvas.Drawn) -> None:
        event.stop()
        if self.row is not None and not any(self.canvas.pixels):
            self.row = None  # cleared: no test digit on the pad any more
            self.help.update(self._help_text())
        self._version += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(ASK_AFTER, self._ask)  # after the stroke, not at every pixel

    def _ask(self) -> None:
        run, lab = self.run, self.lab
        if run is None or lab is None or not lab.ready:
            return
        pixels = self.canvas.pixels
        values = {f"C{i + 1}": float(p) for i, p in enumerate(pixels)}
        self._score_worker(run, lab, values, self._version)

    @work(thread=True, exclusive=True, group="pad", exit_on_error=False)
    def _score_worker(self, run: Run, lab, values: dict[str, float], version: int) -> None:
        try:
            self.post_message(PadScored(lab.score_row(run, values, {}), asked=version))
        except LabError as exc:
            self.post_message(PadScored(None, exc.message, version))

    @on(PadScored)
    def _scored(self, message: PadScored) -> None:
        message.stop()
        if message.asked != self._version:
            return  # the drawing changed since
        if message.score is None:
            self.bars.update(Text(message.error, style="red"))
            return
        self.show_score(message.score)

    def show_score(self, score: RowScore) -> None:
        """The ten probabilities for the drawing."""
        self.score = score
        self.bars.update(probability_bars(score))
