"""Two texts that share no content word: mean-vector cosine and Word Mover's Distance
(after 01_train_word2vec.py; WMD needs the [wmd] extra: pip install 'wordspace[wmd]')."""

import wordspace as ws

wv = ws.load("brown.wsv")
a = "the president spoke to the press in washington"
for b in ["the governor talked to reporters in the capital", "she played the piano at the concert"]:
    cosine = ws.text_similarity(wv, a, b, "mean")  # higher: closer
    distance = wv.wmdistance(a, b)  # lower: closer
    print(f"{b!r}: mean-vector cosine {cosine:.3f}, WMD {distance:.3f}")
