-- +goose Up
CREATE TABLE orders (id int PRIMARY KEY, placed_at timestamptz);
CREATE INDEX CONCURRENTLY orders_placed_at ON orders (placed_at);

-- +goose Down
DROP TABLE orders;
