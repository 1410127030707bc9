"""The memory inspector: pages and changes over HTTP, then the same in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from agentmem import Memory
from agentmem.testing import HashEmbedder

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from agentmem.ui import create_app  # noqa: E402

HOSTILE = ['<script>window.pwned = 1</script>', '<img src=x onerror="window.pwned = 2">',
           '"><svg onload="window.pwned = 3">', "{{ 7*7 }} {% raw %}"]


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        yield m


def _fill(m: Memory) -> dict[str, str]:
    cat = m.add("Ana's cat is called Oscar.", user_id="ana", kind="fact")
    m.update(cat.id, "Ana's cat is called Luna.", reason="she corrected the name")
    m.add("ana: I moved to Lisbon last spring.", user_id="ana", kind="turn")
    bad = m.add("Ana's cat is called Rex.", user_id="ana", provenance={"source": "web"})
    m.update(bad.id, metadata={"quarantined": True,
                               "guard_reason": "it does not support the consensus 'Luna'"})
    hostile = [m.add(t, user_id="mallory").id for t in HOSTILE]
    from agentmem.structures.notes import LinkedNotes
    from agentmem.structures.tasks import TaskTree

    notes = LinkedNotes(m, user_id="ana")
    jazz = notes.add("Ana plays jazz piano on Fridays.").note
    club = notes.add("Ana's jazz club meets at the harbour.").note
    notes.add(HOSTILE[0])
    notes.link(jazz.id, club.id, "both about Ana's jazz")
    tree = TaskTree.open(m, "Plan Ana's birthday", user_id="ana")
    tree.add_subtask(tree.root.id, "Book the harbour restaurant", status="active")
    return {"cat": cat.id, "bad": bad.id, "hostile": hostile[0], "jazz": jazz.id,
            "club": club.id, "task": tree.task_id}


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_pages_show_layers_scopes_scores_and_history(mem):
    ids = _fill(mem)
    client = TestClient(create_app(mem))
    home = client.get("/")
    assert home.status_code == 200 and "ana" in home.text and "mallory" in home.text
    assert 'href="/memories?kind=turn"' in home.text
    listing = client.get("/memories", params={"user": "ana", "kind": "fact"})
    assert "Luna" in listing.text and "I moved to Lisbon" not in listing.text
    found = client.get("/search", params={"q": "cat called", "user": "ana"})
    assert ids["cat"] in found.text and "vector rank" in found.text
    record = client.get(f"/memory/{ids['cat']}")
    assert "she corrected the name" in record.text
    assert '<span class="removed">Oscar.</span>' in record.text
    assert '<span class="added">Luna.</span>' in record.text
    quarantine = client.get("/quarantine")
    assert ids["bad"] in quarantine.text and "consensus &#39;Luna&#39;" in quarantine.text
    graph = client.get("/graph", params={"user": "ana"})
    assert ids["jazz"] in graph.text and "<title>both about Ana&#39;s jazz</title>" in graph.text
    assert "&lt;script&gt;" in graph.text and "within" not in graph.text
    assert "give a user or agent" in client.get("/graph").text
    tasks = client.get("/tasks", params={"user": "ana"})
    assert "Plan Ana&#39;s birthday" in tasks.text
    tree = client.get("/tasks", params={"user": "ana", "task": ids["task"]})
    assert "Book the harbour restaurant" in tree.text and "active" in tree.text
    assert client.get("/memory/nosuchid").status_code == 404
    assert client.get("/memories", params={"user": "bad id!"}).status_code == 400


def test_stored_markup_is_shown_as_text_never_run(mem):
    _fill(mem)
    client = TestClient(create_app(mem))
    for path in ("/memories?user=mallory", "/search?q=window+pwned&user=mallory",
                 "/quarantine", "/"):
        html = client.get(path).text
        for text in HOSTILE[:3]:
            assert text not in html  # every markup payload arrives escaped
    html = client.get("/memories?user=mallory").text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    # Stored text is not a template: the payload arrives as written, never as "49 ".
    # (A bare '"49" not in html' failed now and then on a random id or timestamp.)
    assert "{{ 7*7 }} {% raw %}" in html and "49 {% raw %}" not in html


def test_changes_need_csrf_go_through_the_apply_path_and_read_only_refuses(mem):
    ids = _fill(mem)
    client = TestClient(create_app(mem))
    path = f"/memory/{ids['cat']}"
    assert client.post(f"{path}/restore", data={"version": "1"}).status_code == 403
    assert client.post(f"{path}/restore", data={"version": "1", "csrf": "forged"}
                       ).status_code == 403
    token = _csrf(client, path)
    done = client.post(f"{path}/restore", data={"version": "1", "csrf": token})
    assert done.status_code == 200 and mem.get(ids["cat"]).content == "Ana's cat is called Oscar."
    last = mem.history(ids["cat"])[-1]
    assert (last.op, last.actor) == ("RESTORE", "ui")
    client.post("/undo", data={"batch": last.batch, "csrf": token, "back": path})
    assert mem.get(ids["cat"]).content == "Ana's cat is called Luna."
    client.post(f"/memory/{ids['bad']}/release", data={"csrf": token})
    assert not mem.get(ids["bad"]).metadata.get("quarantined")
    client.post(f"/memory/{ids['bad']}/confirm", data={"csrf": token})
    assert mem.history(ids["bad"])[-1].op == "DELETE" and mem.history(ids["bad"])[-1].actor == "ui"

    frozen = TestClient(create_app(mem, read_only=True))
    token = _csrf(TestClient(create_app(mem)), path)
    before = mem.history(ids["cat"])
    refused = frozen.post(f"{path}/restore", data={"version": "1", "csrf": token},
                          cookies={"agentmem_csrf": token})
    assert refused.status_code == 403 and "read-only" in refused.text
    assert mem.history(ids["cat"]) == before and "restore v1" not in frozen.get(path).text


def test_an_access_token_guards_every_page(mem):
    _fill(mem)
    client = TestClient(create_app(mem, token="s3cret"))
    assert client.get("/").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    assert client.get("/?token=s3cret").status_code == 200
    assert client.get("/memories").status_code == 200  # remembered in a cookie


# -- a real browser ------------------------------------------------------------------------

def _chromium():
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chrome or not driver:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Chromium: apt-get install chromium chromium-driver")
        pytest.skip("no Chromium here: apt-get install chromium chromium-driver")
    pytest.importorskip("selenium")
    os.environ.setdefault("SE_OFFLINE", "true")  # never download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture
def served(mem):
    import uvicorn

    ids = _fill(mem)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(mem), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    server.should_exit = True
    thread.join(10)


@pytest.mark.slow
def test_browse_search_restore_release_in_chromium(served, mem):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.wait import WebDriverWait

    base, ids = served
    shots = os.environ.get("AGENTMEM_SCREENSHOTS")
    browser = _chromium()
    try:
        def shown(element_id: str, text: str = ""):
            """The element once the page that has it (holding ``text``) has loaded.

            While a page is being replaced, Chromium may answer a read of the old page's
            node with a generic WebDriverException ("Node with given id does not belong to
            the document") rather than a stale-element error, so the wait retries on any.
            """
            WebDriverWait(browser, 20, ignored_exceptions=(WebDriverException,)).until(
                ready.text_to_be_present_in_element((By.ID, element_id), text))
            return browser.find_element(By.ID, element_id)

        def submit(css: str) -> None:
            """Click a button that sends a form, and wait until its page is gone (the old
            page's node answers with an error of either kind once it is)."""
            page = browser.find_element(By.TAG_NAME, "html")
            browser.find_element(By.CSS_SELECTOR, css).click()

            def gone(_) -> bool:
                try:
                    page.is_enabled()
                    return False
                except WebDriverException:
                    return True

            WebDriverWait(browser, 20).until(gone)

        def shot(name: str) -> None:
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                browser.save_screenshot(str(Path(shots) / f"ui_{name}.png"))

        browser.get(base + "/")
        assert shown("users").text.count("ana") == 1
        shot("scopes")
        browser.find_element(By.LINK_TEXT, "ana").click()  # to ana's memories
        assert "Ana's cat is called Luna." in shown("records", "Luna").text
        browser.find_element(By.LINK_TEXT, ids["cat"]).click()  # to the record's history
        history = shown("history", "UPDATE")
        assert "she corrected the name" in history.text
        added = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".diff .added")]
        assert "Luna." in added and "Oscar." in [
            e.text for e in browser.find_elements(By.CSS_SELECTOR, ".diff .removed")]
        shot("record")
        submit("button.restore[data-version='1']")
        shown("history", "RESTORE")
        assert mem.get(ids["cat"]).content == "Ana's cat is called Oscar."  # the data changed
        assert "RESTORE" in shown("history", "RESTORE").text
        browser.get(base + "/search")
        browser.find_element(By.ID, "q").send_keys("cat called")
        submit("#go")
        assert "within one scope" in shown("notice").text  # search is always scoped
        browser.find_element(By.ID, "user").send_keys("ana")
        submit("#go")
        assert ids["cat"] in shown("hits", ids["cat"]).text
        shot("search")
        browser.get(base + "/quarantine")
        assert "consensus 'Luna'" in shown("quarantine", "Luna").text
        shot("quarantine")
        submit("button.release")
        shown("quarantine")  # back on the (now shorter) queue
        assert ids["bad"] not in browser.find_element(By.ID, "quarantine").text
        assert not mem.get(ids["bad"]).metadata.get("quarantined")
        browser.get(base + "/graph?user=ana")
        link = browser.find_element(By.CSS_SELECTOR, f"line.link[data-from='{ids['jazz']}']")
        assert link.find_element(By.TAG_NAME, "title").get_attribute("textContent") == \
            "both about Ana's jazz"
        shot("graph")
        browser.find_element(By.CSS_SELECTOR, f"a.node[data-id='{ids['club']}'] circle").click()
        assert "harbour" in shown("history", "ADD").text  # the note's own page
        # Stored markup: shown as text, never run, whatever page shows it.
        for path in ("/memories?user=mallory", "/search?q=window+pwned&user=mallory",
                     f"/memory/{ids['hostile']}"):
            browser.get(base + path)
            shown("records" if "memories" in path else "hits" if "search" in path else "history")
            assert browser.execute_script("return window.pwned === undefined")
            assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img, main svg")
        assert "<script>window.pwned = 1</script>" in browser.find_element(By.TAG_NAME,
                                                                            "main").text
        browser.get(base + "/graph?user=ana")  # a note holding markup, drawn in the SVG
        shown("graph")
        assert browser.execute_script("return window.pwned === undefined")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#graph script")) == 0
    finally:
        browser.quit()


def test_an_agent_thread_shows_live_what_was_retrieved_cited_and_stored(tmp_path):
    pytest.importorskip("langgraph")
    from test_agent import make_agent  # tests/agentmem is on the path (rootdir import mode)

    with make_agent(tmp_path / "h") as agent:
        client = TestClient(create_app(agent.memory))
        assert "No agent has kept a thread" in client.get("/threads").text
        agent.chat("I moved to Lisbon last spring.", thread_id="t1")
        agent.flush()
        reply = agent.chat("Where do I live now?", thread_id="t1")
        agent.flush()
        client = TestClient(create_app(agent.memory))
        assert 'href="/thread/t1"' in client.get("/threads").text
        page = client.get("/thread/t1").text
        assert page.index("I moved to Lisbon") < page.index("Where do I live now?")
        assert '<span class="content answer">Lisbon</span>' in page
        assert f'href="/memory/{reply.cited_ids[0]}"' in page and "<strong>cited</strong>" in page
        assert 'http-equiv="refresh"' in page
