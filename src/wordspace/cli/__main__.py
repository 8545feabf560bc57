"""``python -m wordspace.cli``."""

from . import main

main()
