-- +goose Up
INSERT INTO word (w) VALUES ('été'), ('naïve');　
SELECT ' '; 
 
SELECT 1;
SELECT 2;
