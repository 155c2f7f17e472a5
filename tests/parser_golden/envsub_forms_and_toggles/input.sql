-- +goose Up

-- +goose ENVSUB ON
CREATE TABLE profile (
	id int NOT NULL,
	$APP_NAME text,
	${APP_NAME}_alias text,
	${UNSET_VAR:-fallback}_one text,
	${APP_EMPTY-fallback}two text,
	plain text
);
-- +goose ENVSUB OFF

CREATE TABLE profile (
	id int NOT NULL,
	$APP_NAME text,
	${APP_NAME}_alias text,
	${UNSET_VAR:-fallback}_one text,
	${APP_EMPTY-fallback}two text,
	plain text
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION greet()
RETURNS void AS $$
-- +goose ENVSUB ON
BEGIN
	RAISE NOTICE 'hello ${APP_NAME} \$APP_NAME \$APP_NAME';
END;
-- +goose ENVSUB OFF
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
