-- +goose Up
CREATE TABLE later (id int);

-- +goose Down
-- +goose NO TRANSACTION
DROP TABLE later;
