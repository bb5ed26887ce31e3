"""Where records live: YAML files, the record store, git (storage/git/, the only place a git
command line is written), transactions, caches and the user's own folders."""
