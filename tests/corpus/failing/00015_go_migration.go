package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upGoMigration, downGoMigration)
}

func upGoMigration(ctx context.Context, tx *sql.Tx) error {
	return nil
}

func downGoMigration(ctx context.Context, tx *sql.Tx) error {
	return nil
}
