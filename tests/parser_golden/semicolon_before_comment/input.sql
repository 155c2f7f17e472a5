-- +goose Up
SELECT 1; -- done
SELECT 2   ; -- spaced
SELECT 3 -- not ended ;
, 4;
SELECT 5 " ; " -- quoted
, 6;
SELECT 7;-- glued comment
SELECT 8; /* block comment */
SELECT 9;
