CREATE TABLE eu_west_orders (
		id int NOT NULL,
		placed_at timestamptz,
		PRIMARY KEY(id)
);                  -- first