"""git: every command line pw gives git (gitio), tree objects (trees), and the launcher's head
start with the environment every git call runs in (early)."""
