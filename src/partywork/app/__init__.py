"""The command line: the Typer app (main.py), one module per group of `pw` commands, and the
argv scan the launcher needs. Importing this package imports nothing (see launch.py)."""
