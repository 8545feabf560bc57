"""ValueVec on the article's 30 colours: vectors whose cosine follows the wavelength (1-2 s).

On your own table: vv.fit("prices.csv", word="name", value="price").
"""

import wordspace as ws

colours = ws.datasets.color_spectrum(n_colors=30, seed=42)  # columns keyword, estimated_value (nm)
vv = ws.ValueVec().fit(colours, word="keyword", value="estimated_value")
for word, cosine in vv.wv.most_similar("crimson", topn=5):
    print(f"{word:15} cosine {cosine:.3f}  {vv.wv.values[word]:.0f} nm")
print(ws.value_alignment(vv.wv))  # spearman: how well the cosine follows the value
vv.wv.save("colours.wsv")
