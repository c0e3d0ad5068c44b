import { types as PUPPET_TYPES } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Config } from '../services/config';

export const MOCK_PUPPET = 'wechaty-puppet-mock';

/**
 * The mock puppet, with remarks that stick: the stock mock forgets `contact.alias(x)`, which would
 * leave the simulator unable to find a contact by its remark as a real account does.
 */
class StationPuppetMock extends PuppetMock {
  override async contactAlias(contactId: string): Promise<string>;
  override async contactAlias(contactId: string, alias: string | null): Promise<void>;
  override async contactAlias(contactId: string, alias?: string | null): Promise<string | void> {
    const payload = this.mocker.contactPayload(contactId);
    if (alias === undefined) return payload.alias ?? '';
    this.mocker.contactPayload(contactId, { ...payload, alias: alias ?? '' });
    this.dirtyPayload(PUPPET_TYPES.Dirty.Contact, contactId);
  }
}

/** How Wechaty is told which puppet to use: an instance for the mock, a module name otherwise. */
export type PuppetChoice =
  | { kind: 'mock'; puppet: StationPuppetMock; mocker: mock.Mocker }
  | { kind: 'named'; name: string; options: Record<string, unknown> };

/** The puppet of one station account, from WECHATY_PUPPET. */
export function choosePuppet(config: Config): PuppetChoice {
  if (config.puppet === MOCK_PUPPET) {
    const mocker = new mock.Mocker();
    return { kind: 'mock', puppet: new StationPuppetMock({ mocker }), mocker };
  }
  const options: Record<string, unknown> = {};
  if (config.puppetServiceToken) options.token = config.puppetServiceToken;
  return { kind: 'named', name: config.puppet, options };
}
