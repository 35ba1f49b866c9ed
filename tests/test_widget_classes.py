"""Every widget class of the app keeps the CSS of every styled widget class it is made of.

Textual names a widget's CSS types after the line of its first bases only: a widget mixed in first would
silently drop the defaults (layout, scrolling) of the widget class after it, and its screen would draw empty.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.widget import Widget

import screens
import widgets


def widget_classes() -> list[type[Widget]]:
    found: dict[str, type[Widget]] = {}
    for package in (widgets, screens):
        for module_info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(module_info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, Widget) and value.__module__ == module.__name__:
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


@pytest.mark.parametrize("cls", widget_classes(), ids=lambda cls: cls.__qualname__)
def test_a_widget_keeps_the_css_types_of_its_widget_bases(cls):
    styled = [base for base in cls.__mro__ if issubclass(base, Widget) and base.__dict__.get("DEFAULT_CSS")]
    bases = {base.__name__ for base in styled}
    assert bases <= cls._css_type_names, f"{cls.__name__} drops the CSS of {sorted(bases - cls._css_type_names)}"
