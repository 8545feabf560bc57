"""``python -m wordspace``: the same as the ``wordspace`` command."""

from .cli import main

if __name__ == "__main__":
    main()
