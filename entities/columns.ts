import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/**
 * Dialect-neutral column helpers. Instants are stored as UTC: `datetime(3)` on MySQL/MariaDB (the
 * connection runs with time zone 'Z'; `timestamp` would end in 2038), ISO-like text on SQLite.
 */
export function DateTimeColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, nullable: options.nullable ?? false, name: options.name });
}

/** Creation instant, filled by the database layer. */
export function CreatedAt(): PropertyDecorator {
  return CreateDateColumn({ type: 'datetime', precision: 3 });
}

/** Last update instant, filled by the database layer. */
export function UpdatedAt(): PropertyDecorator {
  return UpdateDateColumn({ type: 'datetime', precision: 3 });
}

/** A short string. */
export function StringColumn(length: number, options: Pick<ColumnOptions, 'nullable' | 'default' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length, nullable: options.nullable ?? false, default: options.default, name: options.name });
}

/** Long text (message bodies, policy content). */
export function TextColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'text', nullable: options.nullable ?? false });
}

/** A JSON value kept as text, readable on both engines. */
export function JsonColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'simple-json', nullable: options.nullable ?? false });
}

/** An integer (ids of other records, counts). */
export function IntColumn(options: Pick<ColumnOptions, 'nullable' | 'default' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'int', nullable: options.nullable ?? false, default: options.default, name: options.name });
}

/** A boolean (tinyint on MySQL, integer on SQLite). */
export function BoolColumn(options: Pick<ColumnOptions, 'default'> = {}): PropertyDecorator {
  return Column({ type: 'boolean', default: options.default ?? false });
}
