"""One H2O cluster for a whole class: the logins, the files and the commands a teacher needs.

A private cluster per learner costs a JVM each; on a shared lab VM, or when the department runs one big
machine or a multi-node cloud, one cluster serves everybody. :func:`plan_class` makes a login per learner
(a random password each) and :func:`write_class` writes, into one directory:

- ``users.properties``: the cluster's login file for H2O's hash login (Jetty's ``MD5:`` form; no password in it),
- ``passwords.txt``: each learner's user and password, for the teacher to hand out (mode 0600),
- ``flatfile.txt`` (a multi-node cloud only): every node's address and port, which is how H2O nodes find each other,
- ``start-h2o.sh``: the command that starts H2O on the machine (or on each node) with these files,
- ``learners.txt``: the command each learner types to join.

On the cluster, a learner's frames and models carry the learner's user name, and their quit removes what they made
(:mod:`tui.lab.tidy`), so learners never see or remove each other's work.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
import shlex
import socket
from dataclasses import dataclass, field
from pathlib import Path

from tui.lab.cluster import memory_bytes

USER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")
DEFAULT_PORT = 54321
# A learner's share of the class cluster's heap: cars, MNIST (about 25 MiB compressed in H2O), their models.
HEAP_PER_LEARNER = 256 * 2**20
MIN_CLASS_HEAP = 2 * 2**30


class ClassError(ValueError):
    """A mistake in what the teacher asked for; the message says which and how to put it right."""


@dataclass
class ClassPlan:
    """What the class cluster is: its name, its nodes, its heap per node and its learners with their passwords."""

    name: str
    port: int
    heap: str
    nodes: list[str] = field(default_factory=list)  # "host:port" of every node; empty: one machine
    host: str = ""  # the address learners use
    passwords: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def heap_bytes(self) -> int:
        return memory_bytes(self.heap)

    @property
    def learners(self) -> list[str]:
        return list(self.passwords)


def learner_names(names: list[str] | None = None, count: int | None = None) -> list[str]:
    """The learners' user names: the ones given (checked), or ``learner01`` … for ``count`` learners."""
    if names:
        seen: set[str] = set()
        for name in names:
            if not USER_NAME.match(name):
                raise ClassError(
                    f"'{name}' cannot be a user name: use a letter, then letters, digits, '.', '_' or '-' (32 at most)"
                )
            if name.lower() in seen:
                raise ClassError(f"'{name}' is given twice")
            seen.add(name.lower())
        return list(names)
    if count is None or count < 1:
        raise ClassError("name the learners (--learners alice,bob) or give how many (--count 20)")
    if count > 500:
        raise ClassError(f"{count} learners is more than one H2O cluster should serve; split the class (500 at most)")
    width = max(2, len(str(count)))
    return [f"learner{i:0{width}d}" for i in range(1, count + 1)]


def parse_nodes(text: str, port: int) -> list[str]:
    """``host1,host2:54400`` -> ``["host1:54321", "host2:54400"]``; at least two nodes, each once."""
    nodes = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        host, _, given = part.partition(":")
        if not host or not re.match(r"^[A-Za-z0-9_.-]+$", host):
            raise ClassError(f"'{part}' is not a node address; use HOST or HOST:PORT, separated by commas")
        if given:
            if not given.isdigit() or not 1024 <= int(given) <= 65534:
                raise ClassError(f"'{part}' has an invalid port; use one from 1024 to 65534")
            node_port = int(given)
        else:
            node_port = port
        nodes.append(f"{host}:{node_port}")
    if len(nodes) < 2:
        raise ClassError("a multi-node cloud needs two nodes or more (leave --nodes out for one machine)")
    if len(set(nodes)) != len(nodes):
        raise ClassError("a node is given twice")
    return nodes


def class_heap(learners: int) -> str:
    """A heap per node for ``learners``: 256 MiB each, at least 2g, in whole gigabytes."""
    return f"{math.ceil(max(MIN_CLASS_HEAP, learners * HEAP_PER_LEARNER) / 2**30)}g"


