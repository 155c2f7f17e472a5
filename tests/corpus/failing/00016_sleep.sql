-- +goose Up
CREATE TABLE slept (id int);
SELECT pg_sleep(60);

-- +goose Down
DROP TABLE slept;
