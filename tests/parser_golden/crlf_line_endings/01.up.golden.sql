CREATE TABLE windows (
    id int,
    name text
);