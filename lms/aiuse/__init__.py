"""Registri Pemanfaatan AI: each unit's use of AI on record, with its risk and its DPIA."""
