"""``python -m wordspace.cli``."""

from wordspace.cli import main

main()
