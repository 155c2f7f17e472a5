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