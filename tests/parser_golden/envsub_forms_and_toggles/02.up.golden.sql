CREATE TABLE profile (
	id int NOT NULL,
	$APP_NAME text,
	${APP_NAME}_alias text,
	${UNSET_VAR:-fallback}_one text,
	${APP_EMPTY-fallback}two text,
	plain text
);