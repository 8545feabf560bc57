"""The explorer's JSON API and page, through FastAPI's test client."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import ParameterError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx versions
    from fastapi.testclient import TestClient

from wordspace.viz.explore import create_app  # noqa: E402
from wordspace.viz.explore.app import STATIC_DIR  # noqa: E402


def make_wv(values: bool) -> ws.WordVectors:
    rng = np.random.default_rng(1)
    dim = 12
    words, vecs = [], []
    for g, name in enumerate(("red", "dog", "car")):
        center = np.eye(dim)[g] * 5
        for i in range(20):
            words.append(f"{name}{i}")
            vecs.append(center + rng.normal(size=dim) * 0.5)
    king, man, gender = rng.normal(size=(3, dim)) * 3
    for w, v in (("king", king), ("man", man), ("woman", man + gender), ("queen", king + gender)):
        words.append(w)
        vecs.append(v)
    extras = {"values": np.linspace(0.0, 100.0, len(words))} if values else None
    return ws.WordVectors(words, np.array(vecs), extras=extras, meta={"name": "toy model"})


@pytest.fixture(scope="module")
def wv():
    return make_wv(values=True)


@pytest.fixture(scope="module")
def client(wv):
    return TestClient(create_app(wv))


@pytest.fixture(scope="module")
def plain_client():
    return TestClient(create_app(make_wv(values=False)))


def test_info(client, plain_client):
    info = client.get("/api/info").json()
    assert info["title"] == "toy model"
    assert info["words"] == 64 and info["dimension"] == 12
    assert info["has_values"] is True and info["value_range"] == [0.0, 100.0]
    plain = plain_client.get("/api/info").json()
    assert plain["has_values"] is False and plain["value_range"] is None


def test_neighbors_match_most_similar(client, wv):
    r = client.get("/api/neighbors", params={"word": "dog3", "n": 5})
    assert r.status_code == 200
    data = r.json()
    expect = wv.most_similar("dog3", topn=5)
    assert [x["word"] for x in data["neighbors"]] == [w for w, _ in expect]
    np.testing.assert_allclose(
        [x["cosine"] for x in data["neighbors"]], [s for _, s in expect], atol=1e-6
    )
    assert all(x["word"].startswith("dog") for x in data["neighbors"])
    assert data["neighbors"][0]["value"] == pytest.approx(wv.values[expect[0][0]])
    assert data["value"] == pytest.approx(wv.values["dog3"])


def test_neighbors_without_values_have_no_value_field(plain_client):
    data = plain_client.get("/api/neighbors", params={"word": "red1", "n": 3}).json()
    assert "value" not in data and all("value" not in x for x in data["neighbors"])


def test_case_and_spaces_are_forgiven(client):
    data = client.get("/api/neighbors", params={"word": "  King ", "n": 2}).json()
    assert data["word"] == "king"


def test_analogy(client):
    data = client.get("/api/analogy", params={"a": "king", "b": "man", "c": "woman", "n": 3}).json()
    assert data["results"][0]["word"] == "queen"
    assert data["results"][0]["score"] > 0.9


def test_similarity(client, wv):
    data = client.get("/api/similarity", params={"w1": "red1", "w2": "car2"}).json()
    assert data == {
        "w1": "red1",
        "w2": "car2",
        "cosine": pytest.approx(wv.similarity("red1", "car2"), abs=1e-6),
    }


def test_map_points(client, wv):
    data = client.get("/api/map", params={"word": "car5", "n": 12}).json()
    pts = data["points"]
    assert data["word"] == "car5" and data["has_values"] is True
    assert len(pts) == 13 and pts[0]["word"] == "car5" and pts[0]["cosine"] == 1.0
    assert [p["word"] for p in pts[1:]] == [w for w, _ in wv.most_similar("car5", topn=12)]
    xy = np.array([[p["x"], p["y"]] for p in pts])
    assert np.abs(xy).max() == pytest.approx(1.0) and np.isfinite(xy).all()
    assert xy.std(axis=0).min() > 0.05  # a real 2-D spread, not a line or a point
    assert all(p["value"] == pytest.approx(wv.values[p["word"]]) for p in pts)


def test_unknown_word_is_a_404_json_error(client):
    for url, params in (
        ("/api/neighbors", {"word": "kingg"}),
        ("/api/analogy", {"a": "king", "b": "mann", "c": "woman"}),
        ("/api/similarity", {"w1": "red1", "w2": "blue"}),
        ("/api/map", {"word": "kingg"}),
    ):
        r = client.get(url, params=params)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert "is not in the vocabulary" in body["error"]
        assert "Traceback" not in r.text
    assert client.get("/api/neighbors", params={"word": "kingg"}).json()["suggestions"][0] == "king"


def test_bad_parameters_are_400_json_errors(client):
    r = client.get("/api/neighbors", params={"word": "king", "n": 0})
    assert r.status_code == 400 and "n:" in r.json()["error"]
    r = client.get("/api/neighbors", params={"word": "king", "n": "many"})
    assert r.status_code == 400 and "n:" in r.json()["error"]
    r = client.get("/api/neighbors")
    assert r.status_code == 400 and "word" in r.json()["error"]
    r = client.get("/api/neighbors", params={"word": "   "})
    assert r.status_code == 400 and "empty" in r.json()["error"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "no such API endpoint" in r.json()["error"]


def test_page_and_static_files_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/app.js" in refs and "/static/style.css" in refs
    assert all(ref.startswith("/static/") for ref in refs)  # nothing from a CDN
    for name, ctype in (("app.js", "javascript"), ("style.css", "text/css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and ctype in r.headers["content-type"]
        assert r.text == (STATIC_DIR / name).read_text(encoding="utf-8")
        assert "http://" not in r.text and "https://" not in r.text
    assert client.get("/static/nope.js").status_code == 404
    assert client.head("/").status_code == 200


def test_restrict_vocab_and_bad_arguments(wv):
    c = TestClient(create_app(wv, restrict_vocab=20))  # only red0..red19
    data = c.get("/api/neighbors", params={"word": "dog1", "n": 5}).json()
    assert all(x["word"].startswith("red") for x in data["neighbors"])
    with pytest.raises(ParameterError):
        create_app(wv, restrict_vocab=0)


def test_cli_explore_binds_localhost_by_default(monkeypatch, tmp_path, wv):
    import wordspace.viz.explore.app as explore_app
    from wordspace.cli import main

    seen = {}

    def fake_run(app, host, port, log_level):
        seen.update(host=host, port=port, app=app)

    monkeypatch.setattr("uvicorn.run", fake_run)
    model = tmp_path / "m.wsv"
    wv.save(model)
    main(["explore", str(model), "--port", "8799"])
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8799
    assert TestClient(seen["app"]).get("/api/info").json()["words"] == len(wv)
    assert explore_app.MAX_N >= 100


# ------------------------------------------------------------- vectors holding NaN or inf
def _strict_json(r):
    """The body parsed as standard JSON: NaN/Infinity literals are refused."""
    import json

    def refuse(name):
        raise AssertionError(f"{r.url}: invalid JSON literal {name}")

    return json.loads(r.content, parse_constant=refuse)


@pytest.fixture(scope="module")
def broken_client():
    wv = make_wv(values=True)
    vecs = np.array(wv.vectors)
    vecs[wv.get_index("red3"), 2] = np.nan
    vecs[wv.get_index("dog4")] = np.inf
    vecs[wv.get_index("queen"), 0] = -np.inf
    vecs[wv.get_index("car1")] = 1e30  # finite, but too large for float32 squares
    vals = np.array(wv.extras["values"])
    vals[wv.get_index("red5")] = np.nan
    vals[wv.get_index("car2")] = np.inf
    broken = ws.WordVectors(wv.index_to_key, vecs, extras={"values": vals}, meta=wv.meta)
    return TestClient(create_app(broken), raise_server_exceptions=False)


def test_nonfinite_model_never_answers_500_and_sends_valid_json(broken_client):
    c = broken_client
    good, bad = ["red1", "dog2", "car1", "king", "man", "red5", "car2"], ["red3", "dog4", "queen"]
    requests = [("/api/info", {}), ("/api/nothing", {})]
    for w in good + bad:
        requests += [
            ("/api/neighbors", {"word": w, "n": 200}),
            ("/api/map", {"word": w, "n": 200}),
            ("/api/similarity", {"w1": w, "w2": "red1"}),
            ("/api/similarity", {"w1": "red3", "w2": w}),
            ("/api/analogy", {"a": w, "b": "man", "c": "woman", "n": 200}),
            ("/api/analogy", {"a": "king", "b": w, "c": "woman", "n": 5}),
        ]
    for url, params in requests:
        r = c.get(url, params=params)
        assert r.status_code in (200, 400, 404), (url, params, r.status_code, r.text)
        _strict_json(r)
    assert c.get("/").status_code == 200 and c.get("/static/app.js").status_code == 200


def test_nonfinite_model_answers(broken_client):
    c = broken_client
    bad = {"red3", "dog4", "queen"}
    r = c.get("/api/neighbors", params={"word": "red1", "n": 200})
    data = _strict_json(r)
    names = [x["word"] for x in data["neighbors"]]
    assert r.status_code == 200 and not bad & set(names) and len(names) == 64 - 1 - 3
    assert all(isinstance(x["cosine"], float) for x in data["neighbors"])
    by_word = {x["word"]: x for x in data["neighbors"]}
    assert by_word["red5"]["value"] is None and by_word["car2"]["value"] is None
    r = c.get("/api/neighbors", params={"word": "dog4"})
    assert r.status_code == 400 and "NaN or infinite" in _strict_json(r)["error"]
    r = c.get("/api/similarity", params={"w1": "red1", "w2": "red3"})
    assert r.status_code == 200 and _strict_json(r)["cosine"] is None
    pts = _strict_json(c.get("/api/map", params={"word": "car1", "n": 200}))["points"]
    assert not bad & {p["word"] for p in pts}
    assert all(isinstance(p["x"], float) and isinstance(p["y"], float) for p in pts)
    info = _strict_json(c.get("/api/info"))
    assert info["value_range"] == [0.0, 100.0]
