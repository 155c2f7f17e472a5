CREATE TABLE shelf (
    id integer NOT NULL,
    label text
-- a comment at column 1 inside the statement
);