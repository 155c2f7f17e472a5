-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE nt_a (id int);
CREATE TABLE nt_b (id int);
CREATE TABLE nt_a (id int);
CREATE TABLE nt_c (id int);

-- +goose Down
DROP TABLE IF EXISTS nt_a, nt_b, nt_c;
