"""Finding the data: staged directory, cache, download (from a local server), the offline stand-in, bad files."""

from __future__ import annotations

import collections
import gzip
import hashlib
import shutil
from pathlib import Path

import pytest

from tests.helpers import MNIST_SAMPLE_COUNTS, TEST_DATA, free_port, serve_directory
from tui.lab.data_files import REGISTRY, check_layout
from tui.lab.datasets import DataResolver, cars_standin_frame
from tui.lab.errors import DataError

CARS = REGISTRY["cars"]
MNIST_TEST = REGISTRY["mnist-test"]
CARS_TEXT = (
    '"name","economy","cylinders","displacement","power","weight","acceleration","year","economy_20mpg"\n'
    '"AMC Ambassador Brougham",13.0,8,360.0,175,3821,11.0,73,0\n'
    '"AMC Concord DL 6",20.2,6,232.0,90,3265,18.2,79,1\n'
)
MNIST_ROW = ",".join(["0"] * 784 + ["7"]) + "\n"


def offline_url() -> str:
    """An address on this machine where nothing listens: a download from it fails at once."""
    return f"http://127.0.0.1:{free_port()}/"


def write_cars(directory: Path, text: str = CARS_TEXT) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "cars_20mpg.csv"
    path.write_text(text)
    return path


def write_mnist(directory: Path, rows: int = 3) -> Path:
    path = directory / "mnist" / "test.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as fh:
        fh.write(MNIST_ROW * rows)
    return path


def test_staged_directory_comes_first(tmp_path):
    staged = write_cars(tmp_path / "staged")
    write_cars(tmp_path / "cache")
    found = DataResolver(tmp_path / "staged", tmp_path / "cache", download=False).resolve("cars")
    assert found.path == str(staged) and found.source == "data-dir"


def test_flat_layout_in_the_staged_directory_is_accepted(tmp_path):
    path = tmp_path / "staged" / "test.csv.gz"
    path.parent.mkdir()
    with gzip.open(path, "wt") as fh:
        fh.write(MNIST_ROW)
    found = DataResolver(tmp_path / "staged", tmp_path / "cache", download=False).resolve("mnist-test")
    assert found.path == str(path)


def test_cache_is_used_when_nothing_is_staged(tmp_path):
    cached = write_cars(tmp_path / "cache")
    found = DataResolver(tmp_path / "empty", tmp_path / "cache", download=False).resolve("cars")
    assert found.path == str(cached) and found.source == "cache"


def test_download_from_a_local_server_goes_to_the_cache(tmp_path):
    mirror = tmp_path / "mirror"
    write_cars(mirror)
    seen = []
    with serve_directory(mirror) as url:
        resolver = DataResolver(None, tmp_path / "cache", mirror=url)
        found = resolver.resolve("cars", lambda done, total: seen.append((done, total)))
    assert found.source == "download" and Path(found.path) == tmp_path / "cache" / "cars_20mpg.csv"
    assert Path(found.path).read_text() == CARS_TEXT
    assert seen and seen[-1] == (len(CARS_TEXT), len(CARS_TEXT))
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["cars_20mpg.csv"], "no partial file is left"


def test_download_of_a_real_mnist_file(tmp_path):
    with serve_directory(TEST_DATA) as url:
        found = DataResolver(None, tmp_path / "cache", mirror=url).resolve("mnist-test")
    assert found.source == "download"
    assert Path(found.path).read_bytes() == (TEST_DATA / "mnist" / "test.csv.gz").read_bytes()


def test_a_downloaded_file_with_the_wrong_layout_is_rejected_and_not_kept(tmp_path):
    mirror = tmp_path / "mirror"
    write_cars(mirror, "a,b,c\n1,2,3\n")
    with serve_directory(mirror) as url:
        with pytest.raises(DataError) as err:
            DataResolver(None, tmp_path / "cache", mirror=url).resolve("cars")
    assert "header does not match" in err.value.message
    assert not any((tmp_path / "cache").iterdir())


def test_a_broken_cached_copy_is_moved_aside_and_fetched_again(tmp_path):
    write_cars(tmp_path / "cache", "garbage\n")
    mirror = tmp_path / "mirror"
    write_cars(mirror)
    with serve_directory(mirror) as url:
        found = DataResolver(None, tmp_path / "cache", mirror=url).resolve("cars")
    assert found.source == "download"
    assert any(p.name.startswith("cars_20mpg.csv.bad-") for p in (tmp_path / "cache").iterdir())


def test_offline_cars_falls_back_to_the_vega_stand_in(tmp_path):
    found = DataResolver(None, tmp_path / "cache", mirror=offline_url()).resolve("cars")
    assert found.source == "stand-in" and found.standin
    assert "vega-datasets" in found.note and "download failed" in found.note
    assert check_layout(CARS, Path(found.path)) is None


def test_the_stand_in_has_the_auto_mpg_shape():
    frame = cars_standin_frame()
    assert len(frame) == 406
    assert list(frame.columns) == list(CARS.header)
    assert int(frame["economy"].isna().sum()) == 8 and int(frame["power"].isna().sum()) == 6
    counts = frame["economy_20mpg"].value_counts().to_dict()
    assert counts == {1: 238, 0: 160}
    assert (frame["economy_20mpg"].dropna() == (frame["economy"].dropna() > 20).astype(int)).all()


