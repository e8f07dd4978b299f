"""Authorizations that let ServiceStage reach Git repositories (API reference §5.1 to §5.6).

An authorization is known by its name and holds credentials for one Git host: a personal access
token, a user name and password, or an OAuth grant. The real service checks the credentials with
the Git host when it creates an authorization; the emulator checks them against the accounts
registered with `RepoAuthorizationBackend.add_account` (or the control route
``POST /_emulator/projects/{project_id}/git-accounts``, body ``{"repo_type", "user", "token"}``
or ``{..., "password"}``; 204), and stands in for the browser step of OAuth with `grant_oauth`.
Credentials are never shown again.

Repository types per kind of authorization follow the official SDK's model docs, which list more
than the reference: personal tokens for github, gitlab and gitee; passwords for github, bitbucket
and devcloud; OAuth for github, gitlab, gitee and bitbucket.
"""
