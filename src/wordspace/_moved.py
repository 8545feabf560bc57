"""Old module paths (before the layered layout of 0.3) as deprecated aliases.

``import wordspace.corpus`` still works and gives the module that now lives at
``wordspace.text.corpus`` (the same object, so patching either name patches both), with a
``DeprecationWarning`` naming the new path. The aliases go away one minor version after the
move. The table is the one place that lists what moved; ``CHANGELOG.md`` repeats it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import importlib.abc

#: old path -> new path
MOVED: dict[str, str] = {
    "wordspace.corpus": "wordspace.text.corpus",
    "wordspace.vocab": "wordspace.text.vocab",
    "wordspace.phrases": "wordspace.text.phrases",
    "wordspace.cooccurrence": "wordspace.text.cooccurrence",
    "wordspace.subword": "wordspace.vectors.subword",
    "wordspace.formats": "wordspace.io.formats",
    "wordspace.fasttext_format": "wordspace.io.fasttext_bin",
    "wordspace.native": "wordspace.io.native",
    "wordspace.pretrained": "wordspace.io.pretrained",
    "wordspace.values": "wordspace.train.valuevec.values",
    "wordspace.evaluate": "wordspace.analysis.evaluate",
    "wordspace.alignment": "wordspace.analysis.alignment",
    "wordspace.textsim": "wordspace.analysis.textsim",
    "wordspace.plot": "wordspace.viz.plot",
    "wordspace.report": "wordspace.viz.report",
    "wordspace.projector": "wordspace.viz.projector",
    "wordspace.explore": "wordspace.viz.explore",
}


def new_path(old: str) -> str | None:
    """The new module path of ``old`` (a moved module or a module inside a moved package)."""
    if old in MOVED:
        return MOVED[old]
    for prefix, target in MOVED.items():
        if old.startswith(prefix + "."):
            return target + old[len(prefix) :]
    return None


class _AliasLoader:  # the loader protocol; not importlib.abc's class (a 5-10 ms import)
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.target}; import it from there "
            "(the old path goes away in the next minor version)",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # module_from_spec overwrote __spec__ with the alias's: give the module its own back
        module.__spec__ = self._spec


class _AliasFinder:  # the meta path finder protocol
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = new_path(fullname) if fullname.startswith("wordspace.") else None
        if new is None:
            return None
        loader = cast("importlib.abc.Loader", _AliasLoader(new))  # the protocol, not the ABC
        return importlib.machinery.ModuleSpec(fullname, loader)


def install() -> None:
    """Put the alias finder first on ``sys.meta_path`` (once): a module inside a moved package
    (``wordspace.pretrained._download``) must resolve to the one module object, not be found
    again through the package's ``__path__``."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
