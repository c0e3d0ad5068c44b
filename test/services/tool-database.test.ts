import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeDatabase, toolDatabase } from '../../services/tool-database';

describe('the database a command-line tool uses', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tool-db-'));
  const product = path.join(root, 'project', 'data');
  mkdirSync(product, { recursive: true });
  writeFileSync(path.join(product, 'station.db'), '');

  it('says which database, never the password', () => {
    expect(describeDatabase('mysql://app:s3cret@db.internal:3307/station')).toBe('MySQL/MariaDB app@db.internal:3307/station');
    expect(describeDatabase('sqlite:/srv/station/data/station.db')).toBe('SQLite /srv/station/data/station.db');
    expect(toolDatabase('mysql://root@127.0.0.1/station', product)).toEqual({ says: '数据库 / database: MySQL/MariaDB root@127.0.0.1:3306/station', creates: false, refusal: null });
  });

  it('goes on with the product\'s own database', () => {
    const own = toolDatabase(`sqlite:${path.join(product, 'station.db')}`, product);
    expect(own).toMatchObject({ creates: false, refusal: null });
    expect(own.says).toContain(path.join(product, 'station.db'));
  });

  it('refuses to create a new empty database when the product\'s data is elsewhere, saying where it is', () => {
    const stray = path.join(root, 'elsewhere', 'data', 'station.db');
    const res = toolDatabase(`sqlite:${stray}`, product);
    expect(res.creates).toBe(true);
    expect(res.refusal).toContain(`没有找到数据库 ${stray}`);
    expect(res.refusal).toContain(`DATA_DIR=${product}`);
  });

  it('says aloud that it creates a new database when there is none anywhere (a first setup)', () => {
    const fresh = path.join(root, 'fresh', 'station.db');
    const res = toolDatabase(`sqlite:${fresh}`, path.join(root, 'no-product'));
    expect(res).toMatchObject({ creates: true, refusal: null });
    expect(res.says).toContain('新建');
  });
});
