"""A tiny dynamic provider that exercises every path of the test kit.

It lives in an importable module so dill pickles `ThingProvider` by reference, the way the
real providers are pickled. The provider instance holds nothing: what `configure()` reads
lives in a module global of whichever process runs it (the provider host, or the test process
under mocks). `create()` reports when and on which thread it ran, so tests can measure how
many calls overlapped.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

GREETING_KEY = "dummy:greeting"
GONE_PREFIX = "gone-"

_greeting: str | None = None


def _label(name: str) -> str:
    return f"{_greeting}:{name}"


class ThingProvider(ResourceProvider):
    def configure(self, req: ConfigureRequest) -> None:
        global _greeting
        _greeting = req.config.get(GREETING_KEY)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        name = news.get("name")
        if not isinstance(name, (str, Unknown)):
            failures.append(CheckFailure("name", "name must be a string"))
        size = news.get("size", 0)
        if not isinstance(size, Unknown) and (not isinstance(size, (int, float)) or size < 0):
            failures.append(CheckFailure("size", f"size must be a number >= 0, got {size!r}"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["name"] if olds.get("name") != news.get("name") else []
        changed = bool(replaces) or olds.get("size") != news.get("size")
        return DiffResult(
            changes=changed,
            replaces=replaces,
            stables=["greeting"],
            delete_before_replace=bool(replaces),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        if "fail" in props:
            raise ValueError(f"refusing to create {props['name']}: {props['fail']}")
        if "warn" in props:
            pulumi.log.warn(str(props["warn"]))
        started = time.monotonic()
        time.sleep(props.get("sleep", 0))
        outs = {
            **props,
            "label": _label(props["name"]),
            "greeting": _greeting,
            "started": started,
            "finished": time.monotonic(),
            "thread": threading.current_thread().name,
        }
        return CreateResult(f"thing-{props['name']}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if id_.startswith(GONE_PREFIX):
            return ReadResult(None, {})
        outs = {**props, "label": _label(props["name"]), "greeting": _greeting}
        return ReadResult(id_, outs, inputs={"name": props["name"], "size": props.get("size")})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "label": _label(news["name"]), "greeting": _greeting})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        if id_ == "thing-undeletable":
            raise RuntimeError("thing-undeletable cannot be deleted")


class Thing(Resource, module="dummy", name="Thing"):
    label: pulumi.Output[str]
    greeting: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            ThingProvider(),
            resource_name,
            {"label": None, "greeting": None, **props},
            opts,
        )
