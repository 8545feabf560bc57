"""ValueVec: value-driven embeddings (the model in ``model``, value tables and pairs in
``values``)."""

from wordspace.train.valuevec.model import ValueVec

__all__ = ["ValueVec"]
