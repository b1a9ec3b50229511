/**
 * A value Spanwise keeps on an object the app owns (its request, Koa's `ctx.state`) that the app cannot see: no key
 * for `Object.getOwnPropertySymbols`, `util.inspect` or `assert.deepStrictEqual`. It is a class private field stamped
 * onto the object (a base constructor that returns the object it is given). A WeakMap hides it as well, but its
 * `set` on a new key costs about a microsecond (an identity hash added to the object, an ephemeron entry the garbage
 * collector traces); a private field is an ordinary cached property transition. Objects that cannot be extended
 * (frozen, sealed) keep their value in a WeakMap.
 */
export interface ObjectSlot<T> {
  get(target: object): T | undefined;
  set(target: object, value: T): void;
  delete(target: object): void;
}

/** Its constructor returns `target`, so a subclass's field initialisers define their private fields on `target`. */
class Stamp {
  constructor(target: object) {
    return target;
  }
}

export function objectSlot<T>(): ObjectSlot<T> {
  const fallback = new WeakMap<object, T>();

  class Slot extends Stamp {
    #value: T | undefined;

    constructor(target: object, value: T) {
      super(target);
      this.#value = value;
    }

    static get(target: object): T | undefined {
      if (typeof target !== 'object' || target === null) return undefined;
      return #value in target ? (target as Slot).#value : fallback.get(target);
    }

    static set(target: object, value: T): void {
      if (#value in target) (target as Slot).#value = value;
      else if (Object.isExtensible(target)) new Slot(target, value);
      else fallback.set(target, value);
    }

    static delete(target: object): void {
      if (#value in target) (target as Slot).#value = undefined;
      else fallback.delete(target);
    }
  }

  return { get: Slot.get, set: Slot.set, delete: Slot.delete };
}
