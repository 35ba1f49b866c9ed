"""A small REST client for the calls h2o-lab makes itself (status, health, job polling).

h2o-py's own connection has no timeout once connected; the calls here must fail fast so that a
lost cluster is noticed within seconds. The password lives only in this object's session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.lab.errors import ClusterError

if TYPE_CHECKING:
    pass


class ClusterUnreachable(ClusterError):
    """The cluster did not answer (refused, timed out, or went away).

    ``timed_out`` tells a cluster that is only slow (it took the connection but not answered in
    time: a busy machine, a long garbage collection) from one that is not there at all.
    """

    def __init__(self, message: str, *, hint: str = "", detail: str = "", timed_out: bool = False) -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.timed_out = timed_out


class Rest:
    def __init__(
        self,
        url: str,
        auth: tuple[str, str] | None = None,
        verify: bool = True,
        timeout: float = 5.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        import requests  # noqa: PLC0415 - a tenth of a second the first screen need not wait for

        self._requests = requests
        self._session = requests.Session()
        self._session.auth = auth
        self._session.verify = verify
        if not verify:
            # The learner asked for --insecure; saying so on every request helps no one.
            import urllib3  # noqa: PLC0415

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        # The lab never goes through a proxy to reach its cluster by accident.
        self._session.trust_env = False

    def get(self, path: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> dict:
        return self._call("GET", path, params=params, timeout=timeout)

    def post(self, path: str, data: dict[str, Any] | None = None, timeout: float | None = None) -> dict:
        return self._call("POST", path, data=data, timeout=timeout)

    def delete(self, path: str, timeout: float | None = None) -> dict:
        return self._call("DELETE", path, timeout=timeout)

    def _call(self, method: str, path: str, timeout: float | None = None, **kwargs: Any) -> dict:
        try:
            response = self._session.request(method, self.url + path, timeout=timeout or self.timeout, **kwargs)
        except self._requests.RequestException as exc:
            raise ClusterUnreachable(
                f"The cluster at {self.url} did not answer ({type(exc).__name__}).",
                detail=str(exc),
                timed_out=isinstance(exc, self._requests.Timeout),
            ) from None
        if response.status_code == 401:
            raise ClusterError(f"The cluster at {self.url} refused the credentials (HTTP 401).")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            message = ""
            if isinstance(body, dict):
                message = str(body.get("exception_msg") or body.get("msg") or "")
            raise ClusterError(
                f"H2O answered {method} {path} with HTTP {response.status_code}.",
                detail=message or response.text[:2000],
            )
        return body if isinstance(body, dict) else {}

    def close(self) -> None:
        self._session.close()
