"""Plugins (addons) installed in an environment's CCE cluster (API reference §4.7).

Installing, restarting, redeploying and removing a plugin each answer with a job that runs on the
emulator's `JobBackend`, so tests can plan those jobs to fail or hang like component jobs. While a
job works on a plugin, the plugin shows what the job does and refuses other changes (409).

The reference asks for the CCE cluster and the engine bound to the environment, so both must be
among the environment's managed resources (§4.1.6); a plugin of a kind is installed once per
environment.
"""
