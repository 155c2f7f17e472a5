-- Users and an audit trail.
-- +goose Up
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL UNIQUE
);
CREATE TABLE audit (id serial PRIMARY KEY, note text); INSERT INTO audit (note) VALUES ('created; with a semicolon');

-- +goose Down
DROP TABLE audit; DROP TABLE users;
