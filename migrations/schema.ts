import { QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Column builders for migrations written with the QueryRunner schema API, which runs on SQLite and
 * MySQL/MariaDB alike (generated SQL would be dialect-specific).
 */
export const col = {
  id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
  int: (name: string, opts: { nullable?: boolean; default?: number } = {}): TableColumnOptions => ({
    name, type: 'int', isNullable: opts.nullable ?? false, default: opts.default,
  }),
  str: (name: string, length: number, opts: { nullable?: boolean; default?: string } = {}): TableColumnOptions => ({
    name, type: 'varchar', length: String(length), isNullable: opts.nullable ?? false,
    default: opts.default === undefined ? undefined : `'${opts.default}'`,
  }),
  text: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({ name, type: 'text', isNullable: opts.nullable ?? false }),
  bool: (name: string, def = false): TableColumnOptions => ({ name, type: 'boolean', default: def ? 1 : 0 }),
  datetime: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
    name, type: 'datetime', precision: 3, isNullable: opts.nullable ?? false,
  }),
  created: (name = 'createdAt'): TableColumnOptions => ({
    name, type: 'datetime', precision: 3, default: 'CURRENT_TIMESTAMP(3)',
  }),
};

/** Creates a table with its indexes; `unique` and `index` list column groups. */
export async function createTable(
  qr: QueryRunner,
  name: string,
  columns: TableColumnOptions[],
  indexes: { columns: string[]; unique?: boolean }[] = [],
): Promise<void> {
  const sqlite = qr.connection.driver.options.type === 'better-sqlite3';
  const fixed = columns.map((c) => {
    // SQLite has no CURRENT_TIMESTAMP(3); TypeORM fills the creation time itself on insert anyway.
    if (sqlite && c.default === 'CURRENT_TIMESTAMP(3)') return { ...c, default: "(strftime('%Y-%m-%d %H:%M:%f','now'))" };
    return c;
  });
  await qr.createTable(new Table({ name, columns: fixed }), true);
  for (const idx of indexes) {
    await qr.createIndex(
      name,
      new TableIndex({ name: `IDX_${name}_${idx.columns.join('_')}`, columnNames: idx.columns, isUnique: idx.unique ?? false }),
    );
  }
}
