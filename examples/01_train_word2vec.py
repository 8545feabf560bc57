"""Train word2vec on the Brown corpus shipped with wordspace and save it (10-20 s).

On your own text: ws.Corpus("corpus.txt", lowercase=True), one sentence per line.
"""

import wordspace as ws
from wordspace.text.corpus import embedded_corpus

corpus = embedded_corpus("brown")  # 57,340 sentences, 1.16M tokens, lowercased
model = ws.Word2Vec(sg=1, window=10, epochs=10, shared_negatives=True, seed=1).fit(corpus)
model.wv.save("brown.wsv")
print(f"{len(model.wv):,} words in {model.train_seconds_:.1f} s; saved brown.wsv")
