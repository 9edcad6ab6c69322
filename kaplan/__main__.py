"""``python -m kaplan``."""

from kaplan.cli import main

main()
