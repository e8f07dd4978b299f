"""Part 4: what the providers cost besides the API: state size, import time, preview time.

- The ``__provider`` string of every provider class in the package, made by the SDK's own
  serializer as ``Resource.__init__`` makes it. Pickled by reference it names the class; pickled
  by value it would carry the class's code (dill's ``_create_type``/``_create_code``).
- Cold import: in fresh hosts, the first Check of a component (which unpickles the provider,
  importing the package, and configures it) less a warm Check, median over a few hosts.
- Preview: Check and Diff of N existing components through a fresh host, from as many client
  threads as the engine's default ``--parallel`` on this machine.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import os
import pkgutil
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from _kit import COMPONENT, Row, RunSettings, ServedEmulator, component_inputs, provider_host
from pulumi.dynamic import ResourceProvider

import pulumi_servicestage
from pulumi_servicestage._lifecycle import RestProvider, ServiceStageProvider
from pulumi_servicestage.testing import serialized_provider

PROVIDER_LIMIT_BYTES = 4096
IMPORT_LIMIT_SECONDS = 0.5
PREVIEW_LIMIT_SECONDS = 3.0
PREVIEW_TARGET_RESOURCES = 1000
COLD_HOSTS = 3
WARM_CHECKS = 5
# Markers dill writes when it pickles a class or function by value.
BY_VALUE_MARKERS = (b"_create_type", b"_create_code", b"_create_function")
# Not provider modules: importing them needs the emulator's extra dependencies.
SKIPPED_PACKAGES = ("pulumi_servicestage.emulator", "pulumi_servicestage.testing")


def provider_classes() -> Iterator[type[ResourceProvider]]:
    """Every concrete provider class defined in the package."""
    for module_info in pkgutil.walk_packages(pulumi_servicestage.__path__, "pulumi_servicestage."):
        if module_info.name.startswith(SKIPPED_PACKAGES):
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, ResourceProvider)
                and value.__module__ == module.__name__
                and value not in (RestProvider, ServiceStageProvider)
            ):
                yield value


def provider_sizes() -> Row:
    sizes = {}
    by_value = []
    for provider_class in provider_classes():
        text = serialized_provider(provider_class())
        sizes[provider_class.__name__] = len(text)
        if any(marker in base64.b64decode(text) for marker in BY_VALUE_MARKERS):
            by_value.append(provider_class.__name__)
    largest = max(sizes, key=lambda name: sizes[name])
    return Row(
        4,
        f"serialized __provider, largest of {len(sizes)} provider classes",
        f"{sizes[largest]} B ({largest})",
        "by value: " + (", ".join(by_value) if by_value else "none"),
        f"< {PROVIDER_LIMIT_BYTES // 1024} KB, by reference",
        sizes[largest] < PROVIDER_LIMIT_BYTES and not by_value,
    )


def cold_import(served: ServedEmulator) -> Row:
    environment_id, application_id = served.new_application("import")
    inputs = component_inputs(environment_id, application_id, "imported")
    costs = []
    for _ in range(COLD_HOSTS):
        with provider_host(served, call_timeout=60) as host:
            started = time.perf_counter()
            host.check(COMPONENT, None, inputs)
            first = time.perf_counter() - started
            warm = []
            for _ in range(WARM_CHECKS):
                started = time.perf_counter()
                host.check(COMPONENT, None, inputs)
                warm.append(time.perf_counter() - started)
        costs.append(first - statistics.median(warm))
    cost = statistics.median(costs)
    return Row(
        4,
        f"cold import of the package in the host, median of {COLD_HOSTS} hosts",
        f"{cost:.2f} s",
        f"range {min(costs):.2f}-{max(costs):.2f} s",
        f"< {IMPORT_LIMIT_SECONDS} s",
        cost < IMPORT_LIMIT_SECONDS,
    )


def preview(served: ServedEmulator, resources: int) -> Row:
    """Check then Diff of each of `resources` existing components, as a preview sends them.

    The requests are built before the clock starts (the engine's own marshalling is not the
    provider's cost: the engine is a Go program), the Diff of each with the inputs its Check
    answers, which an untimed pass through another host computes.
    """
    environment_id, application_id = served.new_application(f"preview-{resources}")
    callers = 4 * (os.cpu_count() or 1)
    items = []
    for index in range(resources):
        inputs = component_inputs(environment_id, application_id, f"p{index}")
        outputs = {**inputs, "component_id": f"c{index}", "status": {"component_status": "RUNNING"}}
        items.append((f"{application_id}/c{index}", inputs, outputs))
    with provider_host(served, call_timeout=60) as untimed:
        checked = [untimed.check(COMPONENT, inputs, inputs).inputs for _, inputs, _ in items]
    with provider_host(served, call_timeout=60) as host:
        requests = [
            (
                host.check_request(COMPONENT, inputs, inputs),
                host.diff_request(COMPONENT, resource_id, outputs, news),
            )
            for (resource_id, inputs, outputs), news in zip(items, checked, strict=True)
        ]

        def check_and_diff(pair: tuple[object, object]) -> None:
            check, diff = pair
            host.send("Check", check)
            host.send("Diff", diff)

        started = time.perf_counter()
        with ThreadPoolExecutor(callers) as pool:
            list(pool.map(check_and_diff, requests))
        seconds = time.perf_counter() - started
    judged = resources == PREVIEW_TARGET_RESOURCES
    return Row(
        4,
        f"Check + Diff of {resources} components, fresh host, {callers} callers",
        f"{seconds:.2f} s",
        f"{1000 * seconds / resources:.1f} ms per resource",
        f"< {PREVIEW_LIMIT_SECONDS:g} s" if judged else "",
        seconds < PREVIEW_LIMIT_SECONDS if judged else None,
    )


def measure(served: ServedEmulator, settings: RunSettings) -> list[Row]:
    return [provider_sizes(), cold_import(served), preview(served, settings.preview_resources)]
