-- +goose Up
SELECT 1;SELECT 2;
-- +goose Down
