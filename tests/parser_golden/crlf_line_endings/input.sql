-- +goose Up
CREATE TABLE windows (
    id int,
    name text
);

-- +goose StatementBegin
SELECT 'one';
SELECT 'two';
-- +goose StatementEnd
-- +goose Down
DROP TABLE windows;
