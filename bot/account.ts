import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { WechatyBuilder, types } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import type { mock } from 'wechaty-puppet-mock';
import qrcodeTerminal from 'qrcode-terminal';
import type { OutboxMessage, Station } from '../entities';
import type { AppContext, SimulatedKind } from '../services/context';
import { choosePuppet, PuppetChoice } from './puppet';
import { Router } from './router';
import { OutboxSender, SenderOptions } from './sender';
import { botLogoutKey } from '../services/messaging/keys';

/** How long the simulator waits for a reply at most (a guard, not a pace: replies end the wait). */
const CHAT_TIMEOUT_MS = 20_000;

/**
 * One station's WeChat account: a Wechaty instance on the chosen puppet, its router for inbound
 * messages and its outbox sender. Logins, logouts and errors are logged, counted, alerted and
 * published as the account's state.
 */
export class StationAccount {
  readonly bot: WechatyInterface;
  readonly router: Router;
  readonly sender: OutboxSender;
  readonly mocker?: mock.Mocker;
  /** The account's own mock contact (simulator). */
  selfId?: string;
  loggedIn = false;
  private stopping = false;
  private station?: Station;
  private readonly label: string;

  constructor(
    readonly ctx: AppContext,
    readonly stationId: number,
    options: { senderOptions?: Partial<SenderOptions>; puppet?: PuppetChoice } = {},
  ) {
    this.label = String(stationId);
    const choice = options.puppet ?? choosePuppet(ctx.config);
    if (choice.kind === 'mock') {
      this.mocker = choice.mocker;
      // No name for the mock: a memory card would only leave files behind in tests.
      this.bot = WechatyBuilder.build({ puppet: choice.puppet });
    } else {
      this.bot = WechatyBuilder.build({
        name: path.join(ctx.config.dataDir, `station-${stationId}`),
        puppet: choice.name as never,
        puppetOptions: choice.options,
      });
    }
    this.router = new Router({
      ctx, stationId,
      station: () => this.loadStation(),
      send: (to, text) => this.send(to, text),
      setAlias: (contactId, alias) => this.setAlias(contactId, alias),
    });
    this.sender = new OutboxSender(ctx, stationId, { deliver: (row) => this.deliver(row), isUp: () => this.loggedIn }, {
      gapMs: ctx.config.sendGapMs, hourlyCap: ctx.config.sendHourlyCap, dailyCap: ctx.config.sendDailyCap, ...options.senderOptions,
    });
  }

  private async loadStation(): Promise<Station> {
    if (!this.station) {
      const s = await this.ctx.services.chat.station(this.stationId);
      if (!s) throw new Error(`station ${this.stationId} not found`);
      this.station = s;
    }
    return this.station;
  }

