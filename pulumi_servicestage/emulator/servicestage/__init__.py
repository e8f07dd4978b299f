"""ServiceStage v3 in the emulator: backend and state (models), HTTP handlers (routes)."""
