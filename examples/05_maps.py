"""Maps of both spaces as PNG (after 01 and 04; needs the [plot] extra: pip install 'wordspace[plot]')."""

import wordspace as ws

wv = ws.load("brown.wsv")
words = ["money", "church", "music", "husband", "army"]
words += [w for q in words for w, _ in wv.most_similar(q, topn=8) if w not in words]
ws.plot.save(
    ws.plot.map(wv, words=list(dict.fromkeys(words)), color_by="cluster", n_clusters=5),
    "word2vec_map.png",
)
ws.plot.save(ws.plot.map(ws.load("colours.wsv"), color_by="value"), "colours_map.png")
print("wrote word2vec_map.png and colours_map.png")
