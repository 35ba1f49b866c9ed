"""The walkthrough's data sets: where they come from, what they must look like, and how a copy is found.

Resolution order for each data set:

1. the teacher's directory (``--data-dir`` or ``H2O_LAB_DATA``),
2. the user's cache directory,
3. a download from the official address (or ``--mirror``) into the cache: streamed, with
   progress, written atomically and checked against the expected layout,
4. for ``cars`` only, with no network: a stand-in built from the ``vega-datasets`` package.

Every file is checked against its expected layout before H2O sees it; a missing or malformed
file raises :class:`DataError` naming the file, where the lab looked and how to stage it.
"""

from __future__ import annotations

import csv
import os
import time
import urllib.parse
import warnings
from collections.abc import Callable
from pathlib import Path

from tui.lab.data_files import REGISTRY, DatasetSpec, ResolvedData, check_layout, staging_hint
from tui.lab.errors import DataError

_CHUNK = 64 * 1024
DownloadProgress = Callable[[int, "int | None"], None]


class DataResolver:
    def __init__(
        self,
        data_dir: Path | None,
        cache_dir: Path,
        mirror: str | None = None,
        download: bool = True,
        timeout: float = 15.0,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else None
        self.cache_dir = Path(cache_dir)
        self.mirror = mirror.rstrip("/") + "/" if mirror else None
        self.download_enabled = download
        self.timeout = timeout

    def spec(self, name: str) -> DatasetSpec:
        try:
            return REGISTRY[name]
        except KeyError:
            raise DataError(f"Unknown data set '{name}'; known: {', '.join(REGISTRY)}.") from None

    def download_url(self, spec: DatasetSpec) -> str:
        return urllib.parse.urljoin(self.mirror, spec.relpath) if self.mirror else spec.url

    def local_copy(self, name: str) -> ResolvedData | None:
        """The file an import would read without downloading (the data directory's, else the cache's), unchecked;
        None when there is none. Cheap: it only looks whether the files are there."""
        spec = self.spec(name)
        if self.data_dir is not None:
            for candidate in self._candidates(self.data_dir, spec):
                if candidate.is_file():
                    return ResolvedData(name, str(candidate), "data-dir", spec.url)
        cached = self.cache_dir / spec.relpath
        return ResolvedData(name, str(cached), "cache", spec.url) if cached.is_file() else None

    def resolve(self, name: str, progress: DownloadProgress | None = None) -> ResolvedData:
        spec = self.spec(name)
        looked: list[str] = []

        # 1. The teacher's directory: a broken file there is an error, never skipped silently.
        if self.data_dir is not None:
            for candidate in self._candidates(self.data_dir, spec):
                looked.append(str(candidate))
                if candidate.is_file():
                    problem = check_layout(spec, candidate)
                    if problem:
                        raise DataError(
                            f"{candidate} is not the {spec.title} file: {problem}.",
                            hint=f"Replace it with a copy of {spec.url}, or remove it.",
                        )
                    return ResolvedData(name, str(candidate), "data-dir", spec.url, looked=looked)

        # 2. The cache: a broken copy is moved aside and fetched again.
        cached = self.cache_dir / spec.relpath
        looked.append(str(cached))
        if cached.is_file():
            problem = check_layout(spec, cached)
            if problem is None:
                return ResolvedData(name, str(cached), "cache", spec.url, looked=looked)
            self._move_aside(cached)

        # 3. A download into the cache.
        failure = ""
        if self.download_enabled:
            url = self.download_url(spec)
            looked.append(url)
            try:
                self._download(spec, url, cached, progress)
                return ResolvedData(
                    name, str(cached), "download", spec.url, note=f"Downloaded from {url}.", looked=looked
                )
            except DataError:
                raise
            except Exception as exc:  # network trouble of any kind
                failure = _network_reason(exc)

        # 4. The cars stand-in, only with no network.
        if spec.name == "cars":
            path = self._build_cars_standin()
            if path is not None:
                why = f"the download failed ({failure})" if failure else "downloads are off"
                return ResolvedData(
                    name,
                    str(path),
                    "stand-in",
                    spec.url,
                    note=(
                        f"No copy of {spec.filename} was found and {why}, so the lab built a stand-in from the "
                        "vega-datasets package: the same 406 cars of the auto-mpg data, economy_20mpg = 1 where "
                        "mpg > 20. Car names and the model year of about 30 cars differ from H2O's file."
                    ),
                    looked=looked,
                )

        where = "; ".join(looked)
        message = f"The {spec.title} file ({spec.filename}) was not found. Looked in: {where}."
        if failure:
            message += f" The download failed: {failure}."
        elif not self.download_enabled:
            message += " Downloads are off (--offline)."
        raise DataError(message, hint=staging_hint(spec))

    @staticmethod
    def _candidates(directory: Path, spec: DatasetSpec) -> list[Path]:
        first = directory / spec.relpath
        flat = directory / spec.filename
        return [first] if first == flat else [first, flat]

    @staticmethod
    def _move_aside(path: Path) -> None:
        try:
            path.replace(path.with_name(path.name + f".bad-{int(time.time())}"))
        except OSError:
            try:
                path.unlink()
            except OSError:
                pass

    def _download(self, spec: DatasetSpec, url: str, target: Path, progress: DownloadProgress | None) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(
                f"Cannot create the cache directory {target.parent}: {exc.strerror}.",
                hint="Set XDG_CACHE_HOME to a writable directory, or stage the data with --data-dir.",
            ) from None
        import urllib.error  # noqa: PLC0415 - with http.client and ssl, a tenth of the start-up
        import urllib.request  # noqa: PLC0415

        partial = target.with_name(f".{target.name}.part-{os.getpid()}")
        request = urllib.request.Request(url, headers={"User-Agent": "h2o-lab"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                total = response.headers.get("Content-Length")
                total_bytes = int(total) if total and total.isdigit() else None
                done = 0
                with open(partial, "wb") as out:
                    while True:
                        chunk = response.read(_CHUNK)
                        if not chunk:
                            break
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total_bytes)
                    out.flush()
                    os.fsync(out.fileno())
            if total_bytes is not None and done != total_bytes:
                raise DataError(f"The download from {url} stopped after {done:,} of {total_bytes:,} bytes.")
            problem = check_layout(spec, partial)
            if problem:
                raise DataError(
                    f"The file downloaded from {url} is not the {spec.title} file: {problem}.",
                    hint=staging_hint(spec),
                )
            os.replace(partial, target)
        except OSError as exc:
            if isinstance(exc, urllib.error.URLError) or not isinstance(exc, (PermissionError, IsADirectoryError)):
                if getattr(exc, "errno", None) == 28:  # ENOSPC
                    raise DataError(f"The disk is full while saving {target}.") from None
                raise
            raise DataError(f"Cannot write {target}: {exc.strerror}.") from None
        finally:
            try:
                partial.unlink()
            except OSError:
                pass

    def _build_cars_standin(self) -> Path | None:
        target = self.cache_dir / "cars_20mpg.standin.csv"
        if target.is_file() and check_layout(REGISTRY["cars"], target) is None:
            return target
        try:
            frame = cars_standin_frame()
        except Exception:
            return None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part-{os.getpid()}")
            frame.to_csv(partial, index=False, quoting=csv.QUOTE_NONNUMERIC, na_rep="")
            os.replace(partial, target)
        except OSError:
            return None
        return target


def cars_standin_frame():
    """The auto-mpg cars from ``vega-datasets`` in the layout of H2O's cars_20mpg.csv."""
    import pandas as pd  # noqa: PLC0415
    from vega_datasets import local_data  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside vega-datasets
        src = local_data.cars()
    mpg = src["Miles_per_Gallon"]
    economy_20mpg = pd.Series(pd.NA, index=src.index, dtype="Int64")
    economy_20mpg[mpg.notna()] = (mpg[mpg.notna()] > 20).astype("int64")
    return pd.DataFrame(
        {
            "name": src["Name"].astype(str),
            "economy": mpg,
            "cylinders": src["Cylinders"].astype("int64"),
            "displacement": src["Displacement"].astype(float),
            "power": src["Horsepower"].astype("Int64"),
            "weight": src["Weight_in_lbs"].astype("int64"),
            "acceleration": src["Acceleration"].astype(float),
            "year": (pd.to_datetime(src["Year"]).dt.year % 100).astype("int64"),
            "economy_20mpg": economy_20mpg,
        }
    )


def _network_reason(exc: BaseException) -> str:
    import urllib.error  # noqa: PLC0415

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return f"no network ({reason})" if not isinstance(reason, str) else reason
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__
