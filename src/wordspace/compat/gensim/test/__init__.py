"""Counterparts of ``gensim.test``: :mod:`.utils` (``common_texts``, ``datapath`` ...)."""
