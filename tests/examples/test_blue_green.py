"""The blue-green example, run whole with its resources served by their real providers."""

import runpy
from pathlib import Path

from pulumi_servicestage.emulator.asm.backend import AsmBackend
from pulumi_servicestage.testing import ProviderMocks

BLUE_GREEN = Path(__file__).parents[2] / "examples" / "blue_green" / "__main__.py"


def test_blue_green__release_upgrades_the_component_then_gray_runs_beside_it(live):
    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(lambda: runpy.run_path(str(BLUE_GREEN)))

    application_id = mocks.by_name("checkout").id.split("/")[0]
    component = live.backend.show_component(application_id, exports["component_id"])
    assert component.spec.version == "1.1.0"
    assert component.spec.source.url.endswith("/checkout:1.1.0")
    assert exports["released_versions"] == {"checkout": "1.1.0"}
    assert exports["release_status"] == "SUCCESS"
    assert exports["gray_phase"] == "Running"
    releases = live.emulator.area(AsmBackend).list_releases("mesh-4e1f0c2a")
    assert [release.spec.version for release in releases] == ["v1-2-0"]
