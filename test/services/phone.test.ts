import fc from 'fast-check';
import { maskPhone } from '../../services/phone';

describe('maskPhone', () => {
  it.each([
    ['13800001234', '138****1234'],
    ['+86 138 0000 1234', '138****1234'],
    ['138-0000-1234', '138****1234'],
    ['0936-5521001', '0936-****1001'],
    ['09365521001', '0936-****1001'],
    ['09365521001-88', '0936-****1001-**'],
    ['0936-5521001-88', '0936-****1001-**'],
    ['010-12345678', '010-****5678'],
    ['021 6123 4567 转 801', '021-****4567-**'],
    ['+86 10 1234 5678', '****5678'],
    ['5521001', '****'],
    ['', null],
  ])('%s → %s', (raw, masked) => {
    expect(maskPhone(raw)).toBe(masked);
  });

  const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
  const shapes = fc.oneof(
    fc.tuple(fc.constantFrom('13', '15', '18', '19'), digits(9, 9)).map(([a, b]) => a + b),
    fc.tuple(fc.constantFrom('010', '021', '0936', '0755'), fc.constantFrom('', '-', ' '), digits(7, 8)).map(([a, s, b]) => a + s + b),
    fc.tuple(fc.constantFrom('0936', '010'), digits(7, 8), fc.constantFrom('-', '转', '#', ' ext '), digits(1, 6)).map(([a, b, s, e]) => `${a}-${b}${s}${e}`),
    fc.tuple(fc.constantFrom('+86 ', '0086', '+86-'), fc.constantFrom('138', '159'), digits(8, 8)).map(([p, a, b]) => p + a + b),
    digits(1, 20),
    fc.string({ maxLength: 30 }),
  );

  it('never shows more than an area code or mobile prefix and four digits, in any shape', () => {
    fc.assert(
      fc.property(shapes, (raw) => {
        const masked = maskPhone(raw);
        if (!raw) return masked === null;
        const shown = (masked ?? '').match(/\d+/g) ?? [];
        return masked!.includes('****') && shown.every((run) => run.length <= 4) && shown.join('').length <= 8;
      }),
      { numRuns: 2000 },
    );
  });
});