def test_missing_mnist_offline_says_which_file_where_and_how_to_stage(tmp_path):
    with pytest.raises(DataError) as err:
        DataResolver(tmp_path / "staged", tmp_path / "cache", mirror=offline_url()).resolve("mnist-test")
    message, hint = err.value.message, err.value.hint
    assert "test.csv.gz" in message
    assert str(tmp_path / "staged" / "mnist" / "test.csv.gz") in message
    assert str(tmp_path / "cache" / "mnist" / "test.csv.gz") in message
    assert "--data-dir" in hint and "H2O_LAB_DATA" in hint


def test_no_downloads_when_offline_is_asked(tmp_path):
    with pytest.raises(DataError) as err:
        DataResolver(None, tmp_path / "cache", download=False).resolve("mnist-train")
    assert "train.csv.gz" in err.value.message and "download failed" not in err.value.message
    assert "--offline" in err.value.message


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "empty"),
        (bytes(range(256)) * 10, "binary"),
        (b"a,b,c\n1,2,3\n", "header does not match"),
        (b"x" * (70 * 1024) + b"\n", "longer than"),
        (CARS_TEXT.encode().splitlines()[0] + b"\n", "no data rows"),
        (CARS_TEXT.encode() + b'"Short",1,2\n', "fields, expected 9"),
    ],
)
def test_bad_cars_files_get_a_clear_message_at_the_file(tmp_path, content, problem):
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "cars_20mpg.csv").write_bytes(content)
    with pytest.raises(DataError) as err:
        DataResolver(staged, tmp_path / "cache", download=False).resolve("cars")
    assert problem in err.value.message
    assert str(staged / "cars_20mpg.csv") in err.value.message


@pytest.mark.parametrize(
    "writer,problem",
    [
        (lambda p: p.write_bytes(MNIST_ROW.encode()), "not gzip-compressed"),
        (lambda p: p.write_bytes(gzip.compress(b"a,b\n1,2\n")), "fields, expected 785"),
        (lambda p: p.write_bytes(gzip.compress(",".join(f"c{i}" for i in range(785)).encode() + b"\n")), "a header"),
        (lambda p: p.write_bytes(b"\x1f\x8b" + b"\x00" * 40), "cannot be read"),
    ],
)
def test_bad_mnist_files_get_a_clear_message(tmp_path, writer, problem):
    path = tmp_path / "staged" / "mnist" / "test.csv.gz"
    path.parent.mkdir(parents=True)
    writer(path)
    with pytest.raises(DataError) as err:
        DataResolver(tmp_path / "staged", tmp_path / "cache", download=False).resolve("mnist-test")
    assert problem in err.value.message


def test_every_file_in_tests_data_passes_the_layout_check():
    for spec in REGISTRY.values():
        assert check_layout(spec, TEST_DATA / spec.relpath) is None, spec.name


# sha256 of H2O's cars file and of the CSV inside each MNIST sample (tests/data/README.md says how they were cut).
SHA256 = {
    "cars_20mpg.csv": "e558150d820ea7058d394e58d87ef314cb9fbc692480a7292b25ea7471ca962e",
    "mnist/train.csv.gz": "3e5a2c90f37ac673a0a9f3d8e0115d4fa6c69d703d149cce5dbf1df9ffd47cbe",
    "mnist/test.csv.gz": "432f163da9f3037a99fb03f24411180253fbb10a3361bf5361fa4ce49c63d8ee",
}


def test_the_test_data_is_byte_for_byte_what_its_readme_says():
    """A checkout that converted line endings, or a re-cut sample, shows here first."""
    for relpath, digest in SHA256.items():
        path = TEST_DATA / relpath
        content = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, relpath
        assert b"\r" not in content, relpath
        assert relpath in (TEST_DATA / "README.md").read_text() and digest in (TEST_DATA / "README.md").read_text()


@pytest.mark.parametrize("name,rows", [("train", 2000), ("test", 500)])
def test_the_mnist_sample_has_every_digit_in_h2os_layout(name, rows):
    path = TEST_DATA / "mnist" / f"{name}.csv.gz"
    raw = path.read_bytes()
    assert raw[3] & 0x08 == 0 and raw[4:8] == b"\0\0\0\0", "gzip without a file name, mtime 0 (reproducible)"
    with gzip.open(path, "rt") as fh:
        lines = fh.read().splitlines()
    assert len(lines) == rows
    labels = collections.Counter()
    for line in lines:
        values = line.split(",")
        assert len(values) == 785 and all(v.isdigit() and int(v) <= 255 for v in values)
        labels[int(values[-1])] += 1
    assert sorted(labels) == list(range(10)), "all ten digits"
    assert [labels[d] for d in range(10)] == MNIST_SAMPLE_COUNTS[name]


def test_unwritable_cache_is_a_clear_message(tmp_path):
    mirror = tmp_path / "mirror"
    write_cars(mirror)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    with serve_directory(mirror) as url:
        with pytest.raises(DataError) as err:
            DataResolver(None, blocker, mirror=url).resolve("cars")
    assert "cache directory" in err.value.message


def test_staging_a_copy_of_h2os_cars_file(tmp_path):
    staged = tmp_path / "class"
    staged.mkdir()
    shutil.copy(TEST_DATA / "cars_20mpg.csv", staged)
    assert DataResolver(staged, tmp_path / "cache", download=False).resolve("cars").source == "data-dir"
