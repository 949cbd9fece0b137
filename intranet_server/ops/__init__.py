"""What an office's IT officer runs and watches: backups (`backup`), `ptsa check` (`check`),
/metrics (`metrics`), JSON logs (`logs`) and the /healthz report (`health`)."""
