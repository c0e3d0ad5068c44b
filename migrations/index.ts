import { Foundation1764400000000 } from './1764400000000-Foundation';
import { Policies1764800000000 } from './1764800000000-Policies';
import { Checkins1764700000000 } from './1764700000000-Checkins';
import { PolicySituationsAmount1765000000000 } from './1765000000000-PolicySituationsAmount';
import { PolicyAmounts1765000000001 } from './1765000000001-PolicyAmounts';
import { PolicyQuestionWeeks1765000000002 } from './1765000000002-PolicyQuestionWeeks';
import { Bookings1765200000000 } from './1765200000000-Bookings';
import { FamilyReminders1765400000000 } from './1765400000000-FamilyReminders';
import { Visits1765400000001 } from './1765400000001-Visits';
import { Needs1765400000002 } from './1765400000002-Needs';
import { Safety1765100000000 } from './1765100000000-Safety';
import { Miniprogram1765500000000 } from './1765500000000-Miniprogram';
import { Activities1765300000000 } from './1765300000000-Activities';
import { Stats1765600000000 } from './1765600000000-Stats';
import { ResidentVersions1765700000000 } from './1765700000000-ResidentVersions';
import { RedundantIndexes1765800000000 } from './1765800000000-RedundantIndexes';

/** Every migration, oldest first; each feature appends its own. */
export const MIGRATIONS = [
  Foundation1764400000000,
  Policies1764800000000,
  Checkins1764700000000,
  PolicySituationsAmount1765000000000,
  PolicyAmounts1765000000001,
  PolicyQuestionWeeks1765000000002,
  Safety1765100000000,
  Bookings1765200000000,
  Activities1765300000000,
  FamilyReminders1765400000000,
  Visits1765400000001,
  Needs1765400000002,
  Miniprogram1765500000000,
  Stats1765600000000,
  ResidentVersions1765700000000,
  RedundantIndexes1765800000000,
];
