"""Today's calls read from an index in call order, however many visitors the day has had:
- the ratio policy's history (every call-next: the priority flags of the queue's latest first calls today) from
  (business_day, first_called_at), read backwards until enough rows of the booth's queues are found, where the
  single-column index on business_day made SQLite sort every call of the day (0.29 ms at 1,000 calls of
  two queues, 9 µs with it);
- the display board's last calls (its snapshot) from (business_day, called_at), likewise (0.7 ms at 3,000).
Both lead with business_day, so they serve everything the single-column index served, which goes.
And the single-column index on arrived_at goes too: no query reads tickets by arrival alone (the waiting line
reads (status, service_id, arrived_at)), while every ticket issued wrote it.
The models declare the same. Idempotent: a fresh database has both from 0001 (and 0003 made the old one again)."""

INDEXES = (
    ("ticket_business_day_first_called_at", ("business_day", "first_called_at")),
    ("ticket_business_day_called_at", ("business_day", "called_at")),
)


def up(migrator, db):
    for name, columns in INDEXES:
        quoted = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "ticket" ({quoted})')
    db.execute_sql('DROP INDEX IF EXISTS "ticket_business_day"')
    db.execute_sql('DROP INDEX IF EXISTS "ticket_arrived_at"')
