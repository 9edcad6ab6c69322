"""Plans through git: reading revisions, changes by meaning, ``kaplan diff``."""
