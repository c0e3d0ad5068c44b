import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * Booking reminders: within the 24 hours before a booking's start, and again within the 2 hours
 * before. Each reminder has its own dedupe key, so runs that overlap (twice, or on two instances)
 * queue it once; a run after downtime sends what is still due and nothing stale.
 */
export const bookingRemindersJob: JobDefinition<AppContext> = {
  name: 'booking-reminders',
  schedule: '*/5 * * * *',
  description: '预约提醒：开始前 24 小时内提醒一次，开始前 2 小时内再提醒一次',
  async run(ctx, at) {
    return ctx.services.bookings.remind(at);
  },
};

/** Waiting-list offers nobody took in time pass to the next in line, or the seat goes back to everyone. */
export const bookingOffersJob: JobDefinition<AppContext> = {
  name: 'booking-offers',
  schedule: '* * * * *',
  description: '候补名额保留到期：转给下一位候补，没有候补则放回可约名额',
  catchUpMinutes: 5,
  async run(ctx, at) {
    return ctx.services.bookings.expireOffers(at);
  },
};
