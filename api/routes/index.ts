import type { AppContext } from '../../services/context';
import type { AnyRoute } from '../route';
import { devRoutes } from './dev';
import { policyRoutes } from './policies';

/** Every `/api` route of this instance; each feature adds its module here. */
export function apiRoutes(ctx: AppContext): AnyRoute[] {
  return [
    ...policyRoutes,
    ...(ctx.config.devEndpoints ? devRoutes : []),
  ];
}
