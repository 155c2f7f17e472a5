-- +goose Up

CREATE TABLE shelf (
    id integer NOT NULL,
    label text
-- a comment at column 1 inside the statement
);
-- a comment right after the statement

-- a loose comment
-- and another one

CREATE TABLE shelf_archive (
    id integer NOT NULL,
    -- an indented comment inside
    label text
    -- one more before the closing parenthesis
);


-- +goose Down
