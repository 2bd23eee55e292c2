"""Sub-commands of ``growthsim``, one module each.

Every module here defines ``register(app: typer.Typer) -> None``; :mod:`analysis.cli` finds them
all, so adding a command means adding a module.
"""
