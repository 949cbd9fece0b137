"""Every page in both languages: WCAG 2.1 AA checked by axe-core (vendored in tests/vendor) with 0
serious or critical violations, and screenshots at 1366x768 and 1920x1080 for a person to look at
(test-artifacts/screens/, gitignored). The pages show a realistic morning: visitors waiting, one at
booth 3, a task on its way, an SLA alert on the supervisor screen."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.screens.helpers import as_person, issue
from tests.support.browser import browser, sign_in, watched  # noqa: F401  (browser: fixture)
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
VIEWPORTS = [(1366, 768), (1920, 1080)]
# (name, path, who signs in, a selector that shows the page has its data)
PAGES = [
    ("index", "/", None, "main"),
    ("login", "/login", None, "#login-submit"),
    ("display", "/display", None, "#recent li"),
    ("booth", "/booth", "p0-03", "#current .current-ticket"),
    ("inbox", "/inbox", "p1-09", "#list-pickup .task-card"),
    ("supervisor", "/supervisor", "sup-phijsk", "#alerts .alert-card"),
]


@pytest.fixture(scope="module")
def morning(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("a11y") / "live", env={"PTSA_SLA_PICKUP_P0_P1": "3s"})
    live.init()
    live.start()
    token = live.kiosk_token("lobby-a11y")
    for service, priority in (("PP", "lansia"), ("PP", None), ("PKB", None), ("PP", None)):
        issue(live, token, service, priority)
    dimas = as_person(live, "p0-03")
    called = dimas.post(live.url + "/api/v1/queue/call-next", timeout=10).json()
    r = dimas.post(live.url + "/api/v1/tasks", timeout=10, json={
        "ticket_id": called["id"], "summary": "Pengesahan peraturan perusahaan PT Sinar Jaya: cek draf dan lampiran",
        "contact": "+6281234567890"})
    assert r.status_code == 201, r.text
    yield live
    live.stop()


def open_page(browser, server, path, who, lang, viewport):  # noqa: F811  (a browser, not the fixture)
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = watched(context.new_page())
    if who:
        sign_in(page, server.url, who, path, lang=lang)
    else:
        page.goto(server.url + f"{path}?lang={lang}")
    page.wait_for_load_state()
    return page


def serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:4])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name,path,who,ready", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_passes_axe_and_is_photographed(morning, browser, artifacts, lang, name, path, who, ready):  # noqa: F811
    folder = artifacts / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for width, height in VIEWPORTS:
        page = open_page(browser, morning, path, who, lang, (width, height))
        page.wait_for_selector(ready, timeout=30000)
        page.screenshot(path=str(folder / f"{name}-{lang}-{width}x{height}.png"))
        problems += [f"{width}x{height}: {p}" for p in serious(page)]
        assert page.errors == [], page.errors
        page.context.close()
    assert problems == [], "\n".join(problems)
