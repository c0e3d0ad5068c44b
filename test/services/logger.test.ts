import { createLogger } from '../../services/logger';

describe('logger', () => {
  it('never writes personal data, message bodies or the values of a failed query', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const err = Object.assign(new Error('duplicate'), { parameters: ['13800001111', '我摔倒了'], query: 'INSERT …' });
    logger.error({ err, resident: { phone: '13800001111', idNumber: '620723194505061236' }, text: '我摔倒了' }, 'failed');
    expect(lines.join('')).not.toMatch(/13800001111|620723194505061236|摔倒/);
    expect(lines.join('')).toContain('duplicate');
  });
});
