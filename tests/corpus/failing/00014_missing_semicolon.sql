-- +goose Up
CREATE TABLE broken (id int)

-- +goose Down
DROP TABLE broken;
