-- +goose Up
CREATE TABLE visit (
		id int NOT NULL,
		page text,
		PRIMARY KEY(id)
);                  -- first

-- comment
SELECT 2;           -- second
SELECT 3; SELECT 3; -- third
SELECT 4;           -- fourth

-- +goose Down
-- comment
DROP TABLE visit;    -- first
