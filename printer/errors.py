"""Exceptions raised by the printer package."""


class PrinterError(Exception):
    """A ticket could not be printed (printer unreachable, offline, out of paper, I/O error)."""


class PrinterOfflineError(PrinterError):
    """The printer cannot be reached or reports itself offline (cover open, switched off...)."""


class PaperOutError(PrinterError):
    """The printer reports that the paper roll is empty."""


class PrinterSpecError(ValueError):
    """The printer setting string (e.g. ``usb:04b8:0202``) is malformed."""