  /** Starts Wechaty and the sender; with the mock puppet, logs in a mock account at once. */
  async start(): Promise<void> {
    const { ctx, bot } = this;
    const station = await this.loadStation();
    ctx.services.accounts.set(this.stationId, false, 'starting');
    bot.on('scan', (qrcode, status) => {
      if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) {
        console.log(`\n${station.name} 的微信尚未登录，请用该站的微信扫码登录：`);
        qrcodeTerminal.generate(qrcode, { small: true });
      }
      ctx.logger.info({ stationId: this.stationId, status }, 'bot scan');
      ctx.metrics.botEvents.inc({ station: this.label, event: 'scan' });
    });
    bot.on('login', (user) => {
      this.loggedIn = true;
      ctx.logger.info({ stationId: this.stationId, account: user.id }, 'bot logged in');
      ctx.metrics.botEvents.inc({ station: this.label, event: 'login' });
      ctx.services.accounts.set(this.stationId, true);
      this.sender.nudge();
    });
    bot.on('logout', (user, reason) => {
      this.loggedIn = false;
      // Our own stop logs the puppet out: no alarm for that.
      if (this.stopping) return ctx.services.accounts.set(this.stationId, false, 'stopped');
      void this.loggedOut(`已退出登录${reason ? `：${reason}` : ''}`, user?.id);
    });
    bot.on('error', (err) => {
      ctx.metrics.botEvents.inc({ station: this.label, event: 'error' });
      ctx.logger.warn({ stationId: this.stationId, err: (err as Error)?.message }, 'bot error');
    });
    bot.on('message', (msg) => this.router.onMessage(msg));
    await bot.start();
    if (this.mocker) {
      const login = new Promise<void>((resolve) => bot.once('login', () => resolve()));
      this.selfId = `station-${this.stationId}`;
      const self = this.mocker.createContact({ id: this.selfId, name: station.name });
      this.mocker.login(self);
      await login;
    }
    await this.sender.start();
  }

  private async loggedOut(reason: string, accountId?: string): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    ctx.metrics.botEvents.inc({ station: this.label, event: 'logout' });
    ctx.logger.warn({ stationId: this.stationId, account: accountId }, 'bot logged out');
    console.warn(`[微信] 站点 ${this.stationId} 的微信已掉线，消息暂停发送，请重新登录。`);
    ctx.services.accounts.set(this.stationId, false, 'logout');
    await ctx.services.alerts.raise({
      stationId: this.stationId, type: 'bot_logout', summary: `站点微信掉线（${reason}），消息暂停发送，请尽快重新登录。`,
      dedupeKey: botLogoutKey(this.stationId, now),
    }).catch((err) => ctx.logger.warn({ err }, 'bot_logout alert not raised'));
  }

  /** The one send function: sends at once, logs to the message log, counts. Throws on failure. */
  async send(to: string, text: string): Promise<void> {
    await this.transmit(to, text);
    await this.ctx.services.chat.log({ stationId: this.stationId, contactId: to, direction: 'out', text });
  }

  /** Sends and counts, without logging (the outbox sender logs with the row's own update). */
  private async transmit(to: string, text: string): Promise<void> {
    try {
      await this.bot.puppet.messageSendText(to, text);
    } catch (err) {
      this.ctx.metrics.botMessages.inc({ station: this.label, direction: 'out', result: 'error' });
      throw err;
    }
    this.ctx.metrics.botMessages.inc({ station: this.label, direction: 'out', result: 'ok' });
  }

  /**
   * Delivers an outbox row: to its contact id, or, when that id fails, to the contact found by the
   * stable remark (ids change on some puppets), whose record is then linked to the new id. Returns
   * the contact id it went to; the caller logs it.
   */
  async deliver(row: Pick<OutboxMessage, 'toContactId' | 'toAlias' | 'text' | 'kind'>): Promise<string> {
    let firstError: unknown;
    try {
      await this.transmit(row.toContactId, row.text);
      return row.toContactId;
    } catch (err) {
      if (!this.loggedIn) throw err;
      firstError = err;
    }
    if (row.toAlias) {
      const found = await this.bot.Contact.find({ alias: row.toAlias }).catch(() => undefined);
      if (found && found.id !== row.toContactId) {
        await this.transmit(found.id, row.text);
        await this.ctx.services.chat.relinkByAlias(row.toAlias, found.id);
        this.ctx.logger.info({ stationId: this.stationId, alias: row.toAlias }, 'contact found by remark, relinked');
        return found.id;
      }
    }
    // The simulator after a restart: its fresh mock knows no contacts yet.
    if (this.mocker && !row.toContactId.includes('@') && !this.mocker.cacheContactPayload.has(row.toContactId)) {
      this.mocker.createContact({ id: row.toContactId, name: row.toContactId });
      await this.transmit(row.toContactId, row.text);
      return row.toContactId;
    }
    throw firstError;
  }

  /** Sets a contact's remark; with the mock puppet it sticks (see StationPuppetMock). */
  async setAlias(contactId: string, alias: string): Promise<void> {
    const contact = await this.bot.Contact.find({ id: contactId });
    await contact?.alias(alias);
  }

  /**
   * Simulator: contact `from` (created if unknown) says `text` to this account, or sends a voice
   * note or a picture (`kind`); resolves with the bot's replies to that message, when its handling
   * is done.
   */
  async chat(from: string, text: string, name?: string, kind: SimulatedKind = 'text'): Promise<string[]> {
    const mocker = this.mocker;
    if (!mocker || !this.selfId) throw new Error('the simulator needs the mock puppet');
    if (!mocker.cacheContactPayload.has(from)) mocker.createContact({ id: from, name: name || from });
    else if (name && mocker.contactPayload(from).name !== name) {
      mocker.contactPayload(from, { ...mocker.contactPayload(from), name });
      this.bot.puppet.dirtyPayload(types.Dirty.Contact, from);
    }
    const id = `sim-${randomUUID()}`;
    const replies = this.router.track(id);
    const type = kind === 'voice' ? types.Message.Audio : kind === 'image' ? types.Message.Image : types.Message.Text;
    mocker.MessageMock.create({ id, talkerId: from, listenerId: this.selfId, timestamp: Date.now(), type, text: kind === 'text' ? text : '' });
    this.bot.puppet.emit('message', { messageId: id });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), CHAT_TIMEOUT_MS)));
    try {
      return await Promise.race([replies, timeout]);
    } finally {
      clearTimeout(timer);
      // The mock keeps every message forever; the simulator forgets the ones it made.
      setImmediate(() => mocker.cacheMessagePayload.delete(id));
    }
  }

  /** Stops the sender (after its current send), lets inbound messages finish, stops Wechaty. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.sender.stop();
    await this.router.idle();
    this.loggedIn = false;
    await this.bot.stop().catch((err) => this.ctx.logger.warn({ err }, 'bot stop failed'));
  }
}
