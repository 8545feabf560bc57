"""The analysis layer: benchmarks (``evaluate``), value alignment and held-out values
(``alignment``), text similarity and documents as features (``textsim``)."""
