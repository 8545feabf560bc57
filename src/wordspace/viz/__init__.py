"""The pictures layer: figures (``plot``), the HTML report (``report``), the Embedding
Projector export (``projector``) and the local explorer (``explore``)."""
