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