"""ServiceStage v3 in the emulator. Its core objects are this package's `schemas`, `state`,
`backend` and `responses`; each other area (configs, plugins, release_plans, repo_authorizations,
runtime_stacks) is a subpackage with the same four modules; `request_parsing` reads the bodies
and list queries of them all."""
