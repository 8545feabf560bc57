"""``python -m wordspace``: the same as the ``wordspace`` command."""

from wordspace.cli import main

if __name__ == "__main__":
    main()
