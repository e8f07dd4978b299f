"""A component specification that deploys on the emulator as it is, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

DOCKER_STACK = {"name": "Docker", "type": "Docker", "version": "1.0.0", "deploy_mode": "container"}


def container_component(environment_id: str, **overrides: Any) -> dict[str, Any]:
    """The smallest complete spec of a container component on the built-in Docker stack, with
    `overrides` replacing top-level fields (`name`, `replica`, `application_id`, ...)."""
    return {
        "name": "web",
        "environment_id": environment_id,
        "version": "1.0.0",
        "replica": 1,
        "runtime_stack": dict(DOCKER_STACK),
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce"}],
        **overrides,
    }
