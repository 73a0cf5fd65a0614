-- When each schedule last fired, so a fire missed while promptrelay was down is made up once at start.
CREATE TABLE schedule_fire (
    name      VARCHAR(256) PRIMARY KEY,
    fired_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
