import { hiddenProperty } from '../src';

describe('hiddenProperty: a value on an app-owned object the app cannot see by enumeration', () => {
  const setSpan = hiddenProperty<{ id: number }>('span');

  it('is readable but adds no key and nothing to JSON, even when the value is circular', () => {
    const state: Record<string, unknown> = { user: 'ann' };
    const span = { id: 1, self: undefined as unknown };
    span.self = span;
    expect(setSpan(state, span)).toBe(true);
    expect(state.span).toBe(span);
    expect(Object.keys(state)).toEqual(['user']);
    expect(JSON.stringify(state)).toBe('{"user":"ann"}');
    expect({ ...state }).toEqual({ user: 'ann' });
  });

  it('an assignment by the app makes the same enumerable data property it would without Spanwise', () => {
    const state: Record<string, unknown> = {};
    setSpan(state, { id: 1 });
    state.span = 'mine';
    expect(state.span).toBe('mine');
    expect(Object.keys(state)).toEqual(['span']);
    expect(Object.getOwnPropertyDescriptor(state, 'span')).toEqual({ value: 'mine', writable: true, enumerable: true, configurable: true });
  });

  it('leaves objects alone that already have the key (own or inherited) or are not extensible', () => {
    const own = { span: 'app' };
    const inherited = Object.create({ span: 'decorator' }) as object;
    const frozen = Object.freeze({});
    expect(setSpan(own, { id: 1 })).toBe(false);
    expect(own.span).toBe('app');
    expect(setSpan(inherited, { id: 1 })).toBe(false);
    expect((inherited as { span: string }).span).toBe('decorator');
    expect(setSpan(frozen, { id: 1 })).toBe(false);
    expect(Object.getOwnPropertyNames(frozen)).toEqual([]);
  });
});
