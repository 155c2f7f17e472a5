-- +goose Up
INSERT INTO users (id, email) VALUES (1, 'ada@example.com'), (2, 'bob@example.com')
ON CONFLICT DO NOTHING;

-- +goose Down
-- Seed rows stay: nothing to undo.
