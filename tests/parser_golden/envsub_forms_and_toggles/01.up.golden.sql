CREATE TABLE profile (
	id int NOT NULL,
	bar text,
	bar_alias text,
	fallback_one text,
	two text,
	plain text
);