def plan_class(
    learners: list[str],
    name: str = "h2o-lab-class",
    port: int = DEFAULT_PORT,
    heap: str | None = None,
    nodes: list[str] | None = None,
    host: str | None = None,
) -> ClassPlan:
    """A plan with a fresh random password per learner."""
    if not re.match(r"^[A-Za-z0-9_.-]{1,64}$", name):
        raise ClassError(f"'{name}' cannot be a cluster name: use letters, digits, '.', '_' or '-'")
    nodes = list(nodes or [])
    if host is None:
        host = nodes[0].rsplit(":", 1)[0] if nodes else socket.getfqdn() or "localhost"
    first_port = int(nodes[0].rsplit(":", 1)[1]) if nodes else port
    return ClassPlan(
        name=name,
        port=first_port,
        heap=heap or class_heap(len(learners)),
        nodes=nodes,
        host=host,
        passwords={user: secrets.token_urlsafe(9) for user in learners},
    )


def realm_line(user: str, password: str) -> str:
    """One line of a Jetty login file in its hashed form: H2O's hash login checks a password against it."""
    digest = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{user}: MD5:{digest}"


def start_script(plan: ClassPlan, jar: Path | str, java: str = "java") -> str:
    """``start-h2o.sh``: starts one H2O node with the class's login file (and flatfile, on a cloud)."""
    lines = [
        "#!/bin/sh",
        f"# Starts H2O for the class '{plan.name}' ({len(plan.learners)} learners, heap {plan.heap} per node).",
        "# JAVA: a Java 8-17 (default: the one h2o-lab found). H2O_JAR: H2O's engine, from the h2o Python package.",
        'cd "$(dirname "$0")" || exit 1',
        f'JAVA="${{JAVA:-{java}}}"',
        f'H2O_JAR="${{H2O_JAR:-{jar}}}"',
    ]
    common = (
        f'"$JAVA" -Xmx{plan.heap} -Dsys.ai.h2o.telemetry.disabled=true -jar "$H2O_JAR" -name {shlex.quote(plan.name)}'
        " -hash_login -login_conf users.properties"
    )
    if plan.nodes:
        lines += [
            "# On each node, with that node's line of flatfile.txt: ./start-h2o.sh HOST:PORT",
            'if [ $# -ne 1 ]; then echo "usage: $0 HOST:PORT (this node\'s line of flatfile.txt)" >&2; exit 2; fi',
            'NODE_IP="${1%:*}"',
            'NODE_PORT="${1##*:}"',
            f'exec {common} -flatfile flatfile.txt -ip "$NODE_IP" -port "$NODE_PORT"',
        ]
    else:
        lines.append(f"exec {common} -port {plan.port}")
    return "\n".join(lines) + "\n"


def learner_lines(plan: ClassPlan) -> list[str]:
    return [f"{user}: h2o-lab --url {plan.url} --user {user}" for user in plan.learners]


def write_class(plan: ClassPlan, directory: Path, jar: Path | str, java: str = "java") -> list[Path]:
    """Write the class's files into ``directory`` (created, or empty of them); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    names = ["users.properties", "passwords.txt", "start-h2o.sh", "learners.txt"] + (
        ["flatfile.txt"] if plan.nodes else []
    )
    there = [n for n in names if (directory / n).exists()]
    if there:
        raise ClassError(
            f"{directory} already holds {', '.join(there)}: choose another --output, or remove them "
            "(learners of the class it was made for would lose their logins)"
        )
    users = "".join(realm_line(u, p) + "\n" for u, p in plan.passwords.items())
    width = max(len(u) for u in plan.learners)
    passwords = "".join(f"{u:<{width}}  {p}\n" for u, p in plan.passwords.items())
    contents = {
        "users.properties": (users, 0o600),
        "passwords.txt": (passwords, 0o600),
        "start-h2o.sh": (start_script(plan, jar, java), 0o755),
        "learners.txt": ("\n".join(learner_lines(plan)) + "\n", 0o644),
    }
    if plan.nodes:
        contents["flatfile.txt"] = ("\n".join(plan.nodes) + "\n", 0o644)
    written = []
    for name, (text, mode) in contents.items():
        path = directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(path, mode)
        written.append(path)
    return written
