CREATE TABLE shelf_archive (
    id integer NOT NULL,
    -- an indented comment inside
    label text
    -- one more before the closing parenthesis
);