"""Helpers of the screen tests: tickets from a kiosk, a signed-in page, the API as a person."""
from __future__ import annotations

import requests

from tests.support.browser import sign_in, watched


def issue(server, token, service="PP", priority=None):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service, "priority": priority},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def signed_in(browser, server, username, path=None, lang="id", viewport=(1366, 900)):
    """A new page (its own context, so several people can sit side by side) signed in as `username`."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = watched(context.new_page())
    sign_in(page, server.url, username, path, lang=lang)
    page.wait_for_load_state()
    page.wait_for_function("document.body && document.body.dataset.online === 'yes'")
    return page


def as_person(server, username) -> requests.Session:
    return server.login(username)
