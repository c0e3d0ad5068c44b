import type { AppContext } from '../../services/context';
import type { AnyRoute } from '../route';
import { devRoutes } from './dev';
import { policyRoutes } from './policies';
import { authRoutes } from './auth';
import { organisationRoutes } from './organisation';
import { residentRoutes } from './residents';
import { miniappRoutes } from './miniapp';
import { checkinRoutes } from './checkins';
import { handoffRoutes } from './handoffs';
import { familyRoutes } from './families';
import { visitRoutes } from './visits';
import { needRoutes } from './needs';
import { bookingRoutes } from './bookings';
import { activityRoutes } from './activities';
import { broadcastRoutes } from './broadcasts';
import { reminderRoutes } from './reminders';

/** Every `/api` route of this instance; each feature adds its module here. */
export function apiRoutes(ctx: AppContext): AnyRoute[] {
  return [
    ...policyRoutes,
    ...authRoutes,
    ...organisationRoutes,
    ...residentRoutes,
    ...miniappRoutes,
    ...checkinRoutes,
    ...handoffRoutes,
    ...familyRoutes,
    ...visitRoutes,
    ...needRoutes,
    ...bookingRoutes,
    ...activityRoutes,
    ...broadcastRoutes,
    ...reminderRoutes,
    ...(ctx.config.devEndpoints ? devRoutes : []),
  ];
}
