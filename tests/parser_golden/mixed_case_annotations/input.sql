-- +goose UP
CREATE TABLE invoice (
    id bigint PRIMARY KEY,
    total numeric(12, 2) NOT NULL,
    issued_on date
);

-- +goose statementbegin
CREATE FUNCTION invoice_guard() RETURNS trigger AS $guard$
    BEGIN
        -- refuse negative totals
        IF NEW.total < 0 THEN
            RAISE EXCEPTION 'total % is negative', NEW.total;
        END IF;

        -- stamp the date when it is missing
        IF NEW.issued_on IS NULL THEN
            NEW.issued_on := current_date;
        END IF;
        RETURN NEW;
    END;
$guard$ LANGUAGE plpgsql;
-- +goose STATEMENTEND

CREATE TRIGGER invoice_guard BEFORE INSERT OR UPDATE ON invoice
    FOR EACH ROW EXECUTE FUNCTION invoice_guard();

-- +goose Down
