import { inspect } from 'util';
import { objectSlot } from '../src/object-slot';

describe('objectSlot', () => {
  it('keeps a value on an object without any key, symbol or inspect output the app could see', () => {
    const slot = objectSlot<{ id: number }>();
    const target = { a: 1 };
    const before = inspect(target, { showHidden: true });
    slot.set(target, { id: 7 });
    expect(slot.get(target)).toEqual({ id: 7 });
    expect(Reflect.ownKeys(target)).toEqual(['a']);
    expect(Object.getOwnPropertySymbols(target)).toEqual([]);
    expect(inspect(target, { showHidden: true })).toBe(before);
    expect(JSON.stringify(target)).toBe('{"a":1}');
  });

  it('replaces and deletes a value; slots are independent', () => {
    const first = objectSlot<string>();
    const second = objectSlot<string>();
    const target = {};
    first.set(target, 'one');
    first.set(target, 'two');
    expect(first.get(target)).toBe('two');
    expect(second.get(target)).toBeUndefined();
    first.delete(target);
    expect(first.get(target)).toBeUndefined();
  });

  it('holds values for objects that cannot be extended, and answers undefined for non-objects', () => {
    const slot = objectSlot<number>();
    const frozen = Object.freeze({});
    slot.set(frozen, 3);
    expect(slot.get(frozen)).toBe(3);
    slot.delete(frozen);
    expect(slot.get(frozen)).toBeUndefined();
    expect(slot.get(undefined as unknown as object)).toBeUndefined();
    expect(slot.get('text' as unknown as object)).toBeUndefined();
  });
});
