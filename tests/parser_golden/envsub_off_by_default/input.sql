-- +goose Up
CREATE TABLE profile (
	id int NOT NULL,
	$NAME text,
	${NAME}_alias text,
	${UNSET_VAR:-fallback}_one text,
	${APP_EMPTY-fallback}two text
);
