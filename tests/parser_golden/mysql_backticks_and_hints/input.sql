-- +goose Up

CREATE TABLE `alpha` (
    `first` DATETIME DEFAULT NOW(),
    `second` DATETIME DEFAULT NOW()
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE `beta` (
    `first` DATETIME DEFAULT NOW(),
    `second` DATETIME DEFAULT NOW()
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

/*!80031 ALTER TABLE `alpha` MODIFY `first` TEXT NOT NULL */;
/*!80031 ALTER TABLE `beta` MODIFY `second` TEXT NOT NULL */;
/*!80033 ALTER TABLE `alpha` MODIFY `second` TEXT NOT NULL */;
