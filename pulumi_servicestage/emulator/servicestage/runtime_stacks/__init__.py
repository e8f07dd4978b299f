"""Custom runtime stacks (API reference §4.4.3 to §4.4.7) and the built-in base images (§4.4.2).

A custom stack starts unreleased (status ``Disable``); releasing it (``Supported``) lets new
components run on it. The stacks are kept here and join the core backend's catalogue as a stack
source, so the list of §4.4.1 shows them (``system`` 0) and component creation finds them.

Where the reference and the live service differ, the emulator follows the live service as
Terraform's provider drives it: the release action is ``POST .../runtimestacks/action`` (the
reference gives the collection path, which is served too, told apart by its ``action`` field),
and type and deploy mode cannot be modified.
"""
