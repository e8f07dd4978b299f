"""Configuration groups and configuration files, with their version history (API reference §4.5).

Where the reference leaves behaviour open, the emulator decides so, and says so here:

* group names are unique in a project and file names unique in a group (the user guide: unique in
  an enterprise project; the import's same-name policy); a clash is 400 ``SVCSTG.00100400``, the
  only client-error status these operations document;
* a project holds at most 100 groups (the user guide's limit);
* a group that still holds files is not deleted (400), like an application with components;
* every create, modify or import of a file adds a version (``v1``, ``v2``...) to its history,
  which also lists the current version; a history entry can be deleted, the file stays;
* an import creates the groups its folders name when they do not exist; without a
  ``repetition_policy``, a file that already exists fails the whole import, and nothing changes;
* modify, history and import answers carry a body, so they are 200 where the reference's
  tables say 204 (an HTTP 204 answer has no body);
* files are bound to no component (the emulator's components have no configuration files), so
  ``components`` is always empty and the ``component_id`` filter matches nothing.
"""
