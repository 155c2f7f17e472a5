-- +goose Up

CREATE TABLE certificate (
    id integer NOT NULL,
    "pemText" text
);

-- +goose StatementBegin
INSERT INTO certificate (id, "pemText") VALUES (1, '-----BEGIN CERTIFICATE-----
QUxUQUxVTkUgVEVTVCBEQVRBIE9OTFkgLSBOT1QgQSBSRUFMIENFUlRJRklDQVRFCg
c2Vjb25kIGxpbmUgb2YgbWFkZSB1cCBiYXNlNjQgdGV4dCBmb3IgdGhlIHBhcnNlcgo
-----END CERTIFICATE-----
');
-- +goose StatementEnd

INSERT INTO certificate (id, "pemText") VALUES (2, '-----BEGIN PUBLIC KEY-----
dGhpcmQgbGluZSBvZiBtYWRlIHVwIGRhdGEgdGhhdCBsb29rcyBsaWtlIGJhc2U2NAo
-- this line starts with two dashes but sits inside the string
-----END PUBLIC KEY-----
');

-- +goose Down
