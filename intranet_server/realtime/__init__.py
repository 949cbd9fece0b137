"""Real time: Socket.IO rooms and their handlers (`sockets`), events numbered per room and sent
after commit (`events`), and the lobby's service summaries published off the hot path (`lobby`)."""
