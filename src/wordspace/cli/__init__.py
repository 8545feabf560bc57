"""The ``wordspace`` command: one sub-command per job, one module per command group.

User errors (unknown word, bad file, bad parameter) print one line and exit with status 2;
``--json`` prints machine-readable output instead of rich tables.
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from wordspace.cli import compare as _compare_cmd  # noqa: F401  (registers `wordspace compare`)
from wordspace.cli import (  # noqa: F401  (each module registers its commands)
    convert,
    datasets,
    demo,
    evaluate,
    explore,
    index,
    models,
    phrases,
    plot,
    query,
    train_fasttext,
    train_glove,
    train_valuevec,
    train_word2vec,
    tune,
    values,
)
from wordspace.cli import report as _report_cmd  # noqa: F401  (registers `wordspace report`)
from wordspace.cli._app import app
from wordspace.cli._common import io
from wordspace.cli._errors import invoked_command, option_names, report, translate, usage_hint
from wordspace.errors import FormatError, OutOfVocabularyError, WordspaceError

__all__ = ["app", "main"]

_COMPRESSED_HINT = "is a compressed input (.gz/.bz2/.xz) truncated or corrupt?"


@contextmanager
def _warnings_as_lines(console) -> Iterator[None]:
    """Warnings as one ``warning: ...`` line each, without Python's source-line echo."""

    def show(message, category, filename, lineno, file=None, line=None):
        report(console, str(message), prefix="warning")

    saved = warnings.showwarning
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = saved


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the app; user errors exit 2 with one line, no traceback."""
    import typer

    from wordspace.cli._errors import click_exceptions as ce

    args = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    debug = "--debug" in args or os.environ.get("WORDSPACE_DEBUG", "") not in ("", "0")
    io.reset()
    err = io.err
    command = typer.main.get_command(app)
    try:
        with _warnings_as_lines(err), command.make_context("wordspace", args) as ctx:
            command.invoke(ctx)
    except (FormatError, OutOfVocabularyError) as e:  # about files and words, not options
        report(err, str(e))
        sys.exit(2)
    except WordspaceError as e:
        path, cmd = invoked_command(command, args)
        report(err, translate(str(e), option_names(path, cmd, args)))
        sys.exit(2)
    except ce.NoArgsIsHelpError as e:
        e.show()  # a group called without a command: its help, on stdout
        sys.exit(2)
    except typer.Exit as e:  # --help, --version
        if e.exit_code:
            sys.exit(e.exit_code)
        return
    except ce.ClickException as e:  # usage errors: bad option, missing argument ...
        report(err, e.format_message(), usage_hint(e, args, command))
        sys.exit(2)
    except typer.Abort:
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
        report(
            err,
            f"{type(e).__name__}: {e}" if not str(e) else str(e),
            _COMPRESSED_HINT if bad_compression else None,
        )
        sys.exit(2)
    except MemoryError:
        report(
            err,
            "out of memory",
            "use a smaller input (--limit, --min-count, --memory ...) "
            "or a machine with more memory",
        )
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
        report(
            err,
            f"{type(e).__name__}: {e}" + ("" if debug else "  (--debug shows the traceback)"),
            prefix="internal error",
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
