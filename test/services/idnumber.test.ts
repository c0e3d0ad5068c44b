import { ageOn, idCheckChar, idNumberFacts, idNumberProblem, isValidIdNumber } from '../../services/idnumber';
import { isValidPhone, maskPhone, normalisePhone } from '../../services/phone';

describe('ID numbers (GB 11643)', () => {
  // The standard's own example: 11010519491231002X.
  it('accepts a valid number, with an upper- or lower-case X', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('440524188001010014')).toBe(true);
  });

  it('refuses a wrong check digit, a bad birth date and a bad format', () => {
    expect(idNumberProblem('110105194912310021')).toBe('check_digit');
    expect(idNumberProblem('110105194902300025')).toBe('birth_date');
    expect(idNumberProblem('11010519491231002')).toBe('format');
    expect(idNumberProblem('1101051949123100AX')).toBe('format');
    expect(idNumberProblem('110105209912310028', '2026-12-03')).toBe('birth_date');
  });

  it('reads birth date and gender', () => {
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: 'female' });
    expect(idNumberFacts('440524188001010014').gender).toBe('male');
  });

  it('computes age in whole years', () => {
    expect(ageOn('1944-12-03', '2026-12-03')).toBe(82);
    expect(ageOn('1944-12-04', '2026-12-03')).toBe(81);
  });
});

describe('phones', () => {
  it('validates mobiles and landlines', () => {
    expect(isValidPhone('13800000000')).toBe(true);
    expect(isValidPhone('+86 138 0000 0000')).toBe(true);
    expect(isValidPhone('0936-5521001')).toBe(true);
    expect(isValidPhone('12800000000')).toBe(false);
    expect(isValidPhone('1380000000')).toBe(false);
    expect(isValidPhone('hello')).toBe(false);
    expect(normalisePhone('+86 138 0000 0000')).toBe('13800000000');
  });

  it('masks for display', () => {
    expect(maskPhone('13812340000')).toBe('138****0000');
    expect(maskPhone('0936-5521001')).toBe('0936-****1001');
    expect(maskPhone(null)).toBeNull();
  });
});
