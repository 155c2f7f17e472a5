   
-- +goose Up
-- +goose StatementBegin
CREATE INDEX ON public.orders (customer_id);
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP INDEX IF EXISTS orders_customer_id_idx;
-- +goose StatementEnd
