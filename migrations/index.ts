import { Foundation1764400000000 } from './1764400000000-Foundation';

/** Every migration, oldest first; each feature appends its own. */
export const MIGRATIONS = [Foundation1764400000000];
