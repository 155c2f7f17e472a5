

-- a note before Up
-- +goose Up

-- a note in Up
-- +goose Down

