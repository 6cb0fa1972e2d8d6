-- taskflow's own tables (applied by its deploy step; the harness runs it in each run's database).
CREATE TABLE IF NOT EXISTS monday_events (
    trigger_uuid text PRIMARY KEY,
    event_type   text NOT NULL,
    board_id     bigint,
    item_id      bigint,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS task_starts (
    attempt text PRIMARY KEY,
    starts  int NOT NULL
);
