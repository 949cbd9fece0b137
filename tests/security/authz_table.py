"""The authorization matrix: every HTTP route and Socket.IO operation × every role and placement,
with the answer expected. tests/security/test_authz_matrix.py generates the operations from the app's
route table and Socket.IO handlers, so a new route without a row here fails that test.

Adding a route = adding ONE line: "METHOD /rule as in the url_map": "anon kiosk p0 p1 p2 sup admin".
Each column is the answer for that caller:
  anon   nobody signed in               kiosk  a registered kiosk (Authorization: Bearer)
  p0     the P0 of ANOTHER booth (4; the resources are at booth 3, in queue PP, which booth 4 also serves)
  p1     a P1 of ANOTHER echelon-1 unit (the task is with PHIJSK)
  p2     a P2 of an echelon-2 unit outside PHIJSK
  sup    the supervisor of ANOTHER unit (BARENBANG)
  admin  the administrator
A number is the exact status (401 not signed in, 403 not allowed, 302 a page sending you elsewhere);
`ok` means allowed: anything but 401/403/5xx and a redirect to the login (the body is `{}`, so an
allowed caller may well get 404/409/422).
Socket.IO rows: "SIO connect", "SIO disconnect" and "SIO sync <room>" (ok: the room is readable)."""

ROWS = {
    # pages
    "GET /":                                        "ok  ok  302 302 302 302 302",
    "GET /login":                                   "ok  ok  ok  ok  ok  ok  ok",
    "GET /display":                                 "ok  ok  ok  ok  ok  ok  ok",
    "GET /booth":                                   "302 302 ok  302 302 302 302",
    "GET /inbox":                                   "302 302 302 ok  ok  302 302",
    "GET /supervisor":                              "302 302 302 302 302 ok  ok",
    "GET /healthz":                                 "ok  ok  ok  ok  ok  ok  ok",
    "GET /static/<path:filename>":                  "ok  ok  ok  ok  ok  ok  ok",
    # signing in
    "POST /api/v1/auth/login":                      "ok  ok  ok  ok  ok  ok  ok",
    "POST /api/v1/auth/logout":                     "ok  ok  ok  ok  ok  ok  ok",
    "POST /api/v1/auth/logout-everywhere":          "401 401 ok  ok  ok  ok  ok",
    "GET /api/v1/auth/me":                          "401 401 ok  ok  ok  ok  ok",
    "GET /api/v1/openapi.json":                     "ok  ok  ok  ok  ok  ok  ok",
    # lobby and kiosks
    "GET /api/v1/services":                         "ok  ok  ok  ok  ok  ok  ok",
    "GET /api/v1/display":                          "ok  ok  ok  ok  ok  ok  ok",
    "POST /api/v1/tickets":                         "401 ok  401 401 401 401 401",
    "POST /api/v1/tickets/<int:ticket_id>/printed": "401 403 401 401 401 401 401",
    "POST /api/v1/kiosk/printer":                   "401 ok  401 401 401 401 401",
    "GET /api/v1/kiosks":                           "401 401 ok  ok  ok  ok  ok",
    # the booth
    "GET /api/v1/booth":                            "401 401 ok  403 403 403 403",
    "POST /api/v1/queue/call-next":                 "401 401 ok  403 403 403 403",
    "GET /api/v1/tickets/<int:ticket_id>":          "401 401 ok  ok  ok  ok  ok",
    "POST /api/v1/tickets/<int:ticket_id>/call":    "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/recall":  "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/start":   "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/finish":  "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/no-show": "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/park":    "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/resume":  "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/transfer": "401 401 403 403 403 403 403",
    "POST /api/v1/tickets/<int:ticket_id>/reprint": "401 401 ok  403 403 403 403",
    # tasks
    "GET /api/v1/tasks":                            "401 401 ok  ok  ok  ok  ok",
    "POST /api/v1/tasks":                           "401 401 403 403 403 403 403",
    "GET /api/v1/tasks/<int:task_id>":              "401 401 403 403 403 403 ok",
    "POST /api/v1/tasks/<int:task_id>/claim":       "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/unclaim":     "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/reassign":    "401 401 403 403 403 403 ok",
    "POST /api/v1/tasks/<int:task_id>/forward":     "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/request-document": "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/resume":      "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/complete":    "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/return":      "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/comment":     "401 401 403 403 403 403 ok",
    "POST /api/v1/tasks/<int:task_id>/cancel":      "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/resend":      "401 401 403 403 403 403 403",
    "POST /api/v1/tasks/<int:task_id>/ack":         "401 401 403 403 403 403 403",
    # supervision
    "GET /api/v1/alerts":                           "401 401 403 403 403 ok  ok",
    "POST /api/v1/alerts/<int:alert_id>/ack":       "401 401 403 403 403 403 ok",
    "GET /api/v1/supervisor":                       "401 401 403 403 403 ok  ok",
    "GET /api/v1/outbox":                           "401 401 403 403 403 ok  ok",
    "POST /api/v1/outbox/retry":                    "401 401 403 403 403 403 ok",
    # units and the calendar
    "GET /api/v1/units":                            "401 401 ok  ok  ok  ok  ok",
    "GET /api/v1/units/<code>/staff":               "401 401 ok  ok  ok  ok  ok",
    "PUT /api/v1/units/<code>/calendar":            "401 401 403 403 403 403 ok",
    "GET /api/v1/calendar":                         "401 401 ok  ok  ok  ok  ok",
    "GET /api/v1/calendar/overrides":               "401 401 ok  ok  ok  ok  ok",
    "POST /api/v1/calendar/overrides":              "401 401 403 403 403 403 ok",
    "DELETE /api/v1/calendar/overrides/<int:override_id>": "401 401 403 403 403 403 ok",
    # pages added later (the admin, reports, survey and password screens); /metrics answers this
    # machine (the test client is 127.0.0.1: [metrics] allow)
    "GET /admin":                                   "302  302  302  302  302  ok   ok",
    "GET /metrics":                                 "ok   ok   ok   ok   ok   ok   ok",
    "GET /password":                                "302  302  ok   ok   ok   ok   ok",
    "GET /reports":                                 "302  302  ok   ok   ok   ok   ok",
    "GET /reports/drill":                           "302  302  ok   ok   ok   ok   ok",
    "GET /reports/skm":                             "302  302  302  302  302  ok   ok",
    "GET /survey":                                  "ok   ok   ok   ok   ok   ok   ok",
    # administration: the admin changes; a supervisor reads the catalog, staff and service levels
    "DELETE /api/v1/admin/calendar/overrides/<int:override_id>": "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/audit":                      "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/audit.csv":                  "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/catalog":                    "401  401  403  403  403  ok   ok",
    "GET /api/v1/admin/catalog.toml":               "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/kiosks":                     "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/notifications":              "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/service-levels":             "401  401  403  403  403  ok   ok",
    "GET /api/v1/admin/staff":                      "401  401  403  403  403  ok   ok",
    "GET /api/v1/admin/staff.csv":                  "401  401  403  403  403  403  ok",
    "PATCH /api/v1/admin/booths/<int:number>":      "401  401  403  403  403  403  ok",
    "PATCH /api/v1/admin/services/<code>":          "401  401  403  403  403  403  ok",
    "PATCH /api/v1/admin/staff/<username>":         "401  401  403  403  403  403  ok",
    "PATCH /api/v1/admin/units/<code>":             "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/booths":                    "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/calendar/overrides":        "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/calendar/preview":          "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/kiosks":                    "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/kiosks/<name>/revoke":      "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/notifications/test":        "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/service-levels/preview":    "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/services":                  "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/staff":                     "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/staff/<username>/password": "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/staff/import":              "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/staff/import/preview":      "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/units":                     "401  401  403  403  403  403  ok",
    "PUT /api/v1/admin/service-levels":             "401  401  403  403  403  403  ok",
    # the units' systems: clients and webhooks are the admin's (or a client's own, with its secret);
    # bookings are made by a booking system's client secret only, so every session is refused
    "DELETE /api/v1/bookings/<code>":               "401  401  403  403  403  403  403",
    "DELETE /api/v1/webhooks/<int:webhook_id>":     "401  401  403  403  403  403  ok",
    "GET /api/v1/admin/clients":                    "401  401  403  403  403  403  ok",
    "GET /api/v1/bookings/<code>":                  "401  401  403  403  403  403  403",
    "GET /api/v1/events":                           "401  401  403  403  403  403  ok",
    "GET /api/v1/webhooks":                         "401  401  403  403  403  403  ok",
    "GET /api/v1/webhooks/<int:webhook_id>/deliveries":"401  401  403  403  403  403  ok",
    "POST /api/v1/admin/clients":                   "401  401  403  403  403  403  ok",
    "POST /api/v1/admin/clients/<int:client_id>/revoke":"401  401  403  403  403  403  ok",
    "POST /api/v1/admin/clients/<int:client_id>/rotate":"401  401  403  403  403  403  ok",
    "POST /api/v1/bookings":                        "401  401  403  403  403  403  403",
    "POST /api/v1/webhooks":                        "401  401  403  403  403  403  ok",
    "POST /api/v1/webhooks/<int:webhook_id>/redeliver":"401  401  403  403  403  403  ok",
    # reports: officers see their own figures; SKM and today's tiles are for supervisors and above
    "GET /api/v1/reports/drill":                    "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/drill.<fmt>":              "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/monthly.<fmt>":            "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/skm":                      "401  401  403  403  403  ok   ok",
    "GET /api/v1/reports/skm.csv":                  "401  401  403  403  403  ok   ok",
    "GET /api/v1/reports/skm.xlsx":                 "401  401  403  403  403  ok   ok",
    "GET /api/v1/reports/tasks":                    "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/tasks.<fmt>":              "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/today":                    "401  401  403  403  403  ok   ok",
    "GET /api/v1/reports/trend":                    "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/visitors":                 "401  401  ok   ok   ok   ok   ok",
    "GET /api/v1/reports/visitors.<fmt>":           "401  401  ok   ok   ok   ok   ok",
    # the satisfaction survey: a kiosk or the booth's tablet (bearer), or the P0 of that booth
    "GET /api/v1/surveys/form":                     "ok   ok   ok   ok   ok   ok   ok",
    "GET /api/v1/surveys/tablet":                   "401  401  401  401  401  401  401",
    "GET /api/v1/surveys/ticket":                   "401  ok   401  401  401  401  401",
    "POST /api/v1/surveys":                         "401  ok   ok   403  403  403  403",
    # the rest: sign-in password change, presence, undo
    "GET /api/v1/presence":                         "401  401  403  403  403  ok   ok",
    "POST /api/v1/auth/password":                   "401  401  ok   ok   ok   ok   ok",
    "POST /api/v1/tickets/<int:ticket_id>/undo":    "401  401  ok   403  403  403  403",
    # Socket.IO
    "SIO connect":                                  "ok  ok  ok  ok  ok  ok  ok",
    "SIO disconnect":                               "ok  ok  ok  ok  ok  ok  ok",
    "SIO sync display":                             "ok  403 ok  ok  ok  ok  ok",
    "SIO sync lobby":                               "ok  ok  ok  ok  ok  ok  ok",
    "SIO sync staff":                               "403 403 ok  ok  ok  ok  ok",
    "SIO sync booth:3":                             "403 403 403 403 403 403 403",
    "SIO sync service:PP":                          "403 403 ok  403 403 ok  ok",
    "SIO sync kiosk:matrix-kiosk":                  "403 ok  403 403 403 403 403",
    "SIO sync unit:PHIJSK":                         "403 403 403 403 403 403 ok",
    "SIO sync supervisor:PHIJSK":                   "403 403 403 403 403 403 ok",
}
