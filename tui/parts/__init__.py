"""The parts the App is made of, one concern each (see :mod:`tui.parts.base`)."""
