"""Compatibility layers: other libraries' APIs over wordspace's engine.

:mod:`wordspace.compat.gensim` mirrors gensim 4's module layout, so porting a gensim script is
changing ``gensim`` to ``wordspace.compat.gensim`` in its imports.
"""
