"""An existing H2O cluster given with ``--url`` (remote, multi-node, Hadoop, Kubernetes): never stopped by the lab."""

from __future__ import annotations

import urllib.parse

from tui.lab.cluster import CLOUD_PARAMS, Cluster, ClusterOptions, ClusterStatus, Progress, status_from_cloud
from tui.lab.errors import ClusterError
from tui.lab.rest import Rest

_NETWORK_REASONS = (
    ("Connection refused", "connection refused: nothing listens on that port"),
    ("Name or service not known", "the host name is unknown"),
    ("nodename nor servname", "the host name is unknown"),
    ("Temporary failure in name resolution", "the host name could not be looked up"),
    ("No route to host", "no route to that host"),
    ("Network is unreachable", "the network is unreachable"),
    ("Connection reset", "the connection was reset"),
    ("timed out", "the connection timed out"),
)


def _network_reason(text: str) -> str:
    """The cause inside a requests error, in a few plain words ("" when it is none of the usual ones)."""
    return next((plain for needle, plain in _NETWORK_REASONS if needle.lower() in text.lower()), "")


class RemoteCluster(Cluster):
    """An existing cluster at ``--url``. The lab never stops it or deletes what it did not create."""

    own = False

    def __init__(self, options: ClusterOptions) -> None:
        super().__init__()
        self.options = options
        self.url = options.url.rstrip("/") if options.url else ""

    def start(self, progress: Progress | None = None, timeout: float = 15.0, connect: bool = True) -> ClusterStatus:
        say = progress or (lambda _msg: None)
        auth = (self.options.user, self.options.password or "") if self.options.user else None
        verify = not self.options.insecure
        say(f"Connecting to {self.url}")
        self.rest = Rest(self.url, auth=auth, verify=verify, timeout=timeout)
        status = self._preflight()
        if connect:
            self._connect_h2o(auth, verify)
        return status

    def _preflight(self) -> ClusterStatus:
        import requests  # noqa: PLC0415

        assert self.rest is not None
        host = urllib.parse.urlsplit(self.url).netloc
        try:
            response = self.rest._session.get(self.url + "/3/Cloud", params=CLOUD_PARAMS, timeout=self.rest.timeout)
        except requests.exceptions.SSLError as exc:
            raise ClusterError(
                f"The TLS certificate of {host} could not be verified.",
                hint="If you trust this cluster (for example a self-signed certificate), add --insecure.",
                detail=str(exc),
            ) from None
        except requests.exceptions.Timeout:
            raise ClusterError(
                f"{self.url} did not answer within {self.rest.timeout:.0f} s.",
                hint="Check the address and that the cluster is running.",
            ) from None
        except requests.exceptions.RequestException as exc:
            reason = _network_reason(str(exc))
            raise ClusterError(
                f"Could not reach {self.url}" + (f" ({reason})." if reason else "."),
                hint="Check the address and port, that the cluster runs, and that no firewall is in the way.",
                detail="" if reason else str(exc),
            ) from None
        if response.status_code in (401, 403):
            if self.options.user:
                raise ClusterError(
                    f"{host} refused the credentials of user '{self.options.user}' (HTTP {response.status_code}).",
                    hint="Check --user and the password (H2O_LAB_PASSWORD, or the prompt).",
                )
            raise ClusterError(
                f"{host} asks for credentials (HTTP {response.status_code}).",
                hint="Give a user with --user; the password comes from H2O_LAB_PASSWORD or a prompt.",
            )
        try:
            cloud = response.json()
        except ValueError:
            cloud = None
        if response.status_code != 200 or not isinstance(cloud, dict) or "cloud_name" not in cloud:
            raise ClusterError(
                f"{self.url} answered, but not like an H2O-3 cluster (HTTP {response.status_code}).",
                hint="Check the address: it should be H2O's own port (54321 by default), with http or https.",
            )
        return status_from_cloud(cloud, self.url, own=False)

    def stop(self, wait: bool = True) -> None:
        """Only disconnect: a cluster the lab did not start is never shut down (``wait`` changes nothing)."""
        self._disconnect_h2o()
        if self.rest is not None:
            self.rest.close()
