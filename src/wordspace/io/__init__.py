"""The file layer: the native ``.wsv`` format, word2vec/GloVe text and binary, fastText's
``.bin`` and models by name (``wordspace.io.pretrained``)."""
