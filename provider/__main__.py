"""The plugin directory's entry point: Pulumi runs it for `runtime: python` (PulumiPlugin.yaml),
with the engine's address as its argument. Installing the package gives the same server as the
console script `pulumi-resource-servicestage`."""

from pulumi_servicestage.provider_server import main

main()
