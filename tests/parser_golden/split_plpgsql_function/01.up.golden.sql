CREATE TABLE IF NOT EXISTS reading (
	id           BIGSERIAL  PRIMARY KEY,
	value        numeric NOT NULL,
	taken_at     timestamp with time zone  NOT NULL
);