-- +goose Up
CREATE TABLE IF NOT EXISTS reading (
	id           BIGSERIAL  PRIMARY KEY,
	value        numeric NOT NULL,
	taken_at     timestamp with time zone  NOT NULL
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reading_partitions( DATE, DATE )
returns void AS $$
DECLARE
	ddl text;
BEGIN
	FOR ddl IN SELECT
			'CREATE TABLE IF NOT EXISTS reading_'
			|| TO_CHAR( d, 'YYYY_MM' )
			|| ' ( CHECK( taken_at >= timestamp '''
			|| TO_CHAR( d, 'YYYY-MM-DD 00:00:00' )
			|| ''' ) ) inherits ( reading );'
		FROM generate_series( $1, $2, '1 month' ) AS d
	LOOP
		EXECUTE ddl;
	END LOOP;  -- end of loop
END;         -- end of function
$$
language plpgsql;
-- +goose StatementEnd

-- +goose Down
drop function reading_partitions(DATE, DATE);
drop TABLE reading;
