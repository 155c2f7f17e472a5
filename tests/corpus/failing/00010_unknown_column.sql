-- +goose Up
CREATE TABLE things (id int PRIMARY KEY);
INSERT INTO things VALUES (1);
SELECT id,
       nosuch_column
FROM things;

-- +goose Down
DROP TABLE things;
