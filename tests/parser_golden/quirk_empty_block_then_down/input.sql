-- +goose Up
-- +goose StatementBegin
-- only a comment in this block
-- +goose StatementEnd

-- +goose Down
DROP TABLE nothing_here;
