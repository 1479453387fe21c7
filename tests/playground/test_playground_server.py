"""The playground's HTTP API through Starlette's TestClient, with real worker processes:
the endpoints, who may call them (Host, Origin, Referer, token), bounds, timeouts, and
saving with conflicts."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient

from grammarkit.playground.disk import Workspace
from grammarkit.playground.server import MAX_BODY_BYTES, Settings, create_app
from grammarkit.playground.worker import Workers

PORT = 54321  # never bound: the TestClient talks to the application directly
OWN = f"http://127.0.0.1:{PORT}"
GRAMMAR = 'start: "a" B\nB: /[0-9]+/\n'


@pytest.fixture(scope="module")
def workers():
    with Workers(background=1, timeout=30.0) as w:
        assert w.wait_ready()
        yield w


@pytest.fixture
def project(tmp_path):
    (tmp_path / "tool.lark").write_text(GRAMMAR)
    (tmp_path / "tool.samples.toml").write_text("valid = ['a1']\n")
    return tmp_path


@pytest.fixture
def settings():
    return Settings(host="127.0.0.1", port=PORT)


@pytest.fixture
def client(workers, project, settings):
    app = create_app(Workspace(project, project / "tool.lark"), workers, settings)
    with TestClient(app, base_url=OWN, raise_server_exceptions=False) as c:
        c.headers.update({"Origin": OWN, "X-Grammarkit-Token": settings.token})
        yield c


def post(client, path, data, headers=None):
    return client.post(path, content=json.dumps(data), headers={"Content-Type": "application/json", **(headers or {})})


# --------------------------------------------------------------------------- the page


def test_the_page_carries_its_token_and_loads_only_its_own_assets(client, settings):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'content="{settings.token}"' in page.text
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/app.js" defer>']
    assert "http" not in re.sub(r"<!doctype[^>]*>", "", page.text, flags=re.I)  # nothing from elsewhere
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    for missing in ("/static/nope.js", "/static/..%2fserver.py", "/static/index.html", "/elsewhere"):
        r = client.get(missing)
        assert r.status_code == 404 and r.json()["error"] in ("no such page", "no such file")


# --------------------------------------------------------------------------- who may call


def test_another_host_name_is_refused(client):
    r = client.get("/", headers={"Host": "evil.example:54321"})
    assert r.status_code == 421 and "Host" in r.json()["error"]
    assert client.get("/", headers={"Host": f"localhost:{PORT}", "Origin": f"http://localhost:{PORT}"}).status_code == 200


def test_another_origin_is_refused_even_for_a_get(client):
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{PORT + 1}", f"https://127.0.0.1:{PORT}"):
        assert client.get("/", headers={"Origin": origin}).status_code == 403
        r = post(client, "/api/lint", {"grammar": GRAMMAR}, headers={"Origin": origin})
        assert r.status_code == 403 and r.json() == {"error": "requests from other sites are refused"}


def test_a_post_needs_origin_or_referer_and_the_token(client, settings):
    client.headers.pop("Origin")
    r = post(client, "/api/lint", {"grammar": GRAMMAR})
    assert r.status_code == 403 and r.json()["error"] == "a request without Origin or Referer is refused"
    r = post(client, "/api/lint", {"grammar": GRAMMAR}, headers={"Referer": "http://evil.example/x"})
    assert r.status_code == 403
    r = post(client, "/api/lint", {"grammar": GRAMMAR}, headers={"Referer": f"{OWN}/"})
    assert r.status_code == 200  # same origin by its Referer, with the token
    client.headers["Origin"] = OWN
    client.headers.pop("X-Grammarkit-Token")
    r = post(client, "/api/lint", {"grammar": GRAMMAR})
    assert r.status_code == 403 and "token" in r.json()["error"]
    r = post(client, "/api/lint", {"grammar": GRAMMAR}, headers={"X-Grammarkit-Token": settings.token[:-1] + "x"})
    assert r.status_code == 403
    r = post(client, "/api/file/save", {"path": "tool.lark", "grammar": "", "samples": []})
    assert r.status_code == 403
    assert client.options("/api/lint").status_code == 405


def test_bodies_must_be_json_and_bounded(client):
    r = client.post("/api/lint", content=b'{"grammar": "x"}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/api/lint", content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json() == {"error": "the request is not valid JSON"}
    r = client.post("/api/lint", content=b"[" * 100_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = client.post("/api/lint", content=b" " * (MAX_BODY_BYTES + 1), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]


# --------------------------------------------------------------------------- the operations


def test_lint_samples_generate_tool_stats_fix_rule(client):
    lint = post(client, "/api/lint", {"grammar": "start: A\nA: /(?=a)a{1,3}/\n"}).json()
    assert [(d["code"], d["line"], d["column"]) for d in lint["diagnostics"]] == [("GK101", 2, 5)]
    samples = post(
        client, "/api/samples", {"grammar": GRAMMAR, "samples": [{"input": "a1", "expected": True}, {"input": "ax"}]}
    ).json()["results"]
    assert samples[0]["tree"]["rule"] == "start" and samples[1]["caret"] == [" 1 | ax", "   |  ^"]
    drawn = post(client, "/api/generate", {"grammar": GRAMMAR, "n": 3, "seed": 7}).json()
    assert len(drawn["samples"]) == 3 and drawn["seed"] == 7
    tool = post(client, "/api/tool", {"grammar": GRAMMAR, "name": "digits"}).json()
    assert tool["responses"]["format"]["definition"] == GRAMMAR
    stats = post(client, "/api/stats", {"grammar": GRAMMAR}).json()
    assert stats["rules"] == 1 and stats["compiles"] is True
    fixed = post(client, "/api/fix", {"grammar": "start: A\nA: /a{1,5}?/\n", "code": "GK102", "line": 2, "column": 6})
    assert fixed.json()["grammar"] == "start: A\nA: /a{1,5}/\n"
    assert post(client, "/api/rule", {"code": "GK101"}).json()["name"] == "lookaround"
    r = post(client, "/api/nothing", {})
    assert r.status_code == 404 and r.json() == {"error": "no such operation: nothing"}


def test_the_configuration_applies_to_lint(workers, project, settings):
    from grammarkit.lint.config import Config

    app = create_app(Workspace(project), workers, settings, Config(ignore=["GK1"]))
    with TestClient(app, base_url=OWN) as c:
        headers = {"Origin": OWN, "X-Grammarkit-Token": settings.token}
        r = post(c, "/api/lint", {"grammar": "start: A\nA: /(?=a)a{1,3}/\n"}, headers=headers)
        assert r.json()["diagnostics"] == []


def test_bad_input_gets_located_bounded_answers_and_never_a_traceback(client):
    deep = post(client, "/api/lint", {"grammar": "start: " + "(" * 3000 + '"a"' + ")" * 3000})
    first = deep.json()["diagnostics"][0]
    assert first["code"] == "GK100" and first["line"] == 1 and first["message"].startswith("grammar is nested too deeply")
    huge = post(client, "/api/lint", {"grammar": "x" * (4 * 1024 * 1024 + 1)})
    assert huge.status_code == 413 and huge.json() == {"error": "grammar is too large (4,194,305 bytes; the limit is 4,194,304)"}
    r = post(client, "/api/samples", {"grammar": "start: /[^x]+/\n", "samples": [{"input": "a\ud800b"}]})
    assert r.status_code == 200 and r.content.isascii() and r.json()["results"][0]["error"]["column"] == 2
    r = post(client, "/api/generate", {"grammar": "start: A\n"})
    assert r.status_code == 422 and r.json()["error"].startswith("llguidance rejects the grammar")
    for response in (deep, huge, r):
        assert "Traceback" not in response.text and "/work/" not in response.text


def test_a_request_that_takes_too_long_is_stopped_and_the_next_one_works(project, settings):
    with Workers(background=1, timeout=1.0) as slow:
        assert slow.wait_ready()
        app = create_app(Workspace(project), slow, settings)
        with TestClient(app, base_url=OWN) as c:
            c.headers.update({"Origin": OWN, "X-Grammarkit-Token": settings.token})
            busy = {"grammar": "start: /[a-z]{4000}/\n", "n": 100, "max_bytes": 4096, "seed": 1}  # ~30 s
            r = post(c, "/api/generate", busy)
            assert r.status_code == 503 and r.json() == {"error": "the request took longer than 1 s and was stopped"}
            assert slow.wait_ready(60)  # the worker was replaced
            assert post(c, "/api/generate", {"grammar": GRAMMAR, "n": 2}).status_code == 200


# --------------------------------------------------------------------------- files


def test_load_save_and_conflict(client, project):
    state = post(client, "/api/file/load", {}).json()
    assert state["path"] == "tool.lark" and state["grammar"] == GRAMMAR
    assert [s["input"] for s in state["samples"]] == ["a1"]
    save = {
        "path": "tool.lark",
        "grammar": GRAMMAR + "// saved\n",
        "samples": [*state["samples"], {"input": "b", "expected": False}],
        "base": state["base"],
    }
    r = post(client, "/api/file/save", save)
    assert r.status_code == 200 and r.json()["written"] == ["tool.lark", "tool.samples.toml"]
    assert (project / "tool.lark").read_text() == GRAMMAR + "// saved\n"
    assert (project / "tool.samples.toml").read_text() == "valid = [\n  'a1',\n]\ninvalid = [\n  'b',\n]\n"
    # Someone else edits the file; the page's next save (with the old fingerprints) is refused.
    (project / "tool.lark").write_text("start: \"z\"\n")
    r = post(client, "/api/file/save", {**save, "base": r.json()["base"], "grammar": GRAMMAR})
    assert r.status_code == 409 and r.json()["conflict"] == ["tool.lark"]
    assert "tool.lark changed on disk since it was loaded" in r.json()["error"]
    assert (project / "tool.lark").read_text() == 'start: "z"\n'
    r = post(client, "/api/file/save", {**save, "grammar": GRAMMAR, "force": True})
    assert r.status_code == 200 and (project / "tool.lark").read_text() == GRAMMAR
    r = post(client, "/api/file/save", {**save, "path": "../x.lark"})
    assert r.status_code == 400 and r.json() == {"error": "../x.lark: outside the playground's folder"}
    r = post(client, "/api/file/save", {**save, "samples": [{"input": 3}]})
    assert r.status_code == 400
