"""A class on one H2O cloud: ``h2o-lab class`` prepares it, two nodes on loopback form it, a learner works on it.

The teacher's files come from the command itself (logins, flatfile, start script); the two JVMs are started with
that script, as a teacher would on two machines. A learner's lab joins with ``--url`` and their own user in a
process of its own (as on the learner's machine): it imports the cars, trains steps 3 and 4, continues step 4's
run, trains and evaluates step 12, and quits. Then the cloud holds nothing of that learner's, and another
learner's frame is untouched.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screens.cluster import status_rows
from tests.helpers import jvms_with
from tui.lab.cluster import ClusterStatus
from tui.lab.errors import LabError
from tui.lab.rest import Rest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"

LEARNER = r"""
import json, sys
from pathlib import Path
from tui.lab.cluster import ClusterOptions
from tui.lab.params import canonical
from tui.lab.service import Lab, LabConfig
from tui.lab.steps import step
from tui.lab.training import DONE

url, user, password, data, tmp = sys.argv[1:6]
tmp = Path(tmp)
lab = Lab(LabConfig(cluster=ClusterOptions(url=url, user=user, password=password), data_dir=Path(data),
                    download=False, log_dir=tmp / "logs", journal_path=tmp / "journal.sqlite3",
                    models_dir=tmp / "models"))
out = {}
try:
    status = lab.start_cluster()
    out["status"] = status.to_dict()
    lab.load_cars()
    metas = {m.name: m for m in lab.param_metas()}
    runs = []
    for number in (3, 4, 12):
        spec = step(number).spec()
        spec.params = canonical(spec.params, metas)
        spec.params["epochs"] = 1.0
        run = lab.train(spec)
        assert run.status == DONE, (number, run.error)
        runs.append(run)
        if number == 4:
            more = lab.continue_params(run)
            more["epochs"] = 2.0
            continued = step(4).spec()
            continued.params = {**more, "checkpoint": run.model_id}
            again = lab.train(continued)
            assert again.status == DONE, again.error
            assert again.checkpoint_of == run.run_id
            runs.append(again)
    evaluation = lab.evaluate(runs[-1])
    out["auc"] = evaluation.auc_h2o
    out["models"] = [r.model_id for r in runs]
    out["frames"] = lab.data.made_keys()
    out["code"] = runs[0].code
finally:
    lab.close()
print("RESULT " + json.dumps(out))
"""


def _free_port_pair(avoid: set[int]) -> int:
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port > 65000 or {port, port + 1} & avoid:
            continue
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two free ports side by side")


def _keys(rest: Rest) -> set[str]:
    frames = rest.get("/3/Frames")["frames"]
    models = rest.get("/3/Models")["models"]
    return {f["frame_id"]["name"] for f in frames} | {m["model_id"]["name"] for m in models}


def test_a_learner_on_a_two_node_class_cloud_leaves_nothing_behind(tmp_path, capsys):
    from tui.class_cli import main as class_main
    from tui.lab.java import find_java

    first = _free_port_pair(set())
    second = _free_port_pair({first, first + 1, first + 2})
    name = f"h2o-lab-cloud-{os.getpid()}"
    folder = tmp_path / "class"
    nodes = f"127.0.0.1:{first},127.0.0.1:{second}"
    argv = ["--learners", "alice,bob", "--nodes", nodes, "--host", "127.0.0.1", "--max-mem", "512m"]
    assert class_main([*argv, "--name", name, "--output", str(folder)]) == 0
    said = capsys.readouterr().out
    assert f"h2o-lab --url http://127.0.0.1:{first} --user alice" in said
    assert "start-h2o.sh HOST:PORT" in said

    # The teacher's files: logins hashed, passwords private, one line per node.
    passwords = dict(line.split() for line in (folder / "passwords.txt").read_text().splitlines())
    assert set(passwords) == {"alice", "bob"}
    users = (folder / "users.properties").read_text()
    assert all(p not in users for p in passwords.values()) and users.count(": MD5:") == 2
    for private in ("passwords.txt", "users.properties"):
        assert stat.S_IMODE((folder / private).stat().st_mode) == 0o600
    assert (folder / "flatfile.txt").read_text().split() == nodes.split(",")

    env = {**os.environ, "JAVA": find_java().path}
    jvms = []
    try:
        for node in nodes.split(","):
            log = open(tmp_path / f"node-{node.rsplit(':', 1)[1]}.log", "wb")
            jvms.append(
                subprocess.Popen(
                    ["sh", str(folder / "start-h2o.sh"), node],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            )
        bob = Rest(f"http://127.0.0.1:{first}", auth=("bob", passwords["bob"]), timeout=5.0)
        deadline = time.monotonic() + 150
        cloud: dict = {}
        while time.monotonic() < deadline:
            assert all(j.poll() is None for j in jvms), "a node stopped while the cloud formed"
            try:
                cloud = bob.get("/3/Cloud")
                if cloud.get("cloud_size") == 2 and cloud.get("consensus"):
                    break
            except LabError:
                pass
            time.sleep(0.5)
        assert cloud.get("cloud_size") == 2, cloud
        with pytest.raises(LabError, match=r"refused the credentials"):
            Rest(f"http://127.0.0.1:{first}", auth=("alice", "not-her-password"), timeout=5.0).get("/3/Cloud")

        # Another learner's frame, made before alice comes.
        job = bob.post(
            "/3/CreateFrame",
            data={"dest": "bob_frame", "rows": 20, "cols": 2, "seed": 1, "categorical_fraction": 0,
                  "integer_fraction": 0, "binary_fraction": 0, "time_fraction": 0, "string_fraction": 0,
                  "missing_fraction": 0, "has_response": "false"},
        )  # fmt: skip
        key = job["key"]["name"]
        while bob.get(f"/3/Jobs/{key}")["jobs"][0]["status"] in ("CREATED", "RUNNING"):
            time.sleep(0.2)
        before = _keys(bob)
        assert "bob_frame" in before

        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", LEARNER, f"http://127.0.0.1:{first}", "alice", passwords["alice"],
             str(TEST_DATA), str(tmp_path)],
            capture_output=True, text=True, timeout=400, cwd=ROOT,
        )  # fmt: skip
        took = time.monotonic() - started
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
        assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
        result = json.loads(lines[-1][len("RESULT ") :])
        print(f"the learner's work on the two-node cloud took {took:.1f} s")

        status = ClusterStatus.from_dict(result["status"])
        assert status.nodes == 2 and status.cores >= 2 and status.cloud_name == name and not status.own
        rows = dict(status_rows(status, "ready"))  # what step 1 shows the learner
        assert rows["Nodes"] == "2" and str(rows["Health"]) == "healthy"
        assert "not started by h2o-lab: it is left running" in str(rows["Cluster"])
        assert result["auc"] > 0.5
        assert len(result["models"]) == 4 and all("alice" in m for m in result["models"])
        assert result["frames"] and all("alice" in f for f in result["frames"])
        assert "h2o.upload_file(" in result["code"]  # the cloud cannot read the learner's files: they are sent
        after = _keys(bob)
        assert after == before, f"left on the cloud: {sorted(after - before)}; gone: {sorted(before - after)}"
        assert not [k for k in after if "alice" in k]
    finally:
        for jvm in jvms:
            try:
                os.killpg(jvm.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for jvm in jvms:
            try:
                jvm.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(jvm.pid, signal.SIGKILL)
    assert jvms_with(name) == []
