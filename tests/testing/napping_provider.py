"""A provider of this package's kind whose create only sleeps, to count overlapping calls.

It inherits `ServiceStageProvider.configure`, so loading it in the provider host runs exactly what
the real providers run there, executor enlargement included. `create` reports when it ran, on
the host's monotonic clock.
"""

from __future__ import annotations

import time
from typing import Any

from pulumi.dynamic import CreateResult

from pulumi_servicestage._lifecycle import ResourceArgs, ServiceStageProvider


class NappingProvider(ServiceStageProvider):
    args_model = ResourceArgs

    def create(self, props: dict[str, Any]) -> CreateResult:
        started = time.monotonic()
        time.sleep(props["seconds"])
        return CreateResult(
            f"nap-{int(props['index'])}", {"started": started, "finished": time.monotonic()}
        )
