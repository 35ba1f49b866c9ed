"""The run journal: every run as it happens, and the learner's place in the walkthrough.

A SQLite file in the user's data directory. Runs are written when they start, while they train
(the scoring history so far) and when they end, so a crash, a lost cluster or a dropped SSH
session costs nothing already seen. A journal that cannot be used never stops the app: a corrupt
file is moved aside, one from a newer h2o-lab is left alone, an unwritable place is skipped;
each case leaves a sentence in :attr:`Journal.problem` for the app to show.

The journal holds no secret: no password, no credentials, only runs, settings and progress.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.lab.training import Run

log = logging.getLogger("h2o-lab.journal")

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    step INTEGER NOT NULL,
    status TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    model_path TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Journal:
    """Thread-safe: the UI thread saves progress, worker threads save runs."""

    def __init__(self, path: Path | None, on_problem: Callable[[str], object] | None = None) -> None:
        self.path = Path(path) if path else None
        self.problem = ""  # the latest sentence about a journal that could not be used
        self.on_problem = on_problem
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._open()

    @property
    def usable(self) -> bool:
        return self._db is not None

    # -- opening ------------------------------------------------------------------------------
    def _open(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._give_up(
                f"The run journal cannot be kept in {self.path.parent} ({exc.strerror}); this session's runs will not be saved."
            )
            return
        try:
            self._db = self._connect()
            version = self._read_version()
        except sqlite3.DatabaseError as exc:
            self._move_aside(str(exc))
            return
        except OSError as exc:
            self._give_up(
                f"The run journal {self.path} cannot be opened ({exc}); this session's runs will not be saved."
            )
            return
        if version > SCHEMA_VERSION:
            self._close()
            self._give_up(
                f"The run journal {self.path} was written by a newer h2o-lab (format {version}); it is left "
                "as it is, and this session's runs will not be saved in it."
            )

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        db = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        found = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if found is None:
            db.execute("INSERT INTO meta(key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        db.execute("SELECT count(*) FROM runs").fetchone()  # reads the file: a corrupt one fails here
        return db

    def _read_version(self) -> int:
        assert self._db is not None
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        try:
            return int(row[0]) if row else SCHEMA_VERSION
        except (TypeError, ValueError):
            raise sqlite3.DatabaseError("the journal's format number is not readable") from None

    def _move_aside(self, reason: str) -> None:
        assert self.path is not None
        self._close()
        aside = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + suffix))
        except OSError as exc:
            self._give_up(
                f"The run journal {self.path} cannot be read ({reason}) nor moved aside ({exc.strerror}); this session's runs will not be saved."
            )
            return
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, OSError) as exc:
            self._give_up(f"A new run journal could not be started at {self.path} ({exc}).")
            return
        self._tell(f"The run journal could not be read ({reason}); it was moved to {aside} and a new one was started.")

    def _give_up(self, sentence: str) -> None:
        self._db = None
        self._tell(sentence)

    def _tell(self, sentence: str) -> None:
        self.problem = sentence
        log.warning("%s", sentence)
        if self.on_problem is not None:
            try:
                self.on_problem(sentence)
            except Exception:  # pragma: no cover - the UI's business
                pass

    def _close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def close(self) -> None:
        with self._lock:
            self._close()

    # -- writing ------------------------------------------------------------------------------
    def _write(self, sql: str, args: tuple) -> bool:
        with self._lock:
            if self._db is None:
                return False
            try:
                self._db.execute(sql, args)
                return True
            except (sqlite3.Error, OSError) as exc:
                full = "full" in str(exc).lower()
                self._close()
                what = "the disk is full" if full else str(exc)
                self._tell(f"The run journal could not be written ({what}); the app goes on without saving runs.")
                return False

    def save_run(self, run: Run, model_path: str | None = None) -> bool:
        data = json.dumps(run.to_dict(), default=str)
        if model_path is None:
            existing = self.model_path(run.run_id)
            model_path = existing
        return self._write(
            "INSERT INTO runs(run_id, step, status, started, finished, model_path, data, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(run_id) DO UPDATE SET status=excluded.status, finished=excluded.finished, "
            "model_path=excluded.model_path, data=excluded.data, updated=excluded.updated",
            (
                run.run_id,
                run.spec.step,
                run.status,
                run.started_at,
                run.finished_at,
                model_path or "",
                data,
                time.time(),
            ),
        )

    def save_state(self, key: str, value: Any) -> bool:
        return self._write(
            "INSERT INTO state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, json.dumps(value, default=str)),
        )

    # -- reading ------------------------------------------------------------------------------
    def model_path(self, run_id: str) -> str:
        with self._lock:
            if self._db is None:
                return ""
            try:
                row = self._db.execute("SELECT model_path FROM runs WHERE run_id=?", (run_id,)).fetchone()
            except sqlite3.Error:
                return ""
        return row[0] if row else ""

    def runs(self) -> list[tuple[Run, str]]:
        """Every run in the journal, oldest first, with the path of its saved model ('' if none)."""
        with self._lock:
            if self._db is None:
                return []
            try:
                rows = self._db.execute("SELECT data, model_path FROM runs ORDER BY started").fetchall()
            except sqlite3.Error as exc:
                self._tell(f"The runs in the journal could not be read ({exc}).")
                return []
        found = []
        for data, model_path in rows:
            try:
                found.append((Run.from_dict(json.loads(data)), model_path))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("skipping an unreadable run in the journal: %s", exc)
        return found

    def state(self, key: str, default: Any = None) -> Any:
        with self._lock:
            if self._db is None:
                return default
            try:
                row = self._db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
            except sqlite3.Error:
                return default
        if not row:
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            return default
