"""The ``wordspace`` command: one sub-command per job, one module per command group.

User errors (unknown word, bad file, bad parameter) print one line and exit with status 2;
``--json`` prints machine-readable output instead of rich tables.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from ..errors import ParameterError, ValueDataError, WordspaceError
from . import (  # noqa: F401  (the modules register their commands)
    convert,
    datasets,
    evaluate,
    explore,
    plot,
    query,
    train_glove,
    train_valuevec,
    train_word2vec,
)
from ._app import app
from ._common import io
from ._errors import invoked_command, option_names, report, translate

__all__ = ["app", "main"]

_COMPRESSED_HINT = "is a compressed input (.gz/.bz2/.xz) truncated or corrupt?"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the app; user errors exit 2 with one line, no traceback."""
    import typer

    from ._errors import click_exceptions as ce

    args = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    debug = "--debug" in args or os.environ.get("WORDSPACE_DEBUG", "") not in ("", "0")
    io.reset()
    err = io.err
    command = typer.main.get_command(app)
    try:
        command.main(args=args, prog_name="wordspace", standalone_mode=False)
    except (ParameterError, ValueDataError) as e:
        path, cmd = invoked_command(command, args)
        report(err, translate(str(e), option_names(path, cmd, args)))
        sys.exit(2)
    except WordspaceError as e:
        report(err, str(e))
        sys.exit(2)
    except ce.NoArgsIsHelpError as e:
        e.show()  # a group called without a command: its help, on stdout
        sys.exit(2)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except ce.ClickException as e:  # usage errors: bad option, missing argument ...
        ctx = getattr(e, "ctx", None)
        hint = f"see: {ctx.command_path} --help" if ctx is not None else "see: wordspace --help"
        report(err, e.format_message(), hint)
        sys.exit(2)
    except typer.Abort as e:
        cause = e.__cause__ or e.__context__
        if isinstance(cause, EOFError):  # click turns EOFError into Abort: say what happened
            report(err, f"unexpected end of input ({cause or 'EOFError'})", _COMPRESSED_HINT)
            sys.exit(2)
        err.print("interrupted", highlight=False)
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted", highlight=False)
        sys.exit(130)
    except EOFError as e:
        report(err, f"unexpected end of input ({e or 'EOFError'})", _COMPRESSED_HINT)
        sys.exit(2)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as e:
        report(err, str(e))
        sys.exit(2)
    except OSError as e:  # disk full, bad gzip header, ...
        import gzip
        import lzma
        import zlib

        bad_compression = isinstance(e, gzip.BadGzipFile | lzma.LZMAError | zlib.error)
        report(err, f"{type(e).__name__}: {e}" if not str(e) else str(e),
               _COMPRESSED_HINT if bad_compression else None)
        sys.exit(2)
    except SystemExit:
        raise
    except Exception as e:
        import lzma
        import zlib

        if isinstance(e, lzma.LZMAError | zlib.error):
            report(err, f"{e}", _COMPRESSED_HINT)
            sys.exit(2)
        if debug:
            traceback.print_exc(file=sys.stderr)
        report(err, f"{type(e).__name__}: {e}" + ("" if debug else "  (--debug shows the "
                                                  "traceback)"), prefix="internal error")
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
