
-- +goose Up
-- +goose StatementBegin
COPY public.colour (id, name, hex) FROM stdin;
1	red	ff0000
2	green	00ff00
3	blue	0000ff
\.
-- +goose StatementEnd
