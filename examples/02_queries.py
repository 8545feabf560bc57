"""Neighbours, an analogy, a similarity matrix and the benchmarks (after 01_train_word2vec.py)."""

import wordspace as ws

wv = ws.load("brown.wsv")
for word in ["money", "church", "music", "husband", "army"]:
    print(word, "->", ", ".join(w for w, _ in wv.most_similar(word, topn=5)))
print("his - he + she =", wv.most_similar(positive=["his", "she"], negative=["he"], topn=3))
print(wv.similarity_matrix(["money", "dollars", "church", "religion", "wife", "husband"]).round(2))
print(wv.evaluate_word_analogies(restrict_vocab=30000).summary())  # a DataFrame, one row a section
pearson, spearman, oov_ratio = wv.evaluate_word_pairs()  # WordSim353
print(f"WordSim353 Spearman {spearman[0]:.3f} ({oov_ratio:.0f}% of the pairs out of vocabulary)")
