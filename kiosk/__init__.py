"""The lobby touchscreen kiosk (PySide6). Another machine than the server: it talks to it only over
HTTP and Socket.IO (client.py), prints through `printer`, and never imports `db` or `intranet_server`.
Entry point: `ptsa kiosk` -> kiosk.app.main."""
