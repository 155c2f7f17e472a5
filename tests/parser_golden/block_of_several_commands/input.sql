-- +goose Up
-- +goose StatementBegin
CREATE TABLE account (
    login             text PRIMARY KEY,
    balance           numeric NOT NULL
);

CREATE TABLE account_log(
    action            char(1)     NOT NULL,
    at                timestamptz NOT NULL,
    login             text        NOT NULL,
    balance numeric
);

CREATE OR REPLACE FUNCTION log_account() RETURNS trigger AS $log$
    BEGIN
        --
        -- keep one row per change, tagged with the operation
        --
        IF (TG_OP = 'DELETE') THEN
            INSERT INTO account_log SELECT 'D', now(), OLD.login, OLD.balance;
        ELSE
            INSERT INTO account_log SELECT left(TG_OP, 1), now(), NEW.login, NEW.balance;
        END IF;
        RETURN NULL; -- ignored for AFTER triggers
    END;
$log$ LANGUAGE plpgsql;

CREATE TRIGGER account_log
AFTER INSERT OR UPDATE OR DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION log_account();
-- +goose StatementEnd

-- +goose Down
