"""What the benchmark parts share: a recorded emulator, provider hosts, component inputs, rows."""

from __future__ import annotations

import compileall
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi_servicestage
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.config import HOST_WORKERS
from pulumi_servicestage.emulator import (
    DEFAULT_PROJECT_ID,
    Emulator,
)
from pulumi_servicestage.emulator.server import serve_in_thread
from pulumi_servicestage.testing import ProviderHost, container_component

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

COMPONENT = ComponentProvider()
JOB_PATH_PREFIX = f"/v3/{DEFAULT_PROJECT_ID}/cas/jobs/"
# The Terraform provider (huaweicloud_servicestagev3_component) waits for a job with a
# StateChangeConf of PollInterval 10 s and no Delay: a look at once, then one every 10 s.
TERRAFORM_POLL_SECONDS = 10.0


@dataclass(frozen=True)
class Hit:
    """One request the emulator answered: when it arrived, what it asked, how it answered."""

    at: float
    method: str
    path: str
    status: int


class RecordingApp:
    """WSGI middleware that remembers every request, for per-job counts and error checks."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._hits: list[Hit] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        at = time.time()

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            hit = Hit(at, environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status.split()[0]))
            with self._lock:
                self._hits.append(hit)
            return start_response(status, headers, exc_info)

        return self._app(environ, recording_start_response)

    def hits(self, since: float = 0.0) -> list[Hit]:
        with self._lock:
            return [hit for hit in self._hits if hit.at >= since]

    def job_polls(self, job_id: str) -> int:
        path = JOB_PATH_PREFIX + job_id
        return sum(1 for hit in self.hits() if hit.method == "GET" and hit.path == path)


@dataclass
class ServedEmulator:
    emulator: Emulator
    url: str
    recorder: RecordingApp

    def stack_config(self, **extra: str) -> dict[str, str]:
        """The emulator's stack config: its request budget lifted, as every figure of this
        suite is measured unthrottled."""
        return {**Emulator.stack_config(self.url), **extra}

    def new_application(self, label: str) -> tuple[str, str]:
        """A fresh environment and application to put components in: (environment, application)."""
        backend = self.emulator.backend()
        environment = backend.create_environment(
            name=f"bench-{label}", vpc_id="vpc-bench", deploy_mode="container", creator="bench"
        )
        application = backend.create_application(name=f"bench-{label}", creator="bench")
        return environment.id, application.id

    def job_of(self, component_id: str) -> tuple[str, float]:
        """The id and end time of the job that deployed a component (`application/component`)."""
        application_id, own_id = component_id.split("/")
        job_id = self.emulator.backend().show_component(application_id, own_id).last_job_id
        ends_at = self.emulator.jobs.show(DEFAULT_PROJECT_ID, job_id).ends_at
        assert ends_at is not None, "benchmark jobs all end"
        return job_id, ends_at


@contextmanager
def served_emulator(job_seconds: float) -> Iterator[ServedEmulator]:
    emulator = Emulator(job_seconds=job_seconds)
    recorder = RecordingApp(emulator.wsgi_app)
    with serve_in_thread(recorder, host="127.0.0.1", port=0) as url:
        yield ServedEmulator(emulator, url, recorder)


def write_package_bytecode() -> None:
    """Compile the package wherever a host may import it from (the source tree when the host
    starts in it, the editable install's tree otherwise), as ``pip install`` does when it
    installs the package. Machines here set PYTHONDONTWRITEBYTECODE: every fresh host would
    compile the package from source at its first call (about 50 ms here), which no installed
    package does."""
    places = {
        Path(pulumi_servicestage.__file__).parent,
        Path(__file__).resolve().parents[1] / "pulumi_servicestage",
    }
    for place in places:
        compileall.compile_dir(place, quiet=1)


@contextmanager
def provider_host(
    served: ServedEmulator, *, call_timeout: float, **config: str
) -> Iterator[ProviderHost]:
    """A fresh provider host pointed at the emulator, importing the package's bytecode;
    `config` adds ``servicestage:`` keys."""
    write_package_bytecode()
    environment = {k: v for k, v in os.environ.items() if k not in HOST_WORKERS.env_vars}
    with ProviderHost(env=environment, call_timeout=call_timeout) as host:
        extra = {f"servicestage:{key}": value for key, value in config.items()}
        host.configure(
            served.stack_config(**extra),
            secret_keys=["servicestage:accessKey", "servicestage:secretKey"],
        )
        yield host


def component_inputs(environment_id: str, application_id: str, name: str) -> dict[str, Any]:
    return container_component(environment_id, application_id=application_id, name=name)


def check_request(host: ProviderHost, inputs: dict[str, Any]) -> Any:
    """The Check of a new component, built before a run's clock starts: the engine's own
    marshalling (a Go program's) is not the provider's cost."""
    return host.check_request(COMPONENT, None, inputs)


def deploy_component(host: ProviderHost, check: Any) -> str:
    """Check then create, as the engine does for a new resource, passing the checked inputs on
    as they came; the component's id."""
    checked = host.send("Check", check)
    if checked.failures:
        failures = [(f.property, f.reason) for f in checked.failures]
        raise RuntimeError(f"component inputs rejected: {failures}")
    created: str = host.send("Create", host.create_request_from(checked)).id
    return created


@dataclass(frozen=True)
class Row:
    """One line of the results table.

    `passed` is None where the figure has no target, or where this run's settings are not the
    ones the target is set for (`note` then says why).
    """

    part: int
    figure: str
    measured: str
    compared: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""


@dataclass
class RunSettings:
    """Sizes of one benchmark run; `quick()` trades fidelity for a shorter run."""

    job_seconds: float = 5.0
    sizes: tuple[int, ...] = (1, 8, 32, 64)
    stock: bool = True
    #: Whether the lag figures take fewer rounds of jobs (`job_wait.QUICK_ROUNDS`).
    quick_lag: bool = False
    long_job_seconds: float = 300.0
    long_jobs: int = 4
    preview_resources: int = 1000
    load_rate: float = 200.0
    load_seconds: float = 10.0

    @classmethod
    def quick(cls) -> RunSettings:
        return cls(
            job_seconds=2.0,
            stock=False,
            quick_lag=True,
            long_job_seconds=60.0,
            long_jobs=2,
            load_seconds=3.0,
        )

    @property
    def targets_apply(self) -> bool:
        """Whether jobs are as long as the targets assume (T = 5 s)."""
        return self.job_seconds == 5.0


def spread(count: int, low: float, high: float) -> list[float]:
    """`count` durations evenly over [low, high), at the middles of equal slices."""
    return [low + (high - low) * (index + 0.5) / count for index in range(count)]


def format_table(rows: list[Row]) -> str:
    """The rows as a Markdown table, ready to paste into the README."""
    header = ("#", "figure", "measured", "compared with", "target", "result")
    lines = [header, ("---",) * len(header)]
    for row in rows:
        verdict = {True: "PASS", False: "FAIL", None: "-"}[row.passed]
        if row.note:
            verdict += f" ({row.note})"
        lines.append((str(row.part), row.figure, row.measured, row.compared, row.target, verdict))
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
