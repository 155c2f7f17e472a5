-- +goose Up
CREATE INDEX CONCURRENTLY visit_page ON visit (page);
-- +goose NO TRANSACTION

-- +goose Down
DROP INDEX CONCURRENTLY visit_page;
