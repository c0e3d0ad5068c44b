import { LessThan } from 'typeorm';
import { Conversation, JobRun, MessageLog, OutboxMessage } from '../entities';
import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

const DAY = 86400_000;

/** Deletes what is no longer needed: old chat logs, finished outbox rows, expired conversations, old job runs. */
export const retentionJob: JobDefinition<AppContext> = {
  name: 'retention',
  schedule: '30 3 * * *',
  description: '每日清理过期的聊天记录、已发送消息、会话状态与任务记录',
  async run(ctx, at) {
    const m = ctx.db.manager;
    const before = (days: number) => new Date(at.getTime() - days * DAY);
    const messages = await m.delete(MessageLog, { at: LessThan(before(180)) });
    const outbox = await m
      .createQueryBuilder()
      .delete()
      .from(OutboxMessage)
      .where('status IN (:...done) AND createdAt < :cut', { done: ['sent', 'failed', 'cancelled'], cut: before(90) })
      .execute();
    const conversations = await m.delete(Conversation, { expiresAt: LessThan(at) });
    const runs = await m.delete(JobRun, { startedAt: LessThan(before(30)) });
    return {
      messageLog: messages.affected ?? 0,
      outbox: outbox.affected ?? 0,
      conversations: conversations.affected ?? 0,
      jobRuns: runs.affected ?? 0,
    };
  },
};
