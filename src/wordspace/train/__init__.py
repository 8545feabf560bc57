"""Trainers, one module per model; each ends in a WordVectors."""
