-- +goose ENVSUB ON
-- +goose Up
CREATE TABLE ${APP_REGION}orders (
		id int NOT NULL,
		placed_at timestamptz,
		PRIMARY KEY(id)
);                  -- first

-- comment
SELECT 2;           -- second
SELECT 3; SELECT 3; -- third, two commands on one line
SELECT 4;           -- fourth

-- +goose Down
-- comment
DROP TABLE ${APP_REGION}orders;    -- first
