"""``h2o-lab class``: what a teacher gets wrong is said at the flag or the line, and nothing is overwritten."""

from __future__ import annotations

import hashlib
import stat

import pytest

from tui.class_cli import main as class_main
from tui.lab.classroom import ClassError, class_heap, learner_names, parse_nodes, plan_class, realm_line


def test_learners_are_named_or_counted():
    assert learner_names(count=3) == ["learner01", "learner02", "learner03"]
    assert learner_names(count=120)[-1] == "learner120"
    assert learner_names(["alice", "bob.k", "c_3"]) == ["alice", "bob.k", "c_3"]
    for names, said in (
        (["alice", "Alice"], "given twice"),
        (["9lives"], "cannot be a user name"),
        (["a b"], "cannot be a user name"),
        (["a:b"], "cannot be a user name"),
    ):
        with pytest.raises(ClassError, match=said):
            learner_names(names)
    with pytest.raises(ClassError, match="--count"):
        learner_names(count=0)


def test_nodes_and_heap():
    assert parse_nodes("n1,n2:54400", 54321) == ["n1:54321", "n2:54400"]
    for text, said in (
        ("n1", "two nodes or more"),
        ("n1,n1", "twice"),
        ("n1,n2:80", "invalid port"),
        ("n1,/x", "not a node"),
    ):
        with pytest.raises(ClassError, match=said):
            parse_nodes(text, 54321)
    assert class_heap(3) == "2g" and class_heap(8) == "2g" and class_heap(9) == "3g" and class_heap(40) == "10g"


def test_the_login_file_holds_digests_the_passwords_file_the_passwords():
    plan = plan_class(["alice", "bob"], host="lab-vm")
    assert plan.url == "http://lab-vm:54321" and plan.heap == "2g"
    assert len(set(plan.passwords.values())) == 2
    line = realm_line("alice", "secret")
    assert line == f"alice: MD5:{hashlib.md5(b'secret').hexdigest()}"


def test_the_class_command_writes_the_files_and_says_what_to_do(tmp_path, capsys):
    out = tmp_path / "monday"
    assert class_main(["--count", "3", "--output", str(out), "--host", "lab-vm"]) == 0
    said = capsys.readouterr().out
    assert "3 learners, a 2g heap per node" in said
    assert "h2o-lab --url http://lab-vm:54321 --user learner01" in said
    assert f"{out}/start-h2o.sh" in said
    names = sorted(p.name for p in out.iterdir())
    assert names == ["learners.txt", "passwords.txt", "start-h2o.sh", "users.properties"]
    passwords = dict(line.split() for line in (out / "passwords.txt").read_text().splitlines())
    users = (out / "users.properties").read_text()
    for user, password in passwords.items():
        assert realm_line(user, password) in users and password not in users
    assert stat.S_IMODE((out / "passwords.txt").stat().st_mode) == 0o600
    script = (out / "start-h2o.sh").read_text()
    assert "-hash_login -login_conf users.properties -port 54321" in script and "-Xmx2g" in script
    assert "learner03: h2o-lab --url http://lab-vm:54321 --user learner03" in (out / "learners.txt").read_text()

    # Again into the same folder: the logins the class already has are not replaced.
    with pytest.raises(SystemExit) as code:
        class_main(["--count", "3", "--output", str(out)])
    assert code.value.code == 2
    assert "already holds" in capsys.readouterr().err
    assert dict(line.split() for line in (out / "passwords.txt").read_text().splitlines()) == passwords


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([], "give the learners one way"),
        (["--count", "2", "--learners", "a,b"], "give the learners one way"),
        (["--learners", "alice,alice"], "given twice"),
        (["--learners", " , "], "cannot be a user name"),
        (["--count", "2", "--nodes", "one"], "two nodes or more"),
        (["--count", "2", "--max-mem", "lots"], "is not a memory size"),
        (["--count", "2", "--port", "80"], "not a port"),
        (["--count", "2", "--name", "my class"], "cannot be a cluster name"),
        (["--learners-file", "/no/such/roster.txt"], "roster.txt"),
    ],
)
def test_mistakes_are_said_at_the_flag(argv, said, tmp_path, capsys):
    with pytest.raises(SystemExit) as code:
        class_main([*argv, "--output", str(tmp_path / "out")])
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_roster_file_is_checked_line_by_line(tmp_path, capsys):
    roster = tmp_path / "roster.txt"
    roster.write_text("# Monday group\nalice\n\nbob   # late\nc d\n")
    with pytest.raises(SystemExit):
        class_main(["--learners-file", str(roster), "--output", str(tmp_path / "out")])
    assert "roster.txt, line 5: 'c d' cannot be a user name" in capsys.readouterr().err
    roster.write_text("# Monday group\nalice\n\nbob   # late\n")
    assert class_main(["--learners-file", str(roster), "--output", str(tmp_path / "out")]) == 0
    assert "2 learners" in capsys.readouterr().out
