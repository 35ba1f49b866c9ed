"""The H2O-3 cluster the lab works with: its options, its status, and what every kind of cluster does.

Two kinds: the lab's own private JVM (:mod:`tui.lab.own_cluster`) and an existing cluster given with
``--url`` (:mod:`tui.lab.remote_cluster`); :func:`tui.lab.session.make_cluster` picks one.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tui.lab.errors import ClusterError
from tui.lab.java import JavaInfo
from tui.lab.rest import Rest

_MEM = re.compile(r"^[1-9]\d*[kKmMgGtT]?$")
_MEM_UNITS = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}

# The private cluster's heap when --max-mem is not given. Java's own default is a quarter of the RAM, which
# four labs on one class VM would reserve entirely. Measured with the lab's work: the cars steps and step 11 on all
# 60,000 MNIST digits ran in a 512m heap; 1g leaves twice that for larger networks (bench/classroom.py: each JVM
# peaked at 450-700 MiB resident).
DEFAULT_HEAP = "1g"
# What a JVM takes beyond its heap (code, threads, buffers): measured 70-120 MiB with the lab's work; rounded up.
JVM_OVERHEAD = 256 * 2**20
SMALL_HEAP_BYTES = 512 * 2**20

Progress = Callable[[str], object]


@dataclass
class ClusterOptions:
    """How to get a cluster: the own local one (default) or an existing one at ``url``."""

    url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    insecure: bool = False
    nthreads: int = -1
    max_mem: str | None = None
    port: int | None = None  # fixed port for the own cluster; None: first free from 54321

    @property
    def own(self) -> bool:
        return self.url is None


@dataclass
class ClusterStatus:
    """What the cluster screen shows. Plain data, so it can be recorded and replayed."""

    url: str
    own: bool
    version: str = ""
    cloud_name: str = ""
    nodes: int = 0
    cores: int = 0
    allowed_cores: int = 0
    free_mem: int = 0
    max_mem: int = 0
    uptime_ms: int = 0
    healthy: bool = False
    consensus: bool = False
    locked: bool = False
    java: str = ""
    log_file: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClusterStatus:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def health_text(self) -> str:
        if self.healthy and self.consensus:
            return "healthy"
        if not self.consensus:
            return "nodes do not agree (no consensus)"
        return "unhealthy"


def memory_bytes(value: str) -> int:
    """Bytes in a heap size already checked by :func:`parse_memory` (``1g``, ``512m``, ``65536``)."""
    unit = _MEM_UNITS.get(value[-1].lower())
    return int(value[:-1]) * unit if unit else int(value)


def available_memory() -> int | None:
    """Bytes the system can still give without swapping (Linux's MemAvailable), when it says."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def heap_shortfall(heap: str, available: int | None, given: bool) -> ClusterError | None:
    """Why a private cluster with ``heap`` would not fit in the memory ``available`` now, or None when it fits.

    ``given``: the learner chose the heap with --max-mem (otherwise it is the lab's default).
    """
    need = memory_bytes(heap) + JVM_OVERHEAD
    if available is None or available >= need:
        return None
    smaller = ""
    if memory_bytes(heap) > SMALL_HEAP_BYTES:
        smaller = " Or start with a smaller heap: --max-mem 512m runs every step of the walkthrough."
    return ClusterError(
        f"This machine has {available / 2**30:.1f} GiB of memory free; a private H2O cluster with a "
        f"{heap} heap{' (--max-mem)' if given else ''} needs about {need / 2**30:.1f} GiB. It was not started.",
        hint=(
            "Other labs or programs hold the rest: quit the ones you do not need."
            f"{smaller} In a class, one cluster for everyone saves the most: the teacher starts it "
            "(h2o-lab class --help) and each learner joins with --url and their user."
        ),
    )


def parse_memory(text: str, this_machine: bool = True) -> str:
    """Validate a JVM heap size such as ``4g``, ``512m``; returns it normalised for ``-Xmx``.

    ``this_machine``: the heap is for a JVM on this machine, so it must fit in its RAM."""
    value = text.strip()
    if not _MEM.match(value):
        raise ValueError(f"'{text}' is not a memory size; use a number with k, m, g or t, such as 4g or 512m")
    value = value.lower()
    wanted = memory_bytes(value)
    ram = physical_memory() if this_machine else None
    if wanted < 64 * 2**20:
        raise ValueError(f"'{text}' is too small for H2O; give at least 64m (1g or more for MNIST)")
    if ram and wanted > ram:
        raise ValueError(
            f"'{text}' is more than this machine's memory ({ram / 2**30:.1f} GiB); give less, such as "
            f"{max(1, int(ram / 2**30 / 2))}g"
        )
    return value


def physical_memory() -> int | None:
    """Bytes of RAM in this machine, when the system says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def lean_type_checks() -> None:
    """Keep h2o-py from importing pandas (33 MiB of the app's memory) only to learn that a value is no DataFrame.

    h2o-py checks arguments against classes of optional modules (pandas, numpy) by importing those modules on the
    first check. A value cannot belong to a class whose module was never imported, so until the module is loaded
    the answer is no, without the import; once something else loads it, the checks work as before.
    """
    from h2o.utils import typechecks  # noqa: PLC0415

    lazy = typechecks._LazyClass
    if getattr(lazy.check, "_lean", False):
        return
    check = lazy.check

    def lean(self: Any, var: Any) -> Any:
        if self._class is None and self._module.partition(".")[0] not in sys.modules:
            return False
        return check(self, var)

    lean._lean = True  # type: ignore[attr-defined]
    lazy.check = lean


def h2o_jar() -> Path:
    try:
        import h2o.backend  # noqa: PLC0415 - imported where it is needed
    except Exception as exc:  # pragma: no cover - broken install
        raise ClusterError("The h2o package is not installed.", hint="Reinstall h2o-lab.") from exc
    jar = Path(h2o.backend.__file__).parent / "bin" / "h2o.jar"
    if not jar.exists():
        raise ClusterError(f"The H2O engine ({jar}) is missing from the h2o package.", hint="Reinstall h2o-lab.")
    return jar


def status_from_cloud(cloud: dict, url: str, own: bool) -> ClusterStatus:
    nodes = cloud.get("nodes") or []
    return ClusterStatus(
        url=url,
        own=own,
        version=str(cloud.get("version", "")),
        cloud_name=str(cloud.get("cloud_name", "")),
        nodes=int(cloud.get("cloud_size") or len(nodes)),
        cores=sum(int(n.get("num_cpus") or 0) for n in nodes),
        allowed_cores=sum(int(n.get("cpus_allowed") or 0) for n in nodes),
        free_mem=sum(int(n.get("free_mem") or 0) for n in nodes),
        max_mem=sum(int(n.get("max_mem") or 0) for n in nodes),
        uptime_ms=int(cloud.get("cloud_uptime_millis") or 0),
        healthy=bool(cloud.get("cloud_healthy")) and all(n.get("healthy", True) for n in nodes),
        consensus=bool(cloud.get("consensus", True)),
        locked=bool(cloud.get("locked", False)),
    )


CLOUD_PARAMS = {"_exclude_fields": "nodes/fjthrds,nodes/fjqueue"}


class Cluster:
    """Common to both kinds: a REST client with timeouts and the h2o-py connection."""

    own = False

    def __init__(self) -> None:
        self.url = ""
        self.rest: Rest | None = None
        self.java: JavaInfo | None = None
        self.log_file = ""
        self._connected = False

    def start(self, progress: Progress | None = None, timeout: float = 15.0, connect: bool = True) -> ClusterStatus:
        """Start (or reach) the cluster and wait until it answers."""
        raise NotImplementedError

    # -- h2o-py connection --------------------------------------------------------------------
    def _connect_h2o(self, auth: tuple[str, str] | None, verify: bool) -> None:
        import h2o  # noqa: PLC0415

        from tui.lab.quiet import quiet_h2o  # noqa: PLC0415

        lean_type_checks()
        with quiet_h2o():
            h2o.connect(url=self.url, auth=auth, verify_ssl_certificates=verify, verbose=False, telemetry=False)
        self._connected = True

    def _disconnect_h2o(self) -> None:
        if not self._connected:
            return
        self._connected = False
        try:
            import h2o  # noqa: PLC0415

            from tui.lab.quiet import quiet_h2o  # noqa: PLC0415

            conn = h2o.connection()
            if conn is not None:
                with quiet_h2o():
                    conn.close()
        except Exception:
            pass

    # -- status -------------------------------------------------------------------------------
    def status(self, timeout: float = 5.0) -> ClusterStatus:
        if self.rest is None:
            raise ClusterError("Not connected to a cluster.")
        cloud = self.rest.get("/3/Cloud", params=CLOUD_PARAMS, timeout=timeout)
        status = status_from_cloud(cloud, self.url, self.own)
        status.java = self.java.describe() if self.java else ""
        status.log_file = self.log_file
        return status

    def alive(self, timeout: float = 2.0) -> bool:
        if self.rest is None:
            return False
        try:
            self.rest.get("/3/Ping", timeout=timeout)
        except ClusterError:
            return False
        return True

    def stop(self, wait: bool = True) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
