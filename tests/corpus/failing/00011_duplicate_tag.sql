-- +goose Up
CREATE TABLE tags (name text PRIMARY KEY);
INSERT INTO tags VALUES ('a');
INSERT INTO tags VALUES ('b');
INSERT INTO tags
VALUES ('a');
INSERT INTO tags VALUES ('c');

-- +goose Down
DROP TABLE tags;
