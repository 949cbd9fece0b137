"""Helpers of the screen tests: tickets from a kiosk, a signed-in page, the API as a person."""
from __future__ import annotations

import requests


def issue(server, token, service="PP", priority=None):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service, "priority": priority},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def signed_in(browser, server, username, path=None, lang="id", viewport=(1366, 900)):
    """A new page (its own context, so several people can sit side by side) signed in as `username`."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(server.url + f"/login?lang={lang}" + (f"&next={path}" if path else ""))
    page.fill("#username", username)
    page.fill("#password", "demo12345")
    page.click("#login-submit")
    page.wait_for_url(f"**{path}" if path else "**/*")
    page.wait_for_load_state()
    page.wait_for_function("document.body && document.body.dataset.online === 'yes'")
    return page


def as_person(server, username) -> requests.Session:
    return server.login(username)
