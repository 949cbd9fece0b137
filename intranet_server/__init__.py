"""The PTSA intranet server. Keep this file free of imports: `ptsa serve` must be able to
monkey-patch for eventlet/gevent before Flask or any driver is imported."""
