"""Indexes no query needs: each column below leads a composite index of its table, which serves every
lookup the single-column one served (and the foreign keys' checks on delete), while each index costs a
write on every ticket issued and on every booth verb that changes the column. The models no longer
declare them, so a fresh database never has them; an older one loses them here (IF EXISTS)."""

REDUNDANT = (
    "ticket_issued_for_id",        # unique (issued_for_id, business_day, seq)
    "ticket_service_id",           # (service_id, finished_at), (service_id, status, no_show_at), ...
    "ticket_status",               # (status, service_id, arrived_at)
    "ticket_kiosk_id",             # unique (kiosk_id, idempotency_key)
    "ticket_booth_id",             # (booth_id, status)
    "ticket_counter_service_id",   # unique (service_id, business_day)
)


def up(migrator, db):
    for name in REDUNDANT:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
