CREATE TABLE visit (
		id int NOT NULL,
		page text,
		PRIMARY KEY(id)
);                  -- first