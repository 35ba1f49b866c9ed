"""How a lab is set up: its cluster, where its data, journal and models live, how patient it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.lab.cluster import ClusterOptions

Say = Callable[[str], object]


@dataclass
class LabConfig:
    """Everything a :class:`tui.lab.service.Lab` is started with."""

    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    data_dir: Path | None = None
    mirror: str | None = None
    download: bool = True
    cache_dir: Path | None = None
    log_dir: Path | None = None
    poll_interval: float = 0.25
    # How long a cluster whose engine is alive may be slow to answer (a busy lab VM, a long garbage
    # collection) before a running job or the cluster counts as lost. A stopped engine counts at once.
    slow_patience: float = 45.0
    journal_path: Path | None = None  # default: journal.sqlite3 in the user's data directory
    models_dir: Path | None = None  # default: models/ in the user's data directory
    keep_journal: bool = True
    keep_on_cluster: bool = False  # a cluster the lab did not start: leave this session's frames and models there
