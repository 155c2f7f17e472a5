INSERT INTO certificate (id, "pemText") VALUES (2, '-----BEGIN PUBLIC KEY-----
dGhpcmQgbGluZSBvZiBtYWRlIHVwIGRhdGEgdGhhdCBsb29rcyBsaWtlIGJhc2U2NAo
-- this line starts with two dashes but sits inside the string
-----END PUBLIC KEY-----
